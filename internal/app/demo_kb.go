package app

import (
	"context"
	"fmt"
	"time"

	"github.com/frontline/frontline/internal/audit"
	"github.com/frontline/frontline/internal/errs"
	"github.com/frontline/frontline/internal/kb"
	"github.com/frontline/frontline/internal/search"
	"github.com/frontline/frontline/internal/zquery"
)

// The demo Help Center: three categories (the self-managed product, the
// SaaS, and the agents' internal runbooks), a few dozen articles about
// installing, upgrading, backing up, CI runners, SSO and performance, some
// internal-only, with customers' votes. Articles are written before the
// ticket history; after it, each article is linked to the history's
// tickets about its subject (no ticket is created), and a few weeks of
// deflection events are recorded.

type demoArticle struct {
	section    string
	title      string
	body       string
	labels     []string
	visibility string // "" public
	draft      bool
	promoted   bool
	link       string // ticket search terms whose tickets link the article
	votes      int    // net votes from customers (negative: poor)
}

type demoSection struct {
	category, name, visibility string
	parent                     string
}

func demoKBSections() []demoSection {
	return []demoSection{
		{category: "Self-managed", name: "Installation"},
		{category: "Self-managed", name: "Upgrades"},
		{category: "Self-managed", name: "Backups and restore"},
		{category: "Self-managed", name: "Performance"},
		{category: "Self-managed", name: "Troubleshooting upgrades", parent: "Upgrades"},
		{category: "SaaS", name: "Getting started"},
		{category: "SaaS", name: "CI runners"},
		{category: "SaaS", name: "Single sign-on"},
		{category: "Agent runbooks", name: "Escalations", visibility: "internal"},
		{category: "Agent runbooks", name: "Known issues", visibility: "internal"},
	}
}

func demoKBArticles() []demoArticle {
	return []demoArticle{
		{section: "Installation", title: "System requirements for a self-managed installation", promoted: true, labels: []string{"install"}, votes: 6,
			body: "## Hardware\n\n- 4 vCPU and 8 GB of memory for up to 500 users\n- 16 GB of memory from 1,000 users\n- SSD storage: PostgreSQL and Gitaly are sensitive to disk latency\n\n## Software\n\nA supported Linux distribution (Ubuntu 22.04/24.04, RHEL 8/9, Debian 12) and PostgreSQL 14 or later if you run the database yourself."},
		{section: "Installation", title: "Install with the Linux package", labels: []string{"install"}, votes: 4, link: "install",
			body: "1. Add the package repository.\n2. Install the package with `EXTERNAL_URL=https://git.example.com apt-get install frontline-ee`.\n3. Sign in as root with the password in `/etc/frontline/initial_root_password` (deleted after 24 hours)."},
		{section: "Installation", title: "Install with Docker Compose", labels: []string{"install", "docker"}, votes: 2,
			body: "Mount `/etc/frontline`, `/var/log/frontline` and `/var/opt/frontline` as volumes, set `shm_size: 256m`, and publish ports 80, 443 and 22."},
		{section: "Installation", title: "Configure HTTPS with Let's Encrypt", labels: []string{"install", "tls"}, votes: 3,
			body: "Set `letsencrypt['enable'] = true` and an `https://` external URL, then reconfigure. Port 80 must be reachable for the HTTP-01 challenge."},
		{section: "Upgrades", title: "Plan an upgrade path between major versions", promoted: true, labels: []string{"upgrade"}, votes: 9, link: "upgrade",
			body: "Upgrades must stop at every **required stop** (for example 16.3, 16.7, 16.11, 17.3). Skipping one leaves background migrations unfinished and the next upgrade refuses to start.\n\nUse the upgrade path tool, then check *Admin > Monitoring > Background migrations* is empty before each step."},
		{section: "Upgrades", title: "Upgrade a single-node installation", labels: []string{"upgrade"}, votes: 5, link: "upgrade",
			body: "1. Take a backup (see *Back up a self-managed instance*).\n2. Install the new package version.\n3. Wait for background migrations to finish.\n4. Run `frontline-rake frontline:check`."},
		{section: "Upgrades", title: "Zero-downtime upgrades for multi-node installations", labels: []string{"upgrade", "ha"}, votes: 1,
			body: "Upgrade one node at a time behind the load balancer: Gitaly first, then Sidekiq, then the web nodes, then run post-deployment migrations once."},
		{section: "Troubleshooting upgrades", title: "Upgrade fails: background migrations still running", labels: []string{"upgrade", "migrations"}, votes: -3, link: "migration",
			body: "The package refuses to upgrade while batched background migrations from the previous version are unfinished. List them with `frontline-rake db:migrate:status` and let them finish, or finish one with `frontline-rake frontline:background_migrations:finalize`."},
		{section: "Troubleshooting upgrades", title: "Error 500 after upgrading: clear the cache", labels: []string{"upgrade"}, votes: 2,
			body: "Run `frontline-rake cache:clear` and restart Puma. If the error remains, read `/var/log/frontline/production.log` for the stack trace."},
		{section: "Backups and restore", title: "Back up a self-managed instance", promoted: true, labels: []string{"backup"}, votes: 8, link: "backup",
			body: "Run `frontline-backup create`. The archive holds the database, repositories and uploads but **not** `/etc/frontline/frontline-secrets.json`: copy that file separately, or restored CI variables and 2FA will not decrypt."},
		{section: "Backups and restore", title: "Restore a backup to a new server", labels: []string{"backup", "restore"}, votes: 4, link: "restore",
			body: "The new server must run exactly the same version. Copy the archive to `/var/opt/frontline/backups`, stop Puma and Sidekiq, run `frontline-backup restore BACKUP=<timestamp>`, then restore the secrets file and reconfigure."},
		{section: "Backups and restore", title: "Backups are slow or time out", labels: []string{"backup", "performance"}, votes: -2, link: "backup timeout",
			body: "Skip what you back up elsewhere (`SKIP=registry,artifacts`), use `GZIP_RSYNCABLE=yes` with incremental repository backups, and write to local disk before uploading to object storage."},
		{section: "Backups and restore", title: "Upload backups to S3-compatible storage", labels: []string{"backup", "s3"}, votes: 3,
			body: "Set `backup_upload_connection` with the provider, region and credentials, and `backup_upload_remote_directory` to the bucket."},
		{section: "Performance", title: "Tune Puma workers and threads", labels: []string{"performance"}, votes: 3, link: "slow",
			body: "Start with one worker per vCPU and 4 threads. Each worker needs about 1.2 GB; lower `puma['worker_processes']` on small machines rather than let the kernel swap."},
		{section: "Performance", title: "Diagnose slow pages with the performance bar", labels: []string{"performance"}, votes: 2,
			body: "Press `p` then `b` to show the performance bar: it lists SQL, Gitaly and Redis calls per request. Slow Gitaly calls usually mean disk latency."},
		{section: "Performance", title: "PostgreSQL maintenance: vacuum and bloat", labels: []string{"performance", "postgresql"}, votes: 1,
			body: "Check table bloat monthly. Autovacuum settings that suit small instances fall behind on `ci_builds` and `events` at scale; raise `autovacuum_vacuum_cost_limit`."},
		{section: "Getting started", title: "Invite your team to the SaaS workspace", promoted: true, labels: []string{"saas"}, votes: 5,
			body: "Owners invite members from *Settings > Members*. Invitations expire after 7 days; a pending invitation takes a seat."},
		{section: "Getting started", title: "Understand seat usage and billing", labels: []string{"saas", "billing"}, votes: 0,
			body: "A seat is used by every member who is not a guest. The quarterly reconciliation bills seats above your subscription."},
		{section: "Getting started", title: "Status page and maintenance windows", labels: []string{"saas", "incident"}, votes: 2,
			body: "Incidents and planned maintenance are announced on the status page; subscribe by email or RSS."},
		{section: "CI runners", title: "Register a runner with an authentication token", promoted: true, labels: []string{"runner", "ci"}, votes: 7, link: "runner",
			body: "Create the runner in the UI to get a `glrt-` token, then run `frontline-runner register --url https://frontline.example --token glrt-...`. Registration tokens are deprecated."},
		{section: "CI runners", title: "Jobs stuck in pending: no runner picks them up", labels: []string{"runner", "ci"}, votes: -4, link: "runner pending",
			body: "Check that a runner with the job's **tags** is online, that it is not paused, and that *Run untagged jobs* is on if the job has no tags. Shared runners count against your compute minutes."},
		{section: "CI runners", title: "Use the Docker executor with a private registry", labels: []string{"runner", "docker"}, votes: 2,
			body: "Set `DOCKER_AUTH_CONFIG` as a CI/CD variable with the registry credentials in Docker's `config.json` format."},
		{section: "CI runners", title: "Autoscale runners on AWS", labels: []string{"runner", "aws"}, votes: 1,
			body: "Use the fleeting plugin with an autoscaling group; set `idle_count` for warm instances and `max_instances` for the cap."},
		{section: "CI runners", title: "Runner job timeouts", labels: []string{"runner", "timeout"}, votes: 0, link: "timeout",
			body: "A job stops at the lower of the project timeout and the runner's `maximum_timeout`. Raise the project's timeout under *Settings > CI/CD > General pipelines*."},
		{section: "Single sign-on", title: "Configure SAML SSO with Okta", promoted: true, labels: []string{"sso", "saml"}, votes: 6, link: "saml",
			body: "Create a SAML app in Okta with the ACS URL and entity ID shown under *Settings > SAML SSO*, map `email` and `name`, and test with a member who is not an owner before enforcing SSO."},
		{section: "Single sign-on", title: "SAML: 'Email has already been taken'", labels: []string{"sso", "saml"}, votes: -1, link: "sso",
			body: "The IdP sent an email that belongs to an existing account not yet linked. Ask the user to sign in with their password once and link the identity from their profile."},
		{section: "Single sign-on", title: "Sync groups from LDAP", labels: []string{"sso", "ldap"}, votes: 2, link: "ldap", visibility: "signed_in",
			body: "LDAP group sync runs hourly. Set `group_base` and map groups to roles; members removed from the LDAP group lose access on the next sync."},
		{section: "Single sign-on", title: "Enforce SSO for web and Git access", labels: []string{"sso"}, votes: 1, draft: true,
			body: "Draft: enforcement also covers Git over HTTPS; personal access tokens keep working for service accounts."},
		{section: "Escalations", title: "Escalate a data-loss report to engineering", labels: []string{"escalation"}, visibility: "internal",
			body: "Page the on-call database engineer, open an incident, and collect `frontline-ctl tail` output and the backup list before touching the instance."},
		{section: "Escalations", title: "Grant a temporary license extension", labels: []string{"license"}, visibility: "internal",
			body: "Support managers may extend a license by 14 days once per customer from the license portal; note the ticket number."},
		{section: "Known issues", title: "Known issue: runner manager leaks Docker networks", labels: []string{"runner", "known-issue"}, visibility: "internal", link: "runner",
			body: "Fixed in runner 17.4. Workaround: `docker network prune` from a cron job on the manager."},
		{section: "Known issues", title: "Known issue: SAML metadata refresh fails behind a proxy", labels: []string{"saml", "known-issue"}, visibility: "internal",
			body: "The metadata fetch ignores `no_proxy`. Upload the metadata XML manually until the fix ships."},
	}
}

// kbDemo is what loadKBDemo wrote, for linking tickets after the history.
type kbDemo struct {
	ids   []int64
	links []string
}

// loadKBDemo writes the Help Center before the ticket history.
func (a *App) loadKBDemo(ctx context.Context, res *DemoResult, author int64) (*kbDemo, error) {
	str := func(s string) *string { return &s }
	cats := map[string]int64{}
	for i, name := range []string{"Self-managed", "SaaS", "Agent runbooks"} {
		desc := map[string]string{"Self-managed": "Installing, upgrading and running your own instance", "SaaS": "Using the hosted service", "Agent runbooks": "For the support team"}[name]
		pos := i
		c, err := a.KB.CreateCategory(ctx, audit.System(), kb.CategoryInput{Name: str(name), Description: &desc, Position: &pos})
		if err != nil {
			return nil, err
		}
		cats[name] = c.ID
	}
	secs := map[string]int64{}
	for i, s := range demoKBSections() {
		in := kb.SectionInput{Name: str(s.name), Position: &i}
		if s.visibility != "" {
			in.Visibility = str(s.visibility)
		}
		if s.parent != "" {
			p := secs[s.parent]
			in.ParentSectionID = &p
		}
		x, err := a.KB.CreateSection(ctx, audit.System(), cats[s.category], in)
		if err != nil {
			return nil, fmt.Errorf("section %s: %w", s.name, err)
		}
		secs[s.name] = x.ID
	}
	var voters []int64
	for _, org := range res.OrganizationIDs {
		voters = append(voters, res.CustomersByOrg[org]...)
	}
	d := &kbDemo{}
	var votes []kb.SeedVote
	for i, ar := range demoKBArticles() {
		draft, pos := ar.draft, i
		in := kb.ArticleInput{Title: str(ar.title), BodyMarkdown: str(ar.body), LabelNames: &ar.labels, Draft: &draft, Promoted: &ar.promoted, Position: &pos}
		if ar.visibility != "" {
			in.Visibility = str(ar.visibility)
		}
		art, err := a.KB.CreateArticle(ctx, audit.Actor{ID: author, Role: "agent"}, secs[ar.section], in)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", ar.title, err)
		}
		d.ids, d.links = append(d.ids, art.ID), append(d.links, ar.link)
		// Votes: |votes| customers, plus a few the other way for realism.
		n, up := ar.votes, 1
		if n < 0 {
			n, up = -n, -1
		}
		for j := 0; j < n+2 && len(voters) > 0 && ar.visibility != "internal" && !ar.draft; j++ {
			v := up
			if j >= n {
				v = -up
				if j == n+1 {
					v = up
				}
			}
			votes = append(votes, kb.SeedVote{ArticleID: art.ID, UserID: voters[(i*7+j)%len(voters)], Value: v})
		}
	}
	if err := a.KB.SeedVotes(ctx, votes); err != nil {
		return nil, err
	}
	if err := a.loadKBDemoExtras(ctx, d, author, voters); err != nil {
		return nil, err
	}
	return d, nil
}

// loadKBDemoExtras translates the first articles into German and French
// (with the categories) and adds a few customers' comments.
func (a *App) loadKBDemoExtras(ctx context.Context, d *kbDemo, author int64, voters []int64) error {
	ed := audit.Actor{ID: author, Role: "agent"}
	str := func(s string) *string { return &s }
	tr := []struct {
		n          int
		loc, title string
		body       string
	}{
		{0, "de", "Ihre selbst betriebene Instanz installieren", "Wählen Sie das Installationspaket für Ihr Betriebssystem, richten Sie die externe URL ein und starten Sie die Konfiguration. Prüfen Sie danach den Zustand mit dem eingebauten Check."},
		{0, "fr", "Installer votre instance autogérée", "Choisissez le paquet d'installation de votre système, définissez l'URL externe puis lancez la configuration. Vérifiez ensuite l'état avec le contrôle intégré."},
		{1, "de", "Upgrade-Pfade und Pflichtstopps", "Aktualisieren Sie über die vorgeschriebenen Zwischenversionen. Sichern Sie vor jedem Schritt und warten Sie, bis die Hintergrundmigrationen abgeschlossen sind."},
	}
	for _, t := range tr {
		if t.n >= len(d.ids) {
			continue
		}
		if _, err := a.KB.CreateTranslation(ctx, ed, kb.KindArticle, d.ids[t.n], kb.TranslationInput{Locale: str(t.loc), Title: str(t.title), BodyMarkdown: str(t.body)}); err != nil {
			return fmt.Errorf("demo translation: %w", err)
		}
	}
	comments := []string{"Worked for us on the first try, thanks.", "The background migrations took about an hour on our 2 TB instance.",
		"Could you add a note about running this behind a proxy?"}
	for i, body := range comments {
		if len(voters) == 0 || i >= len(d.ids) {
			break
		}
		b := "<p>" + body + "</p>"
		if _, err := a.KB.CreateComment(ctx, kb.Viewer{UserID: voters[(i*5)%len(voters)]}, d.ids[i], kb.CommentInput{Body: &b}); err != nil && !errs.Is(err, errs.KindNotFound) {
			return fmt.Errorf("demo comment: %w", err)
		}
	}
	return nil
}

// linkKBDemo links each article to up to eight history tickets matching its
// subject, and records a few weeks of help-centre sessions.
func (a *App) linkKBDemo(ctx context.Context, d *kbDemo) error {
	now := a.Clock.Now()
	for i, terms := range d.links {
		if terms == "" {
			continue
		}
		q, err := zquery.Parse("type:ticket "+terms, now, time.UTC)
		if err != nil {
			return err
		}
		hits, _, err := a.Search.Search(ctx, &search.Request{Query: q, Limit: 8 + i%5})
		if err != nil {
			return fmt.Errorf("link tickets about %q: %w", terms, err)
		}
		ids := make([]int64, len(hits))
		for j, h := range hits {
			ids[j] = h.ID
		}
		if err := a.KB.LinkTickets(ctx, d.ids[i], ids); err != nil {
			return err
		}
	}
	// Sessions over the last four weeks: most read an article and leave,
	// some file a ticket within the day, some answer "this answered my
	// question" on the request form.
	var all []kb.Event
	for s := 0; s < 120; s++ {
		at := now.Add(-time.Duration(s*5+3) * time.Hour)
		sess := fmt.Sprintf("demo-%03d", s)
		art := d.ids[s%len(d.ids)]
		events := []kb.Event{{Session: sess, Kind: kb.EventView, ArticleID: art, At: at}}
		switch {
		case s%5 == 0:
			events = append(events, kb.Event{Session: sess, Kind: kb.EventTicket, UserID: int64(1000 + s%17), At: at.Add(2 * time.Hour)})
		case s%7 == 0:
			events = append(events, kb.Event{Session: sess, Kind: kb.EventOffered, At: at}, kb.Event{Session: sess, Kind: kb.EventClick, ArticleID: art, At: at},
				kb.Event{Session: sess, Kind: kb.EventAnswered, At: at})
		case s%11 == 0:
			events = append(events, kb.Event{Session: sess, Kind: kb.EventOffered, At: at})
		}
		all = append(all, events...)
	}
	return a.KB.RecordEvents(ctx, all)
}
