package kb

import (
	"context"

	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/ticket"
)

// TicketHook links the articles a ticket comment links to (an agent
// inserted a Help Center link in a reply) in the comment's transaction:
// the article then lists the ticket, and the Poor feedback rule counts it.
func (s *Store) TicketHook(ctx context.Context, tx *db.Tx, c *ticket.Change) error {
	if c.Comment == nil {
		return nil
	}
	for _, id := range ArticleLinks(c.Comment.Body + " " + c.Comment.HTMLBody) {
		if _, err := tx.ExecContext(ctx, s.q.Get("LinkTicketIfArticle"), id, c.Comment.TicketID, db.TS(tx.Now)); err != nil {
			return err
		}
	}
	return nil
}
