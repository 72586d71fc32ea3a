package bench

// Word lists for generated tickets: support topics, a technical vocabulary
// and tags, so that full-text search sees realistic term frequencies.

var topics = []string{
	"runner stuck", "pipeline failing", "login broken", "sso error", "license renewal", "invoice question",
	"upgrade failed", "backup restore", "merge request slow", "container registry", "ldap sync", "geo replication",
	"kubernetes agent", "webhook timeout", "api rate limit", "email notifications", "two-factor reset",
	"performance degradation", "disk full", "certificate expired", "migration stuck", "search not working",
	"gitaly timeout", "package registry", "pages deployment", "billing seats", "subscription transfer",
}

var tagWords = []string{
	"ci", "runners", "sso", "saml", "ldap", "billing", "license", "upgrade", "backup", "geo", "kubernetes",
	"registry", "pages", "api", "webhooks", "email", "2fa", "performance", "storage", "tls", "migration",
	"search", "gitaly", "packages", "seats", "emergency", "regression", "self-managed", "saas", "docs",
}

var vocabulary = []string{
	"the", "a", "we", "our", "is", "are", "not", "after", "since", "when", "with", "from", "on", "in", "to",
	"error", "failed", "timeout", "stuck", "pending", "slow", "crash", "restart", "upgrade", "version", "log",
	"logs", "trace", "stack", "server", "node", "cluster", "database", "postgres", "redis", "sidekiq", "puma",
	"nginx", "gitaly", "praefect", "runner", "runners", "pipeline", "job", "jobs", "artifact", "cache",
	"registry", "image", "container", "docker", "kubernetes", "helm", "chart", "pod", "namespace", "ingress",
	"certificate", "tls", "ssl", "expired", "token", "personal", "access", "ssh", "key", "keys", "push",
	"pull", "clone", "merge", "request", "branch", "protected", "commit", "repository", "project", "group",
	"subgroup", "permission", "denied", "forbidden", "unauthorized", "saml", "sso", "ldap", "sync", "user",
	"users", "seat", "seats", "license", "subscription", "renewal", "invoice", "billing", "charged", "twice",
	"refund", "plan", "premium", "ultimate", "free", "trial", "backup", "restore", "geo", "secondary",
	"primary", "replication", "lag", "disk", "storage", "full", "memory", "cpu", "load", "performance",
	"degraded", "outage", "incident", "emergency", "production", "staging", "deploy", "deployment", "pages",
	"webhook", "webhooks", "api", "rate", "limit", "limits", "email", "notification", "notifications",
	"smtp", "delivery", "bounce", "spam", "search", "elasticsearch", "index", "indexing", "migration",
	"migrations", "background", "batched", "schema", "column", "table", "query", "queries", "explain",
	"analyze", "vacuum", "lock", "locks", "deadlock", "please", "help", "urgent", "asap", "blocked", "team",
	"customers", "workaround", "reproduce", "steps", "expected", "actual", "behaviour", "screenshot",
	"attached", "config", "configuration", "gitlab.rb", "reconfigure", "omnibus", "package", "packages",
	"npm", "maven", "pypi", "terraform", "state", "vault", "secrets", "variables", "environment",
}
