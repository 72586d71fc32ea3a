package auth

import (
	"strings"
	"testing"
)

// The missing-account dummy is a well-formed hash with the given cost, so a
// sign-in for an unknown address does a full verification, and it matches
// no password; two services do not share it.
func TestRandomHashVerifiesAtFullCostAndMatchesNothing(t *testing.T) {
	p := TestParams()
	h := randomHash(p)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("dummy hash %q does not carry the parameters", h)
	}
	for _, pw := range []string{"", "frontline-dummy-password", "correct horse battery"} {
		ok, err := VerifyPassword(h, pw)
		if err != nil || ok {
			t.Fatalf("VerifyPassword(dummy, %q) = %v, %v; want false, nil", pw, ok, err)
		}
	}
	if randomHash(p) == h {
		t.Fatal("two dummy hashes are equal")
	}
}
