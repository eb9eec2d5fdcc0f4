-- Live editing: versions bumped by the database itself, the earlier
-- versions of every timeline entry kept, and a notification for every
-- committed change so each console can reload what changed.

-- +goose Up
-- +goose StatementBegin
-- The name changes are attributed to: `warroom --as NAME` sets warroom.actor
-- for its transaction (single-user embedded database); otherwise the
-- database login.
CREATE FUNCTION warroom_actor() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT COALESCE(NULLIF(current_setting('warroom.actor', true), ''), session_user::text)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Every UPDATE bumps version, even one typed into psql, so an editor holding
-- an older version can never overwrite it unnoticed.
CREATE FUNCTION warroom_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER bump_version BEFORE UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION warroom_bump_version();
CREATE TRIGGER bump_version BEFORE UPDATE ON milestones
    FOR EACH ROW EXECUTE FUNCTION warroom_bump_version();
CREATE TRIGGER bump_version BEFORE UPDATE ON action_items
    FOR EACH ROW EXECUTE FUNCTION warroom_bump_version();
CREATE TRIGGER bump_version BEFORE UPDATE ON claims
    FOR EACH ROW EXECUTE FUNCTION warroom_bump_version();

-- Earlier versions of timeline entries: a correction never erases the record.
CREATE TABLE timeline_entry_versions (
    entry_id      bigint NOT NULL REFERENCES timeline_entries (id) ON DELETE CASCADE,
    version       integer NOT NULL,
    kind          text NOT NULL,
    title         text NOT NULL,
    body          text NOT NULL,
    precision     text NOT NULL,
    planned_start timestamptz,
    planned_end   timestamptz,
    actual_start  timestamptz,
    actual_end    timestamptz,
    author        text NOT NULL,
    updated_at    timestamptz NOT NULL,
    replaced_by   text NOT NULL,
    replaced_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, version)
);

-- +goose StatementBegin
CREATE FUNCTION warroom_keep_entry_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO timeline_entry_versions (entry_id, version, kind, title, body, precision,
        planned_start, planned_end, actual_start, actual_end, author, updated_at, replaced_by)
    VALUES (OLD.id, OLD.version, OLD.kind, OLD.title, OLD.body, OLD.precision,
        OLD.planned_start, OLD.planned_end, OLD.actual_start, OLD.actual_end, OLD.author,
        OLD.updated_at, warroom_actor());
    NEW.version := OLD.version + 1;
    NEW.updated_at := now();
    RETURN NEW;
END $$;
-- +goose StatementEnd

CREATE TRIGGER keep_version BEFORE UPDATE ON timeline_entries
    FOR EACH ROW EXECUTE FUNCTION warroom_keep_entry_version();

-- +goose StatementBegin
-- One compact JSON notification per changed row, sent at commit:
-- {"t": table, "op": "I"|"U"|"D", "i": incident id, "id": row id, "v": version, "by": actor}.
CREATE FUNCTION warroom_notify_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r   jsonb;
    inc bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
    inc := (r ->> 'incident_id')::bigint;
    IF inc IS NULL THEN
        CASE TG_TABLE_NAME
            WHEN 'incidents' THEN inc := (r ->> 'id')::bigint;
            WHEN 'milestone_updates' THEN
                SELECT incident_id INTO inc FROM milestones WHERE id = (r ->> 'milestone_id')::bigint;
            WHEN 'action_items' THEN
                SELECT incident_id INTO inc FROM remediation_measures WHERE id = (r ->> 'measure_id')::bigint;
            WHEN 'contributions' THEN
                SELECT incident_id INTO inc FROM contributors WHERE id = (r ->> 'contributor_id')::bigint;
            ELSE NULL;
        END CASE;
    END IF;
    PERFORM pg_notify('warroom_changes', json_build_object(
        't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', inc,
        'id', (r ->> 'id')::bigint, 'v', (r ->> 'version')::int, 'by', warroom_actor())::text);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Bulk tables (merchants, claims, payouts) load a million rows at a time:
-- one notification per statement and incident, with the row count.
CREATE FUNCTION warroom_notify_bulk() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT incident_id, count(*) AS n FROM changed GROUP BY incident_id LOOP
        PERFORM pg_notify('warroom_changes', json_build_object(
            't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', c.incident_id,
            'n', c.n, 'by', warroom_actor())::text);
    END LOOP;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['incidents', 'timeline_entries', 'milestones', 'milestone_updates',
        'people', 'findings', 'remediation_measures', 'action_items', 'funds', 'contributors',
        'contributions'] LOOP
        EXECUTE format('CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON %I
            FOR EACH ROW EXECUTE FUNCTION warroom_notify_row()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['merchants', 'claims', 'payouts'] LOOP
        EXECUTE format('CREATE TRIGGER notify_insert AFTER INSERT ON %I
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk()', t);
        EXECUTE format('CREATE TRIGGER notify_update AFTER UPDATE ON %I
            REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk()', t);
        EXECUTE format('CREATE TRIGGER notify_delete AFTER DELETE ON %I
            REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION warroom_notify_bulk()', t);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP TABLE timeline_entry_versions;
DROP FUNCTION warroom_notify_bulk, warroom_notify_row, warroom_keep_entry_version,
    warroom_bump_version, warroom_actor CASCADE;
