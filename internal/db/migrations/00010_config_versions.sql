-- +goose Up
-- A version number per kind of configuration that every write path reads
-- on each ticket write (SLA policies and schedules, business rules). Services
-- keep the parsed configuration in memory and reload it when the version they
-- read in their transaction differs from the one they loaded, so several
-- nodes on one PostgreSQL stay coherent. Triggers bump the version on every
-- change, whatever writes it (API, seeding, SQL by hand).
CREATE TABLE config_versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO config_versions (name, version) VALUES ('sla', 1), ('rules', 1);

-- +sqlite
CREATE TRIGGER sla_policies_version_i AFTER INSERT ON sla_policies BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_policies_version_u AFTER UPDATE ON sla_policies BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_policies_version_d AFTER DELETE ON sla_policies BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_policy_metrics_version_i AFTER INSERT ON sla_policy_metrics BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_policy_metrics_version_u AFTER UPDATE ON sla_policy_metrics BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_policy_metrics_version_d AFTER DELETE ON sla_policy_metrics BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_schedules_version_i AFTER INSERT ON sla_schedules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_schedules_version_u AFTER UPDATE ON sla_schedules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_schedules_version_d AFTER DELETE ON sla_schedules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_schedule_intervals_version_i AFTER INSERT ON sla_schedule_intervals BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_schedule_intervals_version_u AFTER UPDATE ON sla_schedule_intervals BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_schedule_intervals_version_d AFTER DELETE ON sla_schedule_intervals BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_holidays_version_i AFTER INSERT ON sla_holidays BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_holidays_version_u AFTER UPDATE ON sla_holidays BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER sla_holidays_version_d AFTER DELETE ON sla_holidays BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'sla'; END;
CREATE TRIGGER business_rules_version_i AFTER INSERT ON business_rules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'rules'; END;
CREATE TRIGGER business_rules_version_u AFTER UPDATE ON business_rules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'rules'; END;
CREATE TRIGGER business_rules_version_d AFTER DELETE ON business_rules BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'rules'; END;
-- +end

-- +postgres
CREATE FUNCTION frontline_bump_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE config_versions SET version = version + 1 WHERE name = TG_ARGV[0];
    RETURN NULL;
END;
$$;
CREATE TRIGGER sla_policies_version AFTER INSERT OR UPDATE OR DELETE ON sla_policies
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('sla');
CREATE TRIGGER sla_policy_metrics_version AFTER INSERT OR UPDATE OR DELETE ON sla_policy_metrics
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('sla');
CREATE TRIGGER sla_schedules_version AFTER INSERT OR UPDATE OR DELETE ON sla_schedules
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('sla');
CREATE TRIGGER sla_schedule_intervals_version AFTER INSERT OR UPDATE OR DELETE ON sla_schedule_intervals
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('sla');
CREATE TRIGGER sla_holidays_version AFTER INSERT OR UPDATE OR DELETE ON sla_holidays
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('sla');
CREATE TRIGGER business_rules_version AFTER INSERT OR UPDATE OR DELETE ON business_rules
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('rules');
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
