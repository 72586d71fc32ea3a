-- +goose Up
-- The org chart, roster counts and summary read every member's reporting
-- line and flags; at thousands of members that read is most of a page's
-- cost. The team store keeps it per version of the team data (as the SLA
-- and rules configurations are kept, ADR 0006): triggers bump the 'team'
-- version on any change to what the org graph shows, whatever writes it.
-- users only on the columns the graph reads, so sign-ins (last_login_at)
-- bump nothing.
INSERT INTO config_versions (name, version) VALUES ('team', 1);

-- +sqlite
CREATE TRIGGER team_members_version_i AFTER INSERT ON team_members BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER team_members_version_u AFTER UPDATE ON team_members BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER team_members_version_d AFTER DELETE ON team_members BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER team_member_specialties_version_i AFTER INSERT ON team_member_specialties BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER team_member_specialties_version_d AFTER DELETE ON team_member_specialties BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER team_levels_version_u AFTER UPDATE ON team_levels BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER team_levels_version_d AFTER DELETE ON team_levels BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER users_team_version_u AFTER UPDATE OF name, region, manager_id, job_title, grade, verified_citizenship, role ON users
    BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER organizations_team_version_i AFTER INSERT ON organizations WHEN NEW.ase_user_id IS NOT NULL
    BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER organizations_team_version_u AFTER UPDATE OF ase_user_id ON organizations
    BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
CREATE TRIGGER organizations_team_version_d AFTER DELETE ON organizations WHEN OLD.ase_user_id IS NOT NULL
    BEGIN UPDATE config_versions SET version = version + 1 WHERE name = 'team'; END;
-- +end

-- +postgres
CREATE TRIGGER team_members_version AFTER INSERT OR UPDATE OR DELETE ON team_members
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('team');
CREATE TRIGGER team_member_specialties_version AFTER INSERT OR DELETE ON team_member_specialties
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('team');
CREATE TRIGGER team_levels_version AFTER UPDATE OR DELETE ON team_levels
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('team');
CREATE TRIGGER users_team_version AFTER UPDATE OF name, region, manager_id, job_title, grade, verified_citizenship, role ON users
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('team');
CREATE TRIGGER organizations_team_version AFTER INSERT OR DELETE OR UPDATE OF ase_user_id ON organizations
    FOR EACH STATEMENT EXECUTE FUNCTION frontline_bump_config_version('team');
-- +end

-- +goose Down
-- Frontline migrations are forward-only; restore from a backup to go back.
