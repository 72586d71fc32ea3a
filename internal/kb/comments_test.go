package kb

import (
	"context"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/db/dbtest"
	"github.com/frontline/frontline/internal/errs"
)

func TestArticleCommentsRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		st := f.st
		pub := f.article(f.pub.ID, "Back up", "Run the backup.", ArticleInput{})
		closed := f.article(f.pub.ID, "Restore", "Run the restore.", ArticleInput{CommentsDisabled: bp(true)})
		internal := f.article(f.int.ID, "Runbook", "Page on-call.", ArticleInput{})
		carol, dave, agent := Viewer{UserID: 5}, Viewer{UserID: 6}, Viewer{UserID: 1, Staff: true}

		c, err := st.CreateComment(ctx, carol, pub.ID, CommentInput{Body: sp(`<p>Worked for me <script>alert(1)</script><b>thanks</b></p>`)})
		if err != nil || c.AuthorID != 5 || strings.Contains(c.Body, "script") || !strings.Contains(c.Body, "<b>thanks</b>") || c.SourceType != "Article" || c.Locale != "en-us" {
			t.Fatalf("comment: %+v %v", c, err)
		}
		for _, bad := range []struct {
			name string
			v    Viewer
			id   int64
			body string
			kind errs.Kind
		}{
			{"anonymous", Viewer{}, pub.ID, "hi", errs.KindForbidden},
			{"comments disabled", carol, closed.ID, "hi", errs.KindInvalid},
			{"an internal article", carol, internal.ID, "hi", errs.KindNotFound},
			{"an empty body", carol, pub.ID, "  ", errs.KindInvalid},
			{"a body of only markup", carol, pub.ID, "<script>x</script>", errs.KindInvalid},
			{"a body too long", carol, pub.ID, strings.Repeat("a", MaxCommentChars+1), errs.KindInvalid},
		} {
			if _, err := st.CreateComment(ctx, bad.v, bad.id, CommentInput{Body: &bad.body}); errs.KindOf(err) != bad.kind {
				t.Errorf("%s: %v, want kind %v", bad.name, err, bad.kind)
			}
		}
		if _, err := st.CreateComment(ctx, carol, closed.ID, CommentInput{Body: sp("hi")}); err == nil || !strings.Contains(err.Error(), "Comments disabled rule") {
			t.Errorf("the rule is not named: %v", err)
		}
		if list, err := st.Comments(ctx, Viewer{}, pub.ID); err != nil || len(list) != 1 {
			t.Errorf("anonymous readers list %d comments: %v", len(list), err)
		}
		if _, err := st.Comments(ctx, carol, internal.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("a customer listed an internal article's comments: %v", err)
		}
		// Only the author or staff change it.
		if _, err := st.UpdateComment(ctx, dave, pub.ID, c.ID, CommentInput{Body: sp("mine now")}); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("another customer edited the comment: %v", err)
		}
		if got, err := st.UpdateComment(ctx, carol, pub.ID, c.ID, CommentInput{Body: sp("Worked after a restart.")}); err != nil || got.Body != "Worked after a restart." {
			t.Errorf("the author's edit: %+v %v", got, err)
		}
		if err := st.DeleteComment(ctx, dave, pub.ID, c.ID); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("another customer deleted the comment: %v", err)
		}
		if _, err := st.Comment(ctx, carol, closed.ID, c.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Errorf("a comment read through another article: %v", err)
		}
		staffNote, err := st.CreateComment(ctx, agent, internal.ID, CommentInput{Body: sp("Also page storage.")})
		if err != nil {
			t.Fatal(err)
		}
		if mine, _ := st.UserComments(ctx, carol, 1); len(mine) != 0 {
			t.Errorf("a customer sees an agent's comment on an internal article: %+v", mine)
		}
		if theirs, _ := st.UserComments(ctx, agent, 1); len(theirs) != 1 || theirs[0].ID != staffNote.ID {
			t.Errorf("staff see the agent's comments: %+v", theirs)
		}
		if err := st.DeleteComment(ctx, agent, pub.ID, c.ID); err != nil {
			t.Errorf("staff delete: %v", err)
		}
		if list, _ := st.Comments(ctx, carol, pub.ID); len(list) != 0 {
			t.Errorf("after delete: %+v", list)
		}
	})
}
