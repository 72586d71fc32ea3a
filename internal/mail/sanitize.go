package mail

import (
	"strings"
	"unicode/utf8"
)

// cleanText makes s storable as text on every engine: invalid UTF-8
// sequences and NUL bytes (PostgreSQL refuses both in text columns) become
// U+FFFD. The raw message keeps the original bytes.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

func cleanAddr(a *Address) {
	a.Name, a.Email = cleanText(a.Name), cleanText(a.Email)
}

func cleanList(l []string) {
	for i := range l {
		l[i] = cleanText(l[i])
	}
}

// sanitizeInbound applies cleanText to every text field of in.
func sanitizeInbound(in *Inbound) {
	in.MessageID = cleanText(in.MessageID)
	in.InReplyTo = cleanText(in.InReplyTo)
	cleanList(in.References)
	cleanAddr(&in.From)
	for _, l := range [][]Address{in.To, in.Cc, in.ReplyTo} {
		for i := range l {
			cleanAddr(&l[i])
		}
	}
	in.ReturnPath = cleanText(in.ReturnPath)
	in.Subject = cleanText(in.Subject)
	in.Text = cleanText(in.Text)
	in.HTML = cleanText(in.HTML)
	in.SafeHTML = cleanText(in.SafeHTML)
	in.VisibleText = cleanText(in.VisibleText)
	for i := range in.Attachments {
		a := &in.Attachments[i]
		a.Filename, a.ContentType, a.ContentID = cleanText(a.Filename), cleanText(a.ContentType), cleanText(a.ContentID)
	}
	if b := in.Bounce; b != nil {
		b.Recipient, b.Action, b.Status = cleanText(b.Recipient), cleanText(b.Action), cleanText(b.Status)
		b.Diagnostic, b.OriginalMessageID = cleanText(b.Diagnostic), cleanText(b.OriginalMessageID)
	}
	if f := in.Forwarded; f != nil {
		cleanAddr(&f.From)
		f.Subject = cleanText(f.Subject)
	}
	clean := make(map[string][]string, len(in.Headers))
	for k, vs := range in.Headers {
		k = cleanText(k)
		for _, v := range vs {
			clean[k] = append(clean[k], cleanText(v))
		}
	}
	in.Headers = clean
	cleanList(in.Warnings)
}
