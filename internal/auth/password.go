package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/frontline/frontline/internal/errs"
)

// Params are argon2id cost parameters. They are stored in every hash (PHC
// string format), so raising them later keeps old hashes verifiable.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams returns the production argon2id parameters: RFC 9106's second
// recommended option (64 MiB) with 2 passes and 2 lanes for a 2-core server.
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Time: 2, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// MinimumParams are OWASP's minimum argon2id recommendation (19 MiB, 2
// passes, 1 lane): for accounts whose password is no secret to protect,
// such as the demo's shared one (SetSharedPassword).
func MinimumParams() Params {
	return Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
}

// TestParams are cheap parameters for tests only.
func TestParams() Params { return Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32} }

// Hasher makes and checks password hashes. A Service uses Argon2id unless
// Options.Hasher names another (tests inject one that counts how many
// hashes run at once).
type Hasher interface {
	Hash(password string) (string, error)
	Verify(encoded, password string) (bool, error)
}

// Argon2id is the production Hasher: HashPassword and VerifyPassword with
// Params.
type Argon2id struct{ Params Params }

// Hash returns the PHC-format argon2id hash of password.
func (a Argon2id) Hash(password string) (string, error) { return HashPassword(password, a.Params) }

// Verify reports whether password matches encoded (whatever its parameters).
func (Argon2id) Verify(encoded, password string) (bool, error) {
	return VerifyPassword(encoded, password)
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// ValidatePassword returns a validation error when pw is too weak to store.
func ValidatePassword(pw string) error {
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return errs.Invalid("password", fmt.Sprintf("is too short (minimum is %d characters)", MinPasswordLen))
	}
	if len(pw) > 1024 {
		return errs.Invalid("password", "is too long (maximum is 1024 bytes)")
	}
	return nil
}

// HashPassword returns the PHC-format argon2id hash of pw.
func HashPassword(pw string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key), nil
}

// randomHash returns a well-formed argon2id hash with parameters p whose
// salt and key are random: verifying any password against it costs what a
// real hash costs and fails (a match is a 2^-256 chance).
func randomHash(p Params) string {
	salt, key := make([]byte, p.SaltLen), make([]byte, p.KeyLen)
	_, _ = rand.Read(salt)
	_, _ = rand.Read(key)
	return encodeHash(p, salt, key)
}

// encodeHash spells an argon2id hash in the PHC string format.
func encodeHash(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

var errBadHash = errors.New("auth: malformed password hash")

// VerifyPassword reports whether pw matches the encoded hash, in constant time.
func VerifyPassword(encoded, pw string) (bool, error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
