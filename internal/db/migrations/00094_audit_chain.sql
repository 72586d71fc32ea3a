-- +goose Up
-- Tamper-evident audit log (internal/audit/chain.go): a sealing job gives
-- each entry, in turn, a sequence number and a hash of its content chained
-- to the previous entry's hash; `frontline audit verify` recomputes the
-- chain and names the first entry that no longer matches.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_seq_key ON audit_log (seq);
CREATE INDEX audit_log_unsealed_idx ON audit_log (id) WHERE seq IS NULL;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
