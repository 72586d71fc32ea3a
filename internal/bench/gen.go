// Package bench generates a realistic help-desk data set in bulk and
// measures Frontline against baselines taken in the same run (frontline
// bench). Figures are ratios against those baselines, because the machines
// are shared and noisy.
package bench

import (
	"context"
	"embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/frontline/frontline/internal/db"
)

//go:embed queries.sql
var sqlFiles embed.FS

// Size says how much data to generate.
type Size struct {
	Tickets       int
	Organizations int // default Tickets/1000, at least 20
	Customers     int // default Tickets/20, at least 100
	Agents        int // default 100 (at least 10)
	Seed          uint64
}

func (s Size) withDefaults() Size {
	if s.Organizations <= 0 {
		s.Organizations = max(20, s.Tickets/1000)
	}
	if s.Customers <= 0 {
		s.Customers = max(100, s.Tickets/20)
	}
	if s.Agents <= 0 {
		s.Agents = 100
	}
	s.Agents = max(s.Agents, 10)
	if s.Seed == 0 {
		s.Seed = 1
	}
	return s
}

// Progress is told how far a phase has come.
type Progress func(phase string, done, total int)

// Generated describes a generated data set.
type Generated struct {
	Size      Size
	FirstID   int64 // first generated ticket id
	LastID    int64
	AgentIDs  []int64
	GroupIDs  []int64
	Unsolved  int
	Elapsed   time.Duration
	RowsTotal int
}

// generator writes rows with multi-row INSERTs in large transactions: the
// bulk path, far faster than the store's one-change-one-transaction writes
// it stands in for. Ids are given explicitly so that children can refer to
// parents without reading them back.
type generator struct {
	d        *db.DB
	q        *db.Queries
	rng      *rand.Rand
	now      time.Time
	progress Progress
	rows     int
}

// rowsPerStatement keeps every statement under both engines' parameter
// limits (SQLite 32766, PostgreSQL 65535).
func rowsPerStatement(cols int) int { return max(1, 30000/cols) }

// insert writes rows (each cols values) in statements of rowsPerStatement
// rows, inside tx: head, the tuples, then tail.
func insert(ctx context.Context, tx *db.Tx, head string, cols int, rows [][]any, tail ...string) error {
	per := rowsPerStatement(cols)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := head + " " + tx.Dialect.ValuesRows(len(chunk), cols)
		for _, t := range tail {
			q += " " + t
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(head)[2], err)
		}
	}
	return nil
}

func (g *generator) batch(ctx context.Context, head string, cols int, rows [][]any) error {
	g.rows += len(rows)
	return g.d.Write(ctx, func(tx *db.Tx) error { return insert(ctx, tx, head, cols, rows) })
}

// maxID returns the largest id in table (0 when it is empty).
func maxID(ctx context.Context, d *db.DB, table string) (int64, error) {
	var id int64
	err := d.QueryRow(ctx, "SELECT COALESCE(max(id), 0) FROM "+table, nil, &id)
	return id, err
}

func (g *generator) words(n int, vocab []string) string { return words(g.rng, n, vocab) }

func words(rng *rand.Rand, n int, vocab []string) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = vocab[rng.IntN(len(vocab))]
	}
	return strings.Join(ws, " ")
}

// TicketText returns a generated ticket's subject and description, drawn
// from the support vocabulary (the benchmark's API-created tickets use it
// too, so that they do not fill the text index with one repeated text).
func TicketText(rng *rand.Rand) (subject, body string) {
	subject = strings.ToUpper(topics[rng.IntN(len(topics))][:1]) + topics[rng.IntN(len(topics))][1:] + " " + words(rng, 4, vocabulary)
	return subject, words(rng, 20+rng.IntN(40), vocabulary)
}

func (g *generator) pick(weights []int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	x := g.rng.IntN(sum)
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// Generate adds organizations, groups, agents, customers, tickets with one
// or two comments, tags, the full-text index and SLA state for unsolved
// tickets to d. It may run against a database that already has data; ids
// continue after the existing ones.
func Generate(ctx context.Context, d *db.DB, size Size, progress Progress) (*Generated, error) {
	size = size.withDefaults()
	if progress == nil {
		progress = func(string, int, int) {}
	}
	began := time.Now()
	g := &generator{d: d, q: db.MustLoadQueries(d.Dialect, sqlFiles, "queries.sql"), rng: rand.New(rand.NewPCG(size.Seed, 7)), now: d.Clock.Now(), progress: progress}
	out := &Generated{Size: size}
	us := func(t time.Time) int64 { return t.UnixMicro() }
	now := g.now

	// Groups.
	gid, err := maxID(ctx, g.d, "groups")
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for _, name := range []string{"Support AMER", "Support EMEA", "Support APAC", "Emergencies", "Billing", "Security"} {
		gid++
		rows = append(rows, []any{gid, fmt.Sprintf("%s %d", name, gid), us(now), us(now)})
		out.GroupIDs = append(out.GroupIDs, gid)
	}
	if err := g.batch(ctx, g.q.Get("InsertGroups"), 4, rows); err != nil {
		return nil, err
	}

	// Agents, then organizations (whose ASE is an agent), then customers.
	uid, err := maxID(ctx, g.d, "users")
	if err != nil {
		return nil, err
	}
	regions := []string{"AMER", "EMEA", "APAC"}
	rows = rows[:0]
	for i := range size.Agents {
		uid++
		rows = append(rows, []any{uid, fmt.Sprintf("Agent %d", uid), fmt.Sprintf("agent%d.%d@bench.frontline.localhost", uid, size.Seed), "agent", nil, regions[i%3], us(now), us(now)})
		out.AgentIDs = append(out.AgentIDs, uid)
	}
	if err := g.batch(ctx, g.q.Get("InsertUsers"), 8, rows); err != nil {
		return nil, err
	}
	oid, err := maxID(ctx, g.d, "organizations")
	if err != nil {
		return nil, err
	}
	firstOrg := oid + 1
	plans, tiers := []string{"self_managed", "saas"}, []string{"free", "premium", "ultimate"}
	rows = rows[:0]
	for range size.Organizations {
		oid++
		ase := any(nil)
		if g.rng.IntN(10) == 0 {
			ase = out.AgentIDs[g.rng.IntN(len(out.AgentIDs))]
		}
		rows = append(rows, []any{oid, fmt.Sprintf("Customer %d-%d", oid, size.Seed), plans[g.rng.IntN(2)], tiers[g.pick([]int{2, 5, 3})], ase, us(now), us(now)})
	}
	if err := g.batch(ctx, g.q.Get("InsertOrganizations"), 7, rows); err != nil {
		return nil, err
	}
	firstCustomer := uid + 1
	for start := 0; start < size.Customers; start += 5000 {
		rows = rows[:0]
		for range min(5000, size.Customers-start) {
			uid++
			org := firstOrg + int64(g.rng.IntN(size.Organizations))
			rows = append(rows, []any{uid, fmt.Sprintf("Customer %d", uid), fmt.Sprintf("c%d.%d@customer%d.example", uid, size.Seed, org), "end-user", org, "", us(now), us(now)})
		}
		if err := g.batch(ctx, g.q.Get("InsertUsers"), 8, rows); err != nil {
			return nil, err
		}
		progress("customers", min(size.Customers, start+5000), size.Customers)
	}
	lastCustomer := uid

	// Tickets with their comments, text index and SLA state.
	tid, err := maxID(ctx, g.d, "tickets")
	if err != nil {
		return nil, err
	}
	cid, err := maxID(ctx, g.d, "ticket_comments")
	if err != nil {
		return nil, err
	}
	out.FirstID = tid + 1
	statuses := []string{"new", "open", "pending", "hold", "solved", "closed"}
	statusW := []int{3, 12, 6, 2, 27, 50}
	priorities := []string{"low", "normal", "high", "urgent"}
	priorityW := []int{20, 55, 20, 5}
	span := 2 * 365 * 24 * time.Hour
	const perTx = 5000
	for start := 0; start < size.Tickets; start += perTx {
		n := min(perTx, size.Tickets-start)
		var tickets, comments, texts, metrics [][]any
		for range n {
			tid++
			// Ids grow with creation time, as they would in production.
			created := now.Add(-span + time.Duration(float64(span)*float64(tid-out.FirstID)/float64(max(1, size.Tickets))))
			updated := created.Add(time.Duration(g.rng.IntN(72*60)) * time.Minute)
			if updated.After(now) {
				updated = now
			}
			st := statuses[g.pick(statusW)]
			pr := priorities[g.pick(priorityW)]
			req := firstCustomer + int64(g.rng.IntN(int(lastCustomer-firstCustomer+1)))
			org := firstOrg + int64(g.rng.IntN(size.Organizations))
			var assignee, solved any
			if st != "new" {
				assignee = out.AgentIDs[g.rng.IntN(len(out.AgentIDs))]
			}
			if st == "solved" || st == "closed" {
				solved = us(updated)
			}
			grp := out.GroupIDs[g.rng.IntN(len(out.GroupIDs))]
			subject, body := TicketText(g.rng)
			tags := " " + tagWords[g.rng.IntN(len(tagWords))] + " " + tagWords[g.rng.IntN(len(tagWords))] + " "
			target := firstReplyMinutes(pr)
			slaDue := int64(math.MaxInt64) // no running target
			if st == "new" || st == "open" {
				slaDue = us(created.Add(time.Duration(target) * time.Minute))
			}
			tickets = append(tickets, []any{tid, subject, subject, body, pr, st, req, req, assignee, org, grp, tags, "email", solved, us(created), us(updated), slaDue})
			cid++
			comments = append(comments, []any{cid, tid, req, body, "<p>" + body + "</p>", body, true, us(created)})
			public := body
			private := ""
			if st != "new" {
				cid++
				reply := g.words(15+g.rng.IntN(30), vocabulary)
				isPublic := g.rng.IntN(4) != 0
				comments = append(comments, []any{cid, tid, assignee, reply, "<p>" + reply + "</p>", reply, isPublic, us(updated)})
				if isPublic {
					public += " " + reply
				} else {
					private = reply
				}
			}
			texts = append(texts, []any{strconv.FormatInt(tid, 10), subject, public, private})
			if st != "solved" && st != "closed" {
				out.Unsolved++
				due := created.Add(time.Duration(target) * time.Minute)
				status := "active"
				if st == "pending" || st == "hold" {
					status = "paused"
				}
				metrics = append(metrics, []any{tid, "first_reply_time", pr, target, status, us(created), us(due), us(updated)})
			}
		}
		err := g.d.Write(ctx, func(tx *db.Tx) error {
			if err := insert(ctx, tx, g.q.Get("InsertTickets"), 17, tickets); err != nil {
				return err
			}
			if err := insert(ctx, tx, g.q.Get("InsertComments"), 8, comments); err != nil {
				return err
			}
			if err := insertTexts(ctx, tx, g.q, texts); err != nil {
				return err
			}
			return insert(ctx, tx, g.q.Get("InsertSLAMetrics"), 8, metrics)
		})
		if err != nil {
			return nil, err
		}
		g.rows += len(tickets) + len(comments) + len(texts) + len(metrics)
		progress("tickets", start+n, size.Tickets)
	}
	out.LastID = tid
	if err := g.d.Write(ctx, func(tx *db.Tx) error {
		for _, table := range []string{"groups", "users", "organizations", "tickets", "ticket_comments"} {
			if q := d.Dialect.SyncIDSequence(table); q != "" {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := g.d.Analyze(ctx); err != nil {
		return nil, err
	}
	out.Elapsed, out.RowsTotal = time.Since(began), g.rows
	return out, nil
}

// firstReplyMinutes is the generated tickets' first-reply target by
// priority (GitLab's published targets).
func firstReplyMinutes(priority string) int {
	switch priority {
	case "urgent":
		return 30
	case "high":
		return 240
	case "normal":
		return 480
	}
	return 1440
}

// insertTexts fills the full-text index with the engine's own statement.
func insertTexts(ctx context.Context, tx *db.Tx, q *db.Queries, rows [][]any) error {
	return insert(ctx, tx, q.Get("InsertTexts"), 4, rows, q.Get("InsertTextsTail"))
}
