// Package backup writes and reads Frontline backups: one gzip-compressed tar
// file holding a consistent copy of the database (internal/db.Snapshot),
// the attachment files and, last, a manifest with every file's size and
// SHA-256 and every table's row count and checksum as they were in the
// copy. Restoring checks all of it before anything is put in place, and
// again after the database is loaded (docs/adr/0014-backup.md).
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
)

// Format is the version of the backup layout this code writes and reads.
const Format = 1

// ManifestName is the manifest's name in the archive (its last entry).
const ManifestName = "manifest.json"

// Manifest describes a backup.
type Manifest struct {
	Format           int                    `json:"format"`
	Engine           string                 `json:"engine"`
	Schema           string                 `json:"schema,omitempty"` // PostgreSQL schema of the copy
	SchemaVersion    int64                  `json:"schema_version"`
	FrontlineVersion string                 `json:"frontline_version"`
	CreatedAt        time.Time              `json:"created_at"`
	Database         string                 `json:"database"` // the copy's file name
	Tables           map[string]db.TableSum `json:"tables"`
	Files            []File                 `json:"files"`
}

// File is one archived file.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Rows is the number of rows over every table.
func (m Manifest) Rows() int64 {
	var n int64
	for _, t := range m.Tables {
		n += t.Rows
	}
	return n
}

// Bytes is the size of the archived files (before compression).
func (m Manifest) Bytes() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// Source is what a backup is taken of.
type Source struct {
	DB             *db.DB
	AttachmentsDir string
	Version        string    // the running binary's version
	Now            time.Time // from the injected clock
}

// Write takes a backup of src into w. The database copy is taken first;
// attachments are never deleted or changed once written (their files are
// named by content) and are written before the row that names them, so
// copying the directory afterwards holds every file the copy refers to.
func Write(ctx context.Context, src Source, w io.Writer) (Manifest, error) {
	tmp, err := os.MkdirTemp("", "frontline-backup-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(tmp)
	info, err := src.DB.Snapshot(ctx, tmp)
	if err != nil {
		return Manifest{}, err
	}
	schema, err := src.DB.SnapshotSchema(ctx)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{
		Format: Format, Engine: string(src.DB.Dialect), Schema: schema, SchemaVersion: info.SchemaVersion,
		FrontlineVersion: src.Version, CreatedAt: src.Now.UTC(), Database: info.File, Tables: info.Tables,
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	add := func(name, file string) error {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: st.Size(), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(tw, h), f)
		if err != nil {
			return err
		}
		if n != st.Size() {
			return fmt.Errorf("%s changed size while being copied", file)
		}
		m.Files = append(m.Files, File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))})
		return nil
	}
	if err := add(info.File, filepath.Join(tmp, info.File)); err != nil {
		return Manifest{}, err
	}
	if src.AttachmentsDir != "" {
		var files []string
		err := filepath.WalkDir(src.AttachmentsDir, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					return nil
				}
				return err
			}
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") { // .upload-* are unfinished uploads
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return Manifest{}, fmt.Errorf("read attachments: %w", err)
		}
		sort.Strings(files)
		for _, p := range files {
			rel, err := filepath.Rel(src.AttachmentsDir, p)
			if err != nil {
				return Manifest{}, err
			}
			if err := add(path.Join("attachments", filepath.ToSlash(rel)), p); err != nil {
				return Manifest{}, fmt.Errorf("attachment %s: %w", rel, err)
			}
		}
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: ManifestName, Mode: 0o600, Size: int64(len(mb)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return Manifest{}, err
	}
	if _, err := tw.Write(mb); err != nil {
		return Manifest{}, err
	}
	if err := tw.Close(); err != nil {
		return Manifest{}, err
	}
	if err := gz.Close(); err != nil {
		return Manifest{}, err
	}
	return m, nil
}

// Damaged is the error of a backup that cannot be trusted.
type Damaged struct{ Reason string }

func (e *Damaged) Error() string { return "the backup is damaged: " + e.Reason }

// Extract unpacks a backup into dir (which should be empty) and checks it
// whole: the manifest is present and of a known format, every file listed
// is there with its size and SHA-256, nothing unlisted is there, and no
// name escapes dir. It returns the manifest; on any error dir may hold a
// partial extraction for the caller to remove.
func Extract(r io.Reader, dir string) (Manifest, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return Manifest{}, &Damaged{"not a Frontline backup (" + err.Error() + ")"}
	}
	tr := tar.NewReader(gz)
	got := map[string]File{}
	var mb []byte
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Manifest{}, &Damaged{"truncated or corrupt archive (" + err.Error() + ")"}
		}
		if h.Typeflag != tar.TypeReg {
			return Manifest{}, &Damaged{fmt.Sprintf("unexpected entry %q", h.Name)}
		}
		clean := path.Clean(h.Name)
		if clean != h.Name || path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
			return Manifest{}, &Damaged{fmt.Sprintf("entry %q has an unsafe name", h.Name)}
		}
		if clean == ManifestName {
			if h.Size > 64<<20 {
				return Manifest{}, &Damaged{"manifest too large"}
			}
			if mb, err = io.ReadAll(tr); err != nil {
				return Manifest{}, &Damaged{"truncated manifest (" + err.Error() + ")"}
			}
			continue
		}
		dst := filepath.Join(dir, filepath.FromSlash(clean))
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return Manifest{}, err
		}
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return Manifest{}, err
		}
		hs := sha256.New()
		n, err := io.Copy(io.MultiWriter(f, hs), tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return Manifest{}, &Damaged{fmt.Sprintf("truncated entry %q (%v)", h.Name, err)}
		}
		got[clean] = File{Path: clean, Size: n, SHA256: hex.EncodeToString(hs.Sum(nil))}
	}
	if mb == nil {
		return Manifest{}, &Damaged{"no manifest (the file is truncated or not a Frontline backup)"}
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return Manifest{}, &Damaged{"unreadable manifest (" + err.Error() + ")"}
	}
	if m.Format != Format {
		return m, fmt.Errorf("the backup has format %d; this Frontline reads format %d", m.Format, Format)
	}
	listed := map[string]bool{}
	for _, f := range m.Files {
		listed[f.Path] = true
		g, ok := got[f.Path]
		switch {
		case !ok:
			return m, &Damaged{fmt.Sprintf("%s is missing", f.Path)}
		case g.Size != f.Size:
			return m, &Damaged{fmt.Sprintf("%s has %d bytes, the manifest says %d", f.Path, g.Size, f.Size)}
		case g.SHA256 != f.SHA256:
			return m, &Damaged{fmt.Sprintf("%s does not match its checksum", f.Path)}
		}
	}
	for name := range got {
		if !listed[name] {
			return m, &Damaged{fmt.Sprintf("%s is not in the manifest", name)}
		}
	}
	if !listed[m.Database] || m.Database != db.SnapshotFile(db.Dialect(m.Engine)) {
		return m, &Damaged{"the manifest names no database copy"}
	}
	return m, nil
}

// CheckTables compares a restored database's description with the manifest.
func CheckTables(m Manifest, got db.SnapshotInfo) error {
	if got.SchemaVersion != m.SchemaVersion {
		return fmt.Errorf("restored schema version %d, the backup says %d", got.SchemaVersion, m.SchemaVersion)
	}
	var problems []string
	for name, want := range m.Tables {
		g, ok := got.Tables[name]
		switch {
		case !ok:
			problems = append(problems, name+" is missing")
		case g.Rows != want.Rows:
			problems = append(problems, fmt.Sprintf("%s has %d rows, the backup %d", name, g.Rows, want.Rows))
		case g.Sum != want.Sum:
			problems = append(problems, name+" differs from the backup's checksum")
		}
	}
	for name := range got.Tables {
		if _, ok := m.Tables[name]; !ok {
			problems = append(problems, name+" is not in the backup")
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("restored database does not match the backup: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Target is where a backup is restored.
type Target struct {
	DB      db.Target
	DataDir string
}

// Restore restores the backup read from r into t, which must be empty: a
// SQLite file that does not exist yet (or an empty one) and no attachments,
// or a PostgreSQL schema without tables. Everything is extracted and
// checked in a staging directory first; a damaged backup, one from a newer
// Frontline or of the other engine is refused before anything is written
// to the target. The restored database is checked against the manifest.
func Restore(ctx context.Context, r io.Reader, t Target) (Manifest, error) {
	attDir := filepath.Join(t.DataDir, "attachments")
	if err := emptyDir(attDir); err != nil {
		return Manifest{}, err
	}
	if t.DB.Dialect == db.SQLite {
		if st, err := os.Stat(t.DB.Path); err == nil && st.Size() > 0 {
			return Manifest{}, fmt.Errorf("%s exists already; restore into an empty data directory", t.DB.Path)
		}
	}
	if err := os.MkdirAll(t.DataDir, 0o750); err != nil {
		return Manifest{}, err
	}
	staging, err := os.MkdirTemp(t.DataDir, ".restore-*")
	if err != nil {
		return Manifest{}, err
	}
	defer os.RemoveAll(staging)
	m, err := Extract(r, staging)
	if err != nil {
		return m, err
	}
	if m.Engine != string(t.DB.Dialect) {
		return m, fmt.Errorf("the backup is of a %s database and cannot be restored into %s; restore it into the same kind of database", m.Engine, t.DB.Dialect)
	}
	ms, err := db.Migrations(t.DB.Dialect)
	if err != nil {
		return m, err
	}
	if newest := ms[len(ms)-1].Version; m.SchemaVersion > newest {
		return m, fmt.Errorf("the backup is from a newer Frontline (%s, schema version %d); this binary knows schema versions up to %d: restore it with that version or newer", m.FrontlineVersion, m.SchemaVersion, newest)
	}
	copyPath := filepath.Join(staging, filepath.FromSlash(m.Database))
	switch t.DB.Dialect {
	case db.SQLite:
		got, err := db.DescribeSQLiteFile(ctx, copyPath)
		if err != nil {
			return m, &Damaged{err.Error()}
		}
		if err := CheckTables(m, got); err != nil {
			return m, &Damaged{err.Error()}
		}
		if err := os.MkdirAll(filepath.Dir(t.DB.Path), 0o750); err != nil {
			return m, err
		}
		_ = os.Remove(t.DB.Path) // an empty file only (checked above)
		if err := os.Rename(copyPath, t.DB.Path); err != nil {
			return m, fmt.Errorf("put the database in place: %w", err)
		}
	default:
		d, err := db.Open(ctx, t.DB, clock.Real{}, db.Options{MaxConns: 2})
		if err != nil {
			return m, err
		}
		defer d.Close()
		got, err := d.RestoreSnapshot(ctx, copyPath, db.Dialect(m.Engine), m.Schema)
		if err != nil {
			return m, err
		}
		if err := CheckTables(m, got); err != nil {
			return m, err
		}
	}
	if src := filepath.Join(staging, "attachments"); exists(src) {
		_ = os.Remove(attDir) // empty (checked above)
		if err := os.Rename(src, attDir); err != nil {
			return m, fmt.Errorf("put the attachments in place: %w", err)
		}
	}
	return m, nil
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// emptyDir fails when dir holds anything.
func emptyDir(dir string) error {
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(es) > 0 {
		return fmt.Errorf("%s is not empty; restore into an empty data directory", dir)
	}
	return nil
}
