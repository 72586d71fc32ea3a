package hiring

// Candidates' attachments (Greenhouse: a candidate's `attachments`, each
// with filename, url, type resume / cover_letter / other): kept in the
// database, read only by those who may see the candidate (never a blind
// reviewer: a blind interview gives no sight of the candidate), removed
// when the candidate is anonymised or erased.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/errs"
)

// MaxAttachmentBytes is the largest attachment a candidate may have.
const MaxAttachmentBytes = 10 << 20

// attachmentTypes are Greenhouse's attachment types.
var attachmentTypes = map[string]bool{"resume": true, "cover_letter": true, "admin_only": true, "other": true}

// attachmentContent is what a resume may be: the sniffed content type must
// be one of these (what the uploader claims is not believed).
var attachmentContent = map[string]bool{
	"application/pdf": true, "text/plain; charset=utf-8": true, "application/zip": true, "image/png": true, "image/jpeg": true,
}

// Attachment is one file of a candidate.
type Attachment struct {
	ID          int64     `json:"id"`
	CandidateID int64     `json:"candidate_id"`
	Type        string    `json:"type"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	URL         string    `json:"url"`
	CreatedByID *int64    `json:"created_by_id"`
	CreatedAt   time.Time `json:"created_at"`
	Content     []byte    `json:"-"`
}

// CheckAttachment applies the attachment rule to an upload and returns the
// content type to store: a known type, a plain file name, at most
// MaxAttachmentBytes, and content that is what it says (PDF, Word .docx,
// plain text, PNG or JPEG by its first bytes).
func CheckAttachment(typ, filename string, content []byte) (string, error) {
	if !attachmentTypes[typ] {
		return "", errs.Invalid("type", "Attachment rule: type is one of resume, cover_letter, admin_only, other")
	}
	base := path.Base(strings.ReplaceAll(filename, "\\", "/"))
	if filename == "" || base != filename || base == "." || base == ".." || !utf8.ValidString(filename) || len(filename) > 255 || strings.ContainsAny(filename, "\x00\r\n\"") {
		return "", errs.Invalid("filename", "Attachment rule: a plain file name (no path, quotes or line breaks, at most 255 bytes)")
	}
	if len(content) == 0 {
		return "", errs.Invalid("content", "Attachment rule: the file is empty")
	}
	if len(content) > MaxAttachmentBytes {
		return "", errs.Invalid("content", "Attachment rule: at most 10 MB")
	}
	ct := http.DetectContentType(content)
	if _, ok := attachmentContent[ct]; !ok {
		return "", errs.Invalid("content", "Attachment rule: a PDF, Word (.docx), plain text, PNG or JPEG file; this one is "+ct)
	}
	if ct == "application/zip" {
		// A .docx is a zip holding word/document.xml; other zips are refused.
		if !strings.HasSuffix(strings.ToLower(filename), ".docx") || !bytes.Contains(content, []byte("word/")) {
			return "", errs.Invalid("content", "Attachment rule: a zip file is accepted only as a Word .docx document")
		}
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", nil
	}
	return ct, nil
}

// AddAttachment stores a file on a candidate the viewer may see (audited).
func (s *Store) AddAttachment(ctx context.Context, actor audit.Actor, v Viewer, candidateID int64, typ, filename string, content []byte) (*Attachment, error) {
	if _, err := s.GetCandidate(ctx, v, candidateID); err != nil {
		return nil, err
	}
	ct, err := CheckAttachment(typ, filename, content)
	if err != nil {
		return nil, err
	}
	a := &Attachment{CandidateID: candidateID, Type: typ, Filename: filename, ContentType: ct, Size: int64(len(content))}
	err = s.d.Write(ctx, func(tx *db.Tx) error {
		c, err := s.candidateTx(ctx, tx, candidateID)
		if err != nil {
			return err
		}
		if c.AnonymizedAt != nil {
			return errs.Invalid("candidate", "Attachment rule: the candidate is anonymised")
		}
		a.CreatedAt = tx.Now
		if actor.ID != 0 {
			a.CreatedByID = &actor.ID
		}
		if err := tx.QueryRowContext(ctx, s.q.Get("InsertAttachment"), candidateID, typ, filename, ct, a.Size, content, actorID(actor), db.TS(tx.Now)).Scan(&a.ID); err != nil {
			return err
		}
		return s.audit.Record(ctx, tx, actor, "hiring.attachment.added", "hiring_candidate", candidateID, nil, map[string]any{"attachment_id": a.ID, "filename": filename, "type": typ, "size": a.Size})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Attachments lists a candidate's files (without their content).
func (s *Store) Attachments(ctx context.Context, v Viewer, candidateID int64) ([]Attachment, error) {
	c, err := s.GetCandidate(ctx, v, candidateID)
	if err != nil {
		return nil, err
	}
	return s.AttachmentsOf(ctx, c)
}

// AttachmentsOf lists the files of c, a candidate its caller read with
// GetCandidate (which checked and audited the read).
func (s *Store) AttachmentsOf(ctx context.Context, c *Candidate) ([]Attachment, error) {
	return db.ReadList(ctx, s.d, s.q.Get("Attachments"), []any{c.ID}, func(r db.Scanner) (*Attachment, error) {
		var a Attachment
		return &a, r.Scan(&a.ID, &a.CandidateID, &a.Type, &a.Filename, &a.ContentType, &a.Size, &a.CreatedByID, db.Time(&a.CreatedAt))
	})
}

// GetAttachment returns one file with its content, for a viewer who may see
// the candidate; a non-recruiter's download is audited (GetCandidate).
func (s *Store) GetAttachment(ctx context.Context, v Viewer, candidateID, id int64) (*Attachment, error) {
	if _, err := s.GetCandidate(ctx, v, candidateID); err != nil {
		return nil, err
	}
	var a Attachment
	err := s.d.Read(ctx, func(tx *db.Tx) error {
		return tx.QueryRowContext(ctx, s.q.Get("AttachmentContent"), id, candidateID).Scan(&a.ID, &a.CandidateID, &a.Type, &a.Filename, &a.ContentType, &a.Size, &a.CreatedByID, db.Time(&a.CreatedAt), &a.Content)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("attachment")
	}
	return &a, err
}

// DeleteAttachment removes one file (recruiters; audited).
func (s *Store) DeleteAttachment(ctx context.Context, actor audit.Actor, candidateID, id int64) error {
	return s.d.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, s.q.Get("DeleteAttachment"), id, candidateID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("attachment")
		}
		return s.audit.Record(ctx, tx, actor, "hiring.attachment.deleted", "hiring_candidate", candidateID, nil, map[string]any{"attachment_id": id})
	})
}
