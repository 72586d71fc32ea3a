-- +goose Up
-- Shift hand-over of open emergencies (internal/incident/handover.go): the
-- first level's on-call an incident belongs to (user ids, space-separated,
-- sorted). When the schedule hands off, the sweep compares it with who is
-- on call now and hands the incident to the incoming engineer once (a
-- compare-and-set on this column). NULL: not yet recorded (the next sweep
-- records it without a hand-over).
ALTER TABLE incidents ADD COLUMN shift_oncall TEXT;

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
