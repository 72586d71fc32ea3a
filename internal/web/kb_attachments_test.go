package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// Article attachments: an agent uploads (multipart, as Zendesk's API takes
// them); readers of the article list and download them, by the route and by
// Zendesk's /articles/attachments/{id} path; the internal article's file is
// nobody else's, and the ticket attachment routes never serve either.
func TestKBArticleAttachments(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqatt")
		upload := func(article int64, name, content, inline string) resp {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			fw, _ := mw.CreateFormFile("file", name)
			fw.Write([]byte(content))
			if inline != "" {
				mw.WriteField("inline", inline)
			}
			mw.Close()
			return e.do(nil, "POST", fmt.Sprintf("%s/articles/%d/attachments", hcAPI, article), &b,
				append(basic(e.users[people.RoleAgent].Email, pw), "Content-Type", mw.FormDataContentType())...)
		}
		r := upload(f.public, "upgrade-checklist.txt", "1. back up\n2. upgrade", "")
		if r.code != 201 || !strings.Contains(r.body, `"file_name":"upgrade-checklist.txt"`) || !strings.Contains(r.body, `"inline":false`) {
			t.Fatalf("upload: %d %s", r.code, r.body)
		}
		if r := upload(f.public, "diagram.png", "\x89PNG", "maybe"); r.code != 422 {
			t.Errorf("inline=maybe: %d", r.code)
		}
		if r := upload(f.public, "diagram.png", "\x89PNG\r\n", "true"); r.code != 201 {
			t.Fatalf("inline upload: %d %s", r.code, r.body)
		}
		secret := upload(f.internal, "zqatt-runbook.txt", "zqatt steps", "")
		if secret.code != 201 {
			t.Fatal(secret.body)
		}
		_, m := e.api("end-user", "GET", fmt.Sprintf("%s/articles/%d/attachments/block", hcAPI, f.public), "")
		list := m["article_attachments"].([]any)
		if len(list) != 1 {
			t.Fatalf("block attachments: %v", m)
		}
		att := list[0].(map[string]any)
		if r, m := e.api("end-user", "GET", fmt.Sprintf("%s/articles/%d/attachments/inline", hcAPI, f.public), ""); r.code != 200 || len(m["article_attachments"].([]any)) != 1 {
			t.Errorf("inline attachments: %s", r.body)
		}
		// Zendesk's path.
		if r, m := e.api("end-user", "GET", fmt.Sprintf("%s/articles/attachments/%v.json", hcAPI, att["id"]), ""); r.code != 200 ||
			m["article_attachment"].(map[string]any)["file_name"] != "upgrade-checklist.txt" {
			t.Errorf("by Zendesk's path: %d %s", r.code, r.body)
		}
		rel := strings.TrimPrefix(att["content_url"].(string), e.ts.URL)
		if r := e.do(nil, "GET", rel, nil); r.code != 200 || r.body != "1. back up\n2. upgrade" || !strings.HasPrefix(r.hdr.Get("Content-Disposition"), "attachment") ||
			r.hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download by an anonymous reader: %d %v %q", r.code, r.hdr, r.body)
		}
		if page := e.do(nil, "GET", fmt.Sprintf("/hc/articles/%d", f.public), nil).body; !strings.Contains(page, "upgrade-checklist.txt") || strings.Contains(page, "diagram.png") {
			t.Errorf("the article page lists its block attachments only")
		}
		// The internal article's file.
		var sid float64
		fmt.Sscanf(secret.body[strings.Index(secret.body, `"id":`)+5:], "%g", &sid)
		for _, p := range []string{fmt.Sprintf("%s/article_attachments/%d", hcAPI, int64(sid)), fmt.Sprintf("/hc-files/%d/x.txt", int64(sid)),
			fmt.Sprintf("%s/articles/%d/attachments", hcAPI, f.internal)} {
			if r := e.do(nil, "GET", p, nil, basic(e.users[people.RoleEndUser].Email, pw)...); r.code != 404 || strings.Contains(r.body, "zqatt") {
				t.Errorf("a customer reads the internal article's file at %s: %d", p, r.code)
			}
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/hc-files/%d/x.txt", int64(sid)), nil, basic(e.users[people.RoleAgent].Email, pw)...); r.code != 200 || r.body != "zqatt steps" {
			t.Errorf("an agent reads the internal article's file: %d", r.code)
		}
		// Not through the ticket attachment routes, whoever asks.
		uploads := attachmentIDs(t, e)
		for _, id := range uploads {
			if r, _ := e.api("agent", "GET", fmt.Sprintf("/api/v2/attachments/%d", id), ""); r.code != 404 {
				t.Errorf("an article's file through /api/v2/attachments: %d", r.code)
			}
		}
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("%s/articles/attachments/%v", hcAPI, att["id"]), ""); r.code != 204 {
			t.Errorf("delete by Zendesk's path: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", rel, nil); r.code != 404 {
			t.Errorf("a deleted attachment is served: %d", r.code)
		}
	})
}

// attachmentIDs are the stored files bound to articles.
func attachmentIDs(t *testing.T, e *env) []int64 {
	t.Helper()
	rows, err := e.srv.DB.R.Query("SELECT attachment_id FROM kb_article_attachments")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		t.Fatal("no article files")
	}
	return out
}
