package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/frontline/frontline/internal/errs"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func parseFixture(t testing.TB, name string) *Inbound {
	t.Helper()
	in, err := Parse(readFixture(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return in
}

// golden is the stable, comparable summary of a parse result.
type golden struct {
	MessageID            string
	MessageIDSynthesized bool     `json:",omitempty"`
	InReplyTo            string   `json:",omitempty"`
	References           []string `json:",omitempty"`
	From                 Address
	To                   []Address `json:",omitempty"`
	Cc                   []Address `json:",omitempty"`
	ReplyTo              []Address `json:",omitempty"`
	ReturnPath           string    `json:",omitempty"`
	Subject              string
	Date                 string `json:",omitempty"`
	Text                 string
	VisibleText          string
	SafeHTML             string             `json:",omitempty"`
	Attachments          []goldenAttachment `json:",omitempty"`
	AutoSubmitted        bool               `json:",omitempty"`
	IsBulk               bool               `json:",omitempty"`
	IsBounce             bool               `json:",omitempty"`
	AutoReplySuppressed  bool               `json:",omitempty"`
	Bounce               *Bounce            `json:",omitempty"`
	Forwarded            *Forward           `json:",omitempty"`
}

type goldenAttachment struct {
	Filename, ContentType, ContentID string
	Inline                           bool
	Size                             int
	SHA256                           string
}

func toGolden(in *Inbound) golden {
	g := golden{
		MessageID: in.MessageID, MessageIDSynthesized: in.MessageIDSynthesized,
		InReplyTo: in.InReplyTo, References: in.References,
		From: in.From, To: in.To, Cc: in.Cc, ReplyTo: in.ReplyTo, ReturnPath: in.ReturnPath,
		Subject: in.Subject, Text: in.Text, VisibleText: in.VisibleText, SafeHTML: in.SafeHTML,
		AutoSubmitted: in.AutoSubmitted, IsBulk: in.IsBulk, IsBounce: in.IsBounce,
		AutoReplySuppressed: in.AutoReplySuppressed, Bounce: in.Bounce, Forwarded: in.Forwarded,
	}
	if !in.Date.IsZero() {
		g.Date = in.Date.UTC().Format(time.RFC3339)
	}
	for _, a := range in.Attachments {
		sum := sha256.Sum256(a.Data)
		g.Attachments = append(g.Attachments, goldenAttachment{
			Filename: a.Filename, ContentType: a.ContentType, ContentID: a.ContentID,
			Inline: a.Inline, Size: len(a.Data), SHA256: hex.EncodeToString(sum[:8]),
		})
	}
	return g
}

// TestParseGolden compares the full parse of every fixture with its
// .golden.json file. Regenerate with UPDATE_GOLDEN=1 after reviewing the
// diff.
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 10 {
		t.Fatalf("only %d fixtures", len(files))
	}
	p := NewParser()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			in, err := p.Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(toGolden(in), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			gf := strings.TrimSuffix(f, ".eml") + ".golden.json"
			if os.Getenv("UPDATE_GOLDEN") == "1" {
				if err := os.WriteFile(gf, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gf)
			if err != nil {
				t.Fatalf("missing golden file (run with UPDATE_GOLDEN=1): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("parse result differs from %s\n--- got\n%s\n--- want\n%s", gf, got, want)
			}
		})
	}
}

// The explicit expectations below document what each fixture is for; the
// golden files pin down everything else.

func TestParsePlain(t *testing.T) {
	in := parseFixture(t, "plain.eml")
	eq(t, "MessageID", in.MessageID, "CAB1x2y3z.4@mail.customer.example")
	eq(t, "From", in.From, Address{Name: "Alice Example", Email: "alice@customer.example"})
	eq(t, "To", in.To[0].Email, "support@example.com")
	eq(t, "Subject", in.Subject, "Printer on fire")
	eq(t, "Date", in.Date.UTC().Format(time.RFC3339), "2025-01-06T09:12:40Z")
	eq(t, "ReturnPath", in.ReturnPath, "alice@customer.example")
	contains(t, in.Text, "on fire again")
	eq(t, "VisibleText", in.VisibleText, "Hello,\n\nThe printer on the 3rd floor is on fire again. Please send someone.\n\nThanks,\nAlice")
	eq(t, "HTML", in.HTML, "")
	eq(t, "Header", in.Header("received") != "", true)
	if in.AutoSubmitted || in.IsBulk || in.IsBounce || in.Forwarded != nil {
		t.Errorf("plain message misclassified: %+v", in)
	}
}

func TestParseOutlookHTMLOnly(t *testing.T) {
	in := parseFixture(t, "outlook_html_only.eml")
	contains(t, in.HTML, "<style>")
	contains(t, in.Text, "0x80070005 – it worked") // windows-1252 0x96 en dash
	contains(t, in.Text, "Please try the export again")
	eq(t, "VisibleText", in.VisibleText, "Hi team,\n\nThe export still fails with error 0x80070005 – it worked last week.\n\nBob")
	notContains(t, in.SafeHTML, "<style")
	notContains(t, in.SafeHTML, "MsoNormal") // class attributes are stripped
	contains(t, in.SafeHTML, "<b>From:</b>")
	eq(t, "InReplyTo", in.InReplyTo, "frontline.t314.c901@example.com")
}

func TestParseInlineImageAndPDF(t *testing.T) {
	in := parseFixture(t, "alternative_inline_pdf.eml")
	eq(t, "Cc", in.Cc, []Address{{Name: "Bob", Email: "bob@contoso.com"}, {Email: "ops@navy.example"}})
	eq(t, "attachments", len(in.Attachments), 2)
	var pdf, png *Attachment
	for i := range in.Attachments {
		switch in.Attachments[i].ContentType {
		case "application/pdf":
			pdf = &in.Attachments[i]
		case "image/png":
			png = &in.Attachments[i]
		}
	}
	if pdf == nil || png == nil {
		t.Fatalf("attachments = %+v", in.Attachments)
	}
	eq(t, "pdf name", pdf.Filename, "report.pdf")
	eq(t, "pdf inline", pdf.Inline, false)
	eq(t, "pdf magic", string(pdf.Data[:8]), "%PDF-1.4")
	eq(t, "png name", png.Filename, "screenshot.png")
	eq(t, "png cid", png.ContentID, "screenshot@navy.example")
	eq(t, "png inline", png.Inline, true)
	eq(t, "png magic", string(png.Data[1:4]), "PNG")
	contains(t, in.SafeHTML, `src="cid:screenshot@navy.example"`)
	eq(t, "Text", strings.Contains(in.Text, "attached report"), true)
}

func TestParseCharsets(t *testing.T) {
	t.Run("iso-8859-1", func(t *testing.T) {
		in := parseFixture(t, "latin1.eml")
		eq(t, "From", in.From, Address{Name: "François Müller", Email: "francois@exemple.fr"})
		eq(t, "Subject", in.Subject, "Réclamation facture n° 2024-118")
		contains(t, in.Text, "J'ai reçu une facture erronée. Le montant dû est de 120 ¤")
	})
	t.Run("windows-1252 quoted-printable", func(t *testing.T) {
		in := parseFixture(t, "windows1252_qp.eml")
		eq(t, "Subject", in.Subject, "Refund “urgent”")
		contains(t, in.Text, "I was charged €100 twice – please refund the “duplicate” payment. This line is soft-wrapped")
	})
	t.Run("shift_jis base64", func(t *testing.T) {
		in := parseFixture(t, "shiftjis.eml")
		eq(t, "From", in.From, Address{Name: "山田太郎", Email: "taro@example.jp"})
		eq(t, "Subject", in.Subject, "注文について")
		eq(t, "VisibleText", in.VisibleText, "お問い合わせありがとうございます。\n注文番号 12345 の商品がまだ届いていません。\n\n山田太郎")
	})
}

func TestParseGmailReply(t *testing.T) {
	in := parseFixture(t, "gmail_reply.eml")
	eq(t, "InReplyTo", in.InReplyTo, "frontline.t1234.c5678@example.com")
	eq(t, "References", in.References, []string{"CAB1x2y3z.4@mail.customer.example", "frontline.t1234.c5678@example.com"})
	contains(t, in.Text, "Please unplug the printer") // full text keeps the quote
	eq(t, "VisibleText", in.VisibleText, "Thanks, that fixed it!\n\nBest,\nAlice")
	// Deriving from the HTML alone gives the same answer (gmail_quote and
	// gmail_signature containers removed).
	p := NewParser()
	eq(t, "html visible", p.text.trim(p.html.visible(in.HTML)), "Thanks, that fixed it!")
}

func TestParseOutlookReply(t *testing.T) {
	in := parseFixture(t, "outlook_reply.eml")
	eq(t, "Cc", in.Cc, []Address{{Name: "Smith, John", Email: "john.smith@contoso.com"}})
	eq(t, "VisibleText", in.VisibleText, "Hello,\n\nThe issue is back since this morning. It disconnects every 10 minutes.\n\nRegards,\nBob Jones\nContoso Ltd.")
	contains(t, in.Text, "-----Original Message-----")
	if in.Forwarded != nil {
		t.Errorf("a reply with Original Message is not a forward: %+v", in.Forwarded)
	}
}

func TestParseAppleHTMLReply(t *testing.T) {
	in := parseFixture(t, "apple_html_reply.eml")
	eq(t, "VisibleText", in.VisibleText, "Sounds good, thanks! The tracking number works now.")
	contains(t, in.Text, "Your order 12345 has shipped.")
}

func TestParseForwarded(t *testing.T) {
	in := parseFixture(t, "forwarded.eml")
	if in.Forwarded == nil {
		t.Fatal("Forwarded not detected")
	}
	eq(t, "Forwarded", *in.Forwarded, Forward{From: Address{Name: "Jane Customer", Email: "jane@customer.org"}, Subject: "Invoice question"})
	// The forwarded content is what matters: it is not trimmed away.
	contains(t, in.VisibleText, "billed for 12 seats")

	in = parseFixture(t, "forward_attached.eml")
	if in.Forwarded == nil {
		t.Fatal("forward as attachment not detected")
	}
	eq(t, "Forwarded", *in.Forwarded, Forward{From: Address{Name: "Oscar Original", Email: "oscar@original.example"}, Subject: "Terrible service"})
	eq(t, "attachment", in.Attachments[0].ContentType, "message/rfc822")
	eq(t, "attachment name", in.Attachments[0].Filename, "part-2.eml")
}

func TestParseOutOfOffice(t *testing.T) {
	in := parseFixture(t, "out_of_office.eml")
	eq(t, "AutoSubmitted", in.AutoSubmitted, true)
	eq(t, "AutoReplySuppressed", in.AutoReplySuppressed, true)
	eq(t, "IsBounce", in.IsBounce, false)
	eq(t, "IsBulk", in.IsBulk, false)
}

func TestParseBounce(t *testing.T) {
	in := parseFixture(t, "bounce.eml")
	eq(t, "IsBounce", in.IsBounce, true)
	eq(t, "AutoSubmitted", in.AutoSubmitted, true)
	eq(t, "ReturnPath (null sender)", in.ReturnPath, "")
	eq(t, "From", in.From.Email, "mailer-daemon@mail.example.com")
	if in.Bounce == nil {
		t.Fatal("no bounce details")
	}
	eq(t, "Bounce", *in.Bounce, Bounce{
		Recipient:         "nobody@nowhere.example",
		Action:            "failed",
		Status:            "5.1.1",
		Diagnostic:        "550 5.1.1 <nobody@nowhere.example>: Recipient address rejected: User unknown",
		OriginalMessageID: "frontline.t77.c88@example.com",
	})
	eq(t, "Permanent", in.Bounce.Permanent(), true)
}

func TestParseNewsletter(t *testing.T) {
	in := parseFixture(t, "newsletter.eml")
	eq(t, "IsBulk", in.IsBulk, true)
	eq(t, "AutoSubmitted", in.AutoSubmitted, false)
	eq(t, "Subject", in.Subject, "This week at Acme 🚀")
	eq(t, "ReplyTo", in.ReplyTo, []Address{{Email: "noreply@acme-news.com"}})
	notContains(t, in.SafeHTML, "<style")
	contains(t, in.SafeHTML, `rel="nofollow noopener" target="_blank"`)
}

func TestParseNoMessageID(t *testing.T) {
	raw := readFixture(t, "no_message_id.eml")
	a, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "synthesized", a.MessageIDSynthesized, true)
	eq(t, "stable", a.MessageID, b.MessageID)
	if !strings.HasSuffix(a.MessageID, "@"+SynthesizedIDDomain) || len(a.MessageID) != 32+1+len(SynthesizedIDDomain) {
		t.Errorf("MessageID = %q", a.MessageID)
	}
	c, err := Parse(append(bytes.Clone(raw), "more\n"...))
	if err != nil {
		t.Fatal(err)
	}
	if c.MessageID == a.MessageID {
		t.Error("different content must give a different synthesized ID")
	}
	eq(t, "From", a.From, Address{Email: "monitoring@ops.customer.example"})
}

func TestParseMalformed(t *testing.T) {
	in := parseFixture(t, "malformed.eml")
	eq(t, "From (lenient)", in.From, Address{Name: "Smith, John", Email: "john.smith@example.net"})
	eq(t, "To (lenient)", in.To, []Address{{Email: "support@example.com"}})
	eq(t, "Date", in.Date.IsZero(), true)
	contains(t, in.Text, "My order #5521 never arrived.")
	eq(t, "attachment name sanitized", in.Attachments[0].Filename, "receipt.pdf")
	if len(in.Warnings) == 0 {
		t.Error("expected warnings for a malformed message")
	}
}

func TestParseRejectsNothingUsable(t *testing.T) {
	for name, raw := range map[string]string{
		"empty":       "",
		"whitespace":  " \r\n\t\n",
		"no headers":  "just some words\nwithout any header\n",
		"binary junk": "\x00\x01\x02\x03\xff\xfe",
	} {
		t.Run(name, func(t *testing.T) {
			in, err := Parse([]byte(raw))
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", in)
			}
			if !errs.Is(err, errs.KindInvalid) {
				t.Errorf("error kind = %v, want invalid: %v", errs.KindOf(err), err)
			}
		})
	}
	// Headers only is still usable.
	in, err := Parse([]byte("From: a@b.example\r\nSubject: hi\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "Subject", in.Subject, "hi")
}

func TestParseHeaderDetails(t *testing.T) {
	raw := "From: \"Doe, Jane\" <JANE@Example.COM>\r\n" +
		"To: a@example.com, \"B\" <b@example.com>\r\n" +
		"Subject: =?UTF-8?B?SGVsbG8gV29ybGQ=?=\r\n  continued\r\n" +
		"Message-ID:   <id-1@example.com>  \r\n" +
		"In-Reply-To: <p1@example.com> (Jane's message)\r\n" +
		"References: <r1@example.com>\r\n <r2@example.com> <r1@example.com>\r\n" +
		"Auto-Submitted: no\r\n" +
		"Precedence: list\r\n" +
		"\r\nbody\r\n"
	in, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "From", in.From, Address{Name: "Doe, Jane", Email: "jane@example.com"})
	eq(t, "To", in.To, []Address{{Email: "a@example.com"}, {Name: "B", Email: "b@example.com"}})
	eq(t, "Subject", in.Subject, "Hello World continued")
	eq(t, "MessageID", in.MessageID, "id-1@example.com")
	eq(t, "InReplyTo", in.InReplyTo, "p1@example.com")
	eq(t, "References", in.References, []string{"r1@example.com", "r2@example.com"})
	eq(t, "AutoSubmitted (no)", in.AutoSubmitted, false)
	eq(t, "IsBulk (list)", in.IsBulk, true)
}

func TestClassificationHeaders(t *testing.T) {
	cases := []struct {
		name                 string
		headers              string
		auto, bulk, bounce   bool
		suppressed, hasBounc bool
	}{
		{name: "auto-generated", headers: "Auto-Submitted: auto-generated\r\n", auto: true},
		{name: "auto-replied params", headers: "Auto-Submitted: auto-replied; owner-email=\"x@y\"\r\n", auto: true},
		{name: "x-autoreply", headers: "X-Autoreply: yes\r\n", auto: true},
		{name: "x-autorespond", headers: "X-Autorespond: vacation\r\n", auto: true},
		{name: "null return-path", headers: "Return-Path: <>\r\n", auto: true},
		{name: "precedence junk", headers: "Precedence: junk\r\n", bulk: true},
		{name: "list-id", headers: "List-Id: <dev.lists.example>\r\n", bulk: true},
		{name: "list-unsubscribe", headers: "List-Unsubscribe: <mailto:u@lists.example>\r\n", bulk: true},
		{name: "mailer-daemon", headers: "From: MAILER-DAEMON@mx.example\r\n", auto: true, bounce: true, hasBounc: true},
		{name: "x-failed-recipients", headers: "X-Failed-Recipients: lost@example.com\r\n", auto: true, bounce: true, hasBounc: true},
		{name: "postmaster undeliverable", headers: "From: postmaster@corp.example\r\nSubject: Undeliverable: hi\r\nReturn-Path: <>\r\n", auto: true, bounce: true, hasBounc: true},
		{name: "suppress oof", headers: "X-Auto-Response-Suppress: DR, OOF, AutoReply\r\n", suppressed: true},
		{name: "read receipt", headers: "Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n", auto: true},
		{name: "human postmaster", headers: "From: postmaster@corp.example\r\nSubject: question\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			raw := c.headers
			if !strings.Contains(raw, "From:") {
				raw = "From: someone@example.org\r\n" + raw
			}
			if !strings.Contains(raw, "Subject:") {
				raw += "Subject: test\r\n"
			}
			in, err := Parse([]byte(raw + "\r\nbody\r\n"))
			if err != nil {
				t.Fatal(err)
			}
			eq(t, "AutoSubmitted", in.AutoSubmitted, c.auto)
			eq(t, "IsBulk", in.IsBulk, c.bulk)
			eq(t, "IsBounce", in.IsBounce, c.bounce)
			eq(t, "AutoReplySuppressed", in.AutoReplySuppressed, c.suppressed)
			eq(t, "Bounce set", in.Bounce != nil, c.hasBounc)
		})
	}
	in, err := Parse([]byte("From: x@example.org\r\nX-Failed-Recipients: Lost@Example.com\r\nSubject: s\r\n\r\nb"))
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "bounce recipient from X-Failed-Recipients", in.Bounce.Recipient, "lost@example.com")
}

func TestVisibleTextForms(t *testing.T) {
	tt := newTextTrimmer()
	cases := []struct{ name, in, want string }{
		{"english one line", "Sure.\n\nOn Mon, 6 Jan 2025 at 10:00, Bob <bob@x.example> wrote:\n> old", "Sure."},
		{"english wrapped over three lines", "Sure.\n\nOn Monday, January 6, 2025 10:00 AM, Frontline\nSupport Team <support@example.com>\nwrote:\n> old", "Sure."},
		{"french", "Merci.\n\nLe lun. 6 janv. 2025 à 10:00, Bob <bob@x.example> a écrit :\n> old", "Merci."},
		{"german", "Danke.\n\nAm 06.01.2025 um 10:00 schrieb Bob <bob@x.example>:\n> old", "Danke."},
		{"spanish", "Gracias.\n\nEl lun, 6 ene 2025 a las 10:00, Bob (<bob@x.example>) escribió:\n> old", "Gracias."},
		{"dutch", "Bedankt.\n\nOp ma 6 jan. 2025 om 10:00 schreef Bob <bob@x.example>:\n> old", "Bedankt."},
		{"gmail iso date", "Ok.\n\n2025-01-06 10:00 GMT+01:00 Bob <bob@x.example>:\n> old", "Ok."},
		{"original message", "Yes.\n\n----- Original Message -----\nFrom: Bob\nold", "Yes."},
		{"outlook rule", "Yes.\n\n________________________________\nFrom: Bob <bob@x.example>\nSent: Monday\nold", "Yes."},
		{"outlook header block", "Yes.\n\nFrom: Bob <bob@x.example>\nSent: Monday, January 6, 2025 10:00 AM\nTo: Support\nSubject: Re: x\n\nold", "Yes."},
		{"bold outlook header from html", "Yes.\n\n*From:* Bob <bob@x.example>\n*Sent:* Monday\n*To:* Support\n\nold", "Yes."},
		{"trailing quote block", "Answer.\n\n> quoted\n> more\n", "Answer."},
		{"interleaved quotes are kept", "> question 1?\nanswer 1\n> question 2?\nanswer 2\n\n> trailing", "> question 1?\nanswer 1\n> question 2?\nanswer 2"},
		{"sig dash", "Body text.\n\n-- \nJohn Doe\nACME Corp", "Body text."},
		{"mobile signature", "Body text.\n\nSent from my iPhone", "Body text."},
		{"outlook mobile", "Body text.\n\nGet Outlook for Android", "Body text."},
		{"on without wrote is kept", "On Monday the server crashed.\nPlease help.", "On Monday the server crashed.\nPlease help."},
		{"from line alone is kept", "From: the logs I see errors.\nHelp.", "From: the logs I see errors.\nHelp."},
		{"only a quote falls back to everything", "On Mon, Bob <b@x.example> wrote:\n> old", "On Mon, Bob <b@x.example> wrote:\n> old"},
		{"crlf", "Hi.\r\n\r\nOn Mon, 6 Jan 2025, Bob <b@x.example> wrote:\r\n> old\r\n", "Hi."},
		{"blank lines collapsed", "a\n\n\n\nb", "a\n\nb"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eq(t, "trim", tt.trim(c.in), c.want)
		})
	}
}

func TestVisibleHTMLContainers(t *testing.T) {
	h := newHTMLTrimmer()
	cases := []struct{ name, in, want string }{
		{"gmail quote", `<div dir="ltr">New text</div><div class="gmail_quote"><div class="gmail_attr">On x wrote:</div><blockquote class="gmail_quote">old</blockquote></div>`, "New text"},
		{"outlook web divRplyFwdMsg", `<div>Reply here</div><hr><div id="divRplyFwdMsg"><b>From:</b> x</div><div>old text</div>`, "Reply here"},
		{"outlook appendonsend", `<div><p>Top</p><div id="appendonsend"></div><p>old</p></div>`, "Top"},
		{"outlook desktop border", `<div class="WordSection1"><p>Mine</p><div><div style="border:none; border-top:solid #B5C4DF 1.0pt"><p>From: x</p></div></div><p>old</p></div>`, "Mine"},
		{"thunderbird", `<p>Thunderbird reply</p><div class="moz-cite-prefix">On x wrote:</div><blockquote type="cite">old</blockquote>`, "Thunderbird reply"},
		{"yahoo", `<div>Yahoo reply</div><div class="yahoo_quoted">old</div>`, "Yahoo reply"},
		{"signature removed", `<div>Hi</div><div class="gmail_signature">--<br>Sig</div>`, "Hi"},
		{"lists and breaks", `<p>Steps:</p><ol><li>one</li><li>two</li></ol>line<br>next`, "Steps:\n\n- one\n- two\n\nline\nnext"},
		{"script and style skipped", `<style>p{}</style><script>x()</script><p>Only&nbsp;this</p>`, "Only this"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eq(t, "visible", h.visible(c.in), c.want)
		})
	}
}

func TestAttachmentNameSanitizing(t *testing.T) {
	raw := "From: a@example.com\r\nSubject: files\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nsee files\r\n" +
		"--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"..\\\\..\\\\win.ini\"\r\n\r\nx\r\n" +
		"--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment\r\n\r\ny\r\n" +
		"--b--\r\n"
	in, err := Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Attachments) != 2 {
		t.Fatalf("attachments = %+v", in.Attachments)
	}
	eq(t, "windows path stripped", in.Attachments[0].Filename, "win.ini")
	eq(t, "synthesized", in.Attachments[1].Filename, "part-3.jpg")
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

func contains(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}

func notContains(t *testing.T, s, sub string) {
	t.Helper()
	if strings.Contains(s, sub) {
		t.Errorf("%q contains %q", s, sub)
	}
}
