package app

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/clock"
	"github.com/frontline/frontline/internal/db"
	"github.com/frontline/frontline/internal/people"
	"github.com/frontline/frontline/internal/rules/rulestore"
	"github.com/frontline/frontline/internal/satisfaction"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/sla"
	"github.com/frontline/frontline/internal/ticket"
	"github.com/frontline/frontline/internal/zendesk"
	"github.com/frontline/frontline/internal/zimport"
)

// cmdImportZendesk copies a Zendesk account (ADR 0012): it writes through
// the stores on a second database handle whose clock the importer sets to
// each record's time, with the search index as the only ticket hook, so
// that history keeps its timestamps and no trigger, SLA timer or
// notification runs.
func cmdImportZendesk(ctx context.Context, args []string, env Env) error {
	var src struct{ url, email, token, dir string }
	a, _, err := setup(ctx, "import zendesk", args, env, func(fs *flag.FlagSet) {
		fs.StringVar(&src.url, "url", "", "the Zendesk account, https://SUBDOMAIN.zendesk.com")
		fs.StringVar(&src.email, "email", "", "the email of the account's API token owner (an admin)")
		fs.StringVar(&src.token, "token", "", "an API token of the account")
		fs.StringVar(&src.dir, "dir", "", "a directory of exported JSON instead of --url (users.json, tickets.json, ticket_comments.json, ...)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	var source zimport.Source
	switch {
	case src.dir != "" && src.url == "":
		source = &zimport.DirSource{Dir: src.dir}
	case src.url != "" && src.dir == "" && src.email != "" && src.token != "":
		source = &zimport.HTTPSource{Base: strings.TrimRight(src.url, "/"), Email: src.email, Token: src.token}
	default:
		return usageError{"import zendesk needs --url, --email and --token, or --dir"}
	}
	target, closeTarget, err := a.importTarget(ctx)
	if err != nil {
		return err
	}
	defer closeTarget()
	im := &zimport.Importer{Src: source, T: target, Progress: env.Stderr}
	rep, err := im.Run(ctx)
	if rep != nil {
		printImportReport(env, rep)
	}
	return err
}

// importTarget opens the stores the importer writes through.
func (a *App) importTarget(ctx context.Context) (zimport.Target, func(), error) {
	clk := clock.NewFake(a.Clock.Now())
	d, err := db.Open(ctx, a.DB.Target, clk, db.Options{MaxConns: 2, Bulk: true})
	if err != nil {
		return zimport.Target{}, nil, err
	}
	al := audit.New(d)
	t := zimport.Target{DB: d, Clock: clk, People: people.NewStore(d, al), Zendesk: zendesk.NewStore(d),
		Tickets: ticket.NewStore(d, al, filepath.Join(a.Config.DataDir, "attachments"), a.Config.MaxAttachmentBytes)}
	t.People.SetLimits(a.Config.Limits)
	t.Tickets.SetLimits(a.Config.Limits)
	t.Tickets.OnHistoryChange(search.New(d).Hook)
	// Ratings and business rules are copied; the rules are not attached to
	// the tickets, so no trigger fires on the imported history.
	t.Ratings = satisfaction.NewStore(d, al)
	t.Rules = rulestore.New(d, t.Tickets, al, nil, rulestore.Options{}) // imported history is indexed (ImportMany runs only history hooks)
	t.SLA = sla.NewStore(d, al)                                         // business-hours schedules and SLA policies
	return t, func() { d.Close() }, nil
}

func printImportReport(env Env, rep *zimport.Report) {
	fmt.Fprintln(env.Stdout, "Imported:")
	for _, k := range append(append([]string{}, zimport.Kinds...), "identities") {
		c := rep.Counts[k]
		if c == nil {
			continue
		}
		fmt.Fprintf(env.Stdout, "  %-20s %6d seen, %6d created, %6d updated, %6d unchanged, %6d failed\n", k, c.Seen, c.Created, c.Updated, c.Unchanged, c.Failed)
	}
	if rep.Waits > 0 {
		fmt.Fprintf(env.Stdout, "Waited %d times for the source's rate limit (429 Retry-After).\n", rep.Waits)
	}
	if len(rep.Unmapped) == 0 {
		fmt.Fprintln(env.Stdout, "Everything was mapped.")
		return
	}
	fmt.Fprintf(env.Stdout, "Not mapped (%d):\n", len(rep.Unmapped))
	for _, u := range rep.Unmapped {
		fmt.Fprintln(env.Stdout, "  - "+u)
	}
}
