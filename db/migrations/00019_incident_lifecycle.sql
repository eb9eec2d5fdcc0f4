-- Running an incident (issue 12, SECURITY.md "Running an incident"):
-- declaring one, its status and severity, the people on duty, stakeholder
-- updates with a cadence, and accountability that can be written.
--
-- Who may do what is decided here, not in the client:
--   declare                     engineers and commanders (warroom_declare_incident)
--   status, severity, resolve,  the incident's own commander (an engineer or
--   assign roles                commander login named as such) or any warroom commander
--   post an update              engineers and commanders (timeline INSERT)
--   remediation measures and    engineers and commanders
--   action items
--   people and findings         commanders
-- Status, severity and roles change only through the SECURITY DEFINER
-- functions below, which write the timeline entry a person expects in the
-- same statement; the direct routes are not granted.

-- +goose Up

-- Statuses as responders say them; 'open' becomes 'investigating'. The demo
-- incident is resolved and keeps its row as it is.
ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
UPDATE incidents SET status = 'investigating' WHERE status = 'open';
ALTER TABLE incidents
    ALTER COLUMN status SET DEFAULT 'investigating',
    ADD CONSTRAINT incidents_status_check
        CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_by text NOT NULL DEFAULT warroom_actor();

CREATE TRIGGER identity_update BEFORE UPDATE ON incidents
    FOR EACH ROW WHEN (NEW.updated_by IS DISTINCT FROM OLD.updated_by)
    EXECUTE FUNCTION warroom_stamp_identity('updated_by', 'editor');

-- A login edits an incident's words; its lifecycle goes through the
-- functions below (column privileges: an UPDATE of status is refused with
-- 42501 before any trigger runs). New incidents are declared, never inserted.
REVOKE INSERT, UPDATE ON incidents FROM warroom_commander;
GRANT UPDATE (title, summary, time_zone, updated_at, updated_by) ON incidents TO warroom_commander;

-- The timeline's new kinds. 'declared', 'status', 'severity' and 'role' are
-- written by the functions below only; 'update' is a stakeholder update,
-- posted by a person, with its audience and when the next one is due.
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_kind_check;
ALTER TABLE timeline_entries
    ADD CONSTRAINT timeline_entries_kind_check CHECK (kind IN ('window', 'outage', 'restore', 'recovery',
        'rehearsal', 'cutover', 'comms', 'note', 'update', 'declared', 'status', 'severity', 'role')),
    ADD COLUMN audience text CHECK (audience IN ('internal', 'executives', 'customers')),
    ADD COLUMN next_update_at timestamptz,
    ADD CONSTRAINT timeline_entries_update_audience CHECK ((kind = 'update') = (audience IS NOT NULL)),
    ADD CONSTRAINT timeline_entries_update_next
        CHECK (next_update_at IS NULL OR (kind = 'update' AND next_update_at > COALESCE(actual_start, planned_start)));
CREATE INDEX timeline_entries_updates ON timeline_entries (incident_id, actual_start DESC, id DESC)
    WHERE kind = 'update' AND voided_at IS NULL;

-- +goose StatementBegin
-- The lifecycle entries are the record of a decision: only the functions
-- that make the decision write them, and nobody edits them after.
CREATE FUNCTION warroom_guard_lifecycle_entry() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF warroom_privileged() THEN
        RETURN NEW;
    END IF;
    IF NEW.kind IN ('declared', 'status', 'severity', 'role')
       OR (TG_OP = 'UPDATE' AND OLD.kind IN ('declared', 'status', 'severity', 'role')) THEN
        RAISE EXCEPTION 'timeline entries of kind % are written by the database when the incident changes',
            CASE WHEN TG_OP = 'UPDATE' AND OLD.kind IN ('declared', 'status', 'severity', 'role') THEN OLD.kind ELSE NEW.kind END
            USING ERRCODE = 'insufficient_privilege', TABLE = 'timeline_entries', COLUMN = 'kind',
                  HINT = 'declare, change status or severity, or assign a role instead';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER guard_lifecycle_entry BEFORE INSERT OR UPDATE ON timeline_entries
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_lifecycle_entry();

-- People on duty. A row is one person holding one role from assigned_at
-- until ended_at; the current holders are the rows not ended. One holder
-- per role at a time, so exactly one commander once the incident is declared.
CREATE TABLE incident_roles (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role ~ '^[a-z][a-z0-9_-]{0,39}$'),
    person      text NOT NULL CHECK (btrim(person) <> '' AND length(person) <= 100),
    assigned_by text NOT NULL DEFAULT warroom_actor(),
    assigned_at timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz CHECK (ended_at IS NULL OR ended_at >= assigned_at)
);
CREATE UNIQUE INDEX incident_roles_one_commander ON incident_roles (incident_id)
    WHERE role = 'commander' AND ended_at IS NULL;
CREATE UNIQUE INDEX incident_roles_one_holder ON incident_roles (incident_id, role)
    WHERE ended_at IS NULL;
SELECT warroom_protect_table('incident_roles', ARRAY[]::text[]);
CREATE TRIGGER identity_insert BEFORE INSERT ON incident_roles
    FOR EACH ROW EXECUTE FUNCTION warroom_stamp_identity('assigned_by', 'creator');
CREATE TRIGGER identity_update BEFORE UPDATE ON incident_roles
    FOR EACH ROW WHEN (NEW.assigned_by IS DISTINCT FROM OLD.assigned_by)
    EXECUTE FUNCTION warroom_stamp_identity('assigned_by', 'creator');
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON incident_roles
    FOR EACH ROW EXECUTE FUNCTION warroom_notify_row();

-- +goose StatementBegin
-- The incident's commander now, or NULL.
CREATE FUNCTION warroom_incident_commander(p_incident bigint) RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT person FROM incident_roles WHERE incident_id = p_incident AND role = 'commander' AND ended_at IS NULL
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Refuses (42501) a login that may not steer this incident: a warroom
-- commander may; an engineer may when the incident names them commander.
CREATE FUNCTION warroom_require_incident_command(p_incident bigint, what text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    cmd text := warroom_incident_commander(p_incident);
BEGIN
    IF warroom_has_role('commander') OR (warroom_has_role('engineer') AND cmd = warroom_actor()) THEN
        RETURN;
    END IF;
    RAISE EXCEPTION '% may not % of incident %: only its commander (%) or a warroom commander may',
        warroom_actor(), what, p_incident, COALESCE(cmd, 'none named')
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Locks the incident and checks the version the caller saw (0: any). A
-- change in between is a serialization failure: read again and retry.
CREATE FUNCTION warroom_lock_incident(p_incident bigint, p_version integer) RETURNS incidents LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    inc incidents;
BEGIN
    SELECT * INTO inc FROM incidents WHERE id = p_incident FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no incident %', p_incident USING ERRCODE = 'no_data_found';
    END IF;
    IF COALESCE(p_version, 0) <> 0 AND inc.version <> p_version THEN
        RAISE EXCEPTION 'incident % was changed by % (version %, not %)', inc.slug, inc.updated_by, inc.version, p_version
            USING ERRCODE = 'serialization_failure';
    END IF;
    RETURN inc;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Declares an incident: investigating, the declarer its commander, a
-- 'declared' entry at its start. An empty slug is made from the title and
-- the start date, with -2, -3... when taken.
CREATE FUNCTION warroom_declare_incident(p_title text, p_severity text, p_zone text,
                                         p_started_at timestamptz, p_slug text, p_summary text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me    text := warroom_actor();
    v_at  timestamptz := COALESCE(p_started_at, now());
    base  text;
    v_slug text := NULLIF(btrim(COALESCE(p_slug, '')), '');
    n     integer := 1;
    inc   bigint;
BEGIN
    IF NOT warroom_has_any_role(ARRAY['commander', 'engineer']) THEN
        RAISE EXCEPTION '% may not declare an incident: needs the commander or engineer role', me
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF v_at > now() + interval '5 minutes' THEN
        RAISE EXCEPTION 'started_at % is in the future', v_at USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_slug IS NULL THEN
        base := left(btrim(regexp_replace(lower(COALESCE(p_title, '')), '[^a-z0-9]+', '-', 'g'), '-'), 40);
        base := btrim(base, '-');
        base := CASE WHEN base = '' THEN 'incident' ELSE base END || '-' || to_char(v_at AT TIME ZONE 'UTC', 'YYYYMMDD');
        v_slug := base;
        WHILE EXISTS (SELECT 1 FROM incidents i WHERE i.slug = v_slug) LOOP
            n := n + 1;
            v_slug := base || '-' || n;
        END LOOP;
    END IF;
    INSERT INTO incidents (slug, title, summary, time_zone, status, severity, started_at, updated_by)
    VALUES (v_slug, btrim(COALESCE(p_title, '')), btrim(COALESCE(p_summary, '')), COALESCE(NULLIF(p_zone, ''), 'UTC'),
            'investigating', p_severity, v_at, me)
    RETURNING id INTO inc;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by) VALUES (inc, 'commander', me, me);
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (inc, 'declared', format('Declared %s: %s', p_severity, btrim(p_title)),
            format('Commander: %s', me), v_at, me);
    RETURN inc;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Moves an incident to a status; resolved_at follows. Reopening a
-- resolved incident needs a note saying why.
CREATE FUNCTION warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    inc  incidents;
    note text := btrim(COALESCE(p_note, ''));
    v    integer;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'change the status');
    inc := warroom_lock_incident(p_incident, p_version);
    IF p_status IS NULL OR p_status NOT IN ('investigating', 'identified', 'monitoring', 'resolved') THEN
        RAISE EXCEPTION 'status %: use investigating, identified, monitoring or resolved', p_status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_status = inc.status THEN
        RAISE EXCEPTION 'incident % is already %', inc.slug, p_status USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF inc.status = 'resolved' AND note = '' THEN
        RAISE EXCEPTION 'reopening incident % needs a note saying why', inc.slug
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET status = p_status,
        resolved_at = CASE WHEN p_status = 'resolved' THEN GREATEST(now(), started_at) END,
        updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'status',
            CASE WHEN inc.status = 'resolved' THEN format('Reopened: %s', p_status)
                 WHEN p_status = 'resolved' THEN 'Resolved'
                 ELSE format('Status: %s -> %s', inc.status, p_status) END,
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Changes severity; the note saying why is required.
CREATE FUNCTION warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    inc  incidents;
    note text := btrim(COALESCE(p_note, ''));
    v    integer;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'change the severity');
    inc := warroom_lock_incident(p_incident, p_version);
    IF p_severity IS NULL OR p_severity NOT IN ('sev1', 'sev2', 'sev3', 'sev4') THEN
        RAISE EXCEPTION 'severity %: use sev1, sev2, sev3 or sev4', p_severity USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_severity = inc.severity THEN
        RAISE EXCEPTION 'incident % is already %', inc.slug, p_severity USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF note = '' THEN
        RAISE EXCEPTION 'a severity change needs a note saying why' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET severity = p_severity, updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'severity', format('Severity: %s -> %s', inc.severity, p_severity),
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Names who holds a role now; the previous holder's turn ends. A commander
-- handoff's entry names both people.
CREATE FUNCTION warroom_assign_role(p_incident bigint, p_role text, p_person text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    inc    incidents;
    v_role text := lower(btrim(COALESCE(p_role, '')));
    v_person text := btrim(COALESCE(p_person, ''));
    prev   text;
    id     bigint;
BEGIN
    PERFORM warroom_require_incident_command(p_incident, 'assign roles');
    inc := warroom_lock_incident(p_incident, 0);
    IF v_role !~ '^[a-z][a-z0-9_-]{0,39}$' THEN
        RAISE EXCEPTION 'role %: a word of lower-case letters, digits, - or _ (commander, deputy, scribe, comms-lead...)', p_role
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF v_person = '' THEN
        RAISE EXCEPTION 'who holds the role must be named' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT r.person INTO prev FROM incident_roles r
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL FOR UPDATE;
    IF prev = v_person THEN
        RAISE EXCEPTION '% is already % of incident %', v_person, v_role, inc.slug USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incident_roles r SET ended_at = now()
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by)
    VALUES (p_incident, v_role, v_person, warroom_actor()) RETURNING incident_roles.id INTO id;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'role',
            CASE WHEN v_role = 'commander' AND prev IS NOT NULL THEN format('Command handed from %s to %s', prev, v_person)
                 WHEN prev IS NOT NULL THEN format('%s takes over as %s from %s', v_person, v_role, prev)
                 ELSE format('%s is %s', v_person, v_role) END,
            '', GREATEST(now(), inc.started_at), warroom_actor());
    RETURN id;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- When the next stakeholder update is due: the latest update's promise,
-- NULL when it made none or the incident is resolved.
CREATE FUNCTION warroom_next_update_due(p_incident bigint) RETURNS timestamptz LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN (SELECT status FROM incidents WHERE id = p_incident) = 'resolved' THEN NULL
                ELSE (SELECT next_update_at FROM timeline_entries
                      WHERE incident_id = p_incident AND kind = 'update' AND voided_at IS NULL
                      ORDER BY actual_start DESC, id DESC LIMIT 1) END
$$;
-- +goose StatementEnd

REVOKE EXECUTE ON FUNCTION warroom_declare_incident(text, text, text, timestamptz, text, text),
    warroom_set_incident_status(bigint, text, text, integer),
    warroom_set_incident_severity(bigint, text, text, integer),
    warroom_assign_role(bigint, text, text), warroom_guard_lifecycle_entry() FROM PUBLIC;
-- Every warroom role may call them; the functions themselves say who is refused.
GRANT EXECUTE ON FUNCTION warroom_declare_incident(text, text, text, timestamptz, text, text),
    warroom_set_incident_status(bigint, text, text, integer),
    warroom_set_incident_severity(bigint, text, text, integer),
    warroom_assign_role(bigint, text, text)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- Accountability, writable. Action items get won't do (with the reason
-- required), who changed them last, and engineers as writers alongside
-- commanders; 'dropped' items become won't do.
ALTER TABLE action_items DROP CONSTRAINT action_items_status_check;
ALTER TABLE action_items
    ADD COLUMN reason text NOT NULL DEFAULT '',
    ADD COLUMN updated_by text NOT NULL DEFAULT warroom_actor();
UPDATE action_items SET status = 'wont_do', reason = 'dropped (no reason recorded)' WHERE status = 'dropped';
ALTER TABLE action_items
    ADD CONSTRAINT action_items_status_check CHECK (status IN ('open', 'in_progress', 'done', 'wont_do')),
    ADD CONSTRAINT action_items_wont_do_reason CHECK (status <> 'wont_do' OR btrim(reason) <> '');
CREATE TRIGGER identity_insert BEFORE INSERT ON action_items
    FOR EACH ROW EXECUTE FUNCTION warroom_stamp_identity('updated_by', 'editor');
CREATE TRIGGER identity_update BEFORE UPDATE ON action_items
    FOR EACH ROW WHEN (NEW.updated_by IS DISTINCT FROM OLD.updated_by)
    EXECUTE FUNCTION warroom_stamp_identity('updated_by', 'editor');
SELECT warroom_protect_table('remediation_measures', ARRAY['commander', 'engineer']);
SELECT warroom_protect_table('action_items', ARRAY['commander', 'engineer']);

-- +goose Down
SELECT warroom_protect_table('remediation_measures', ARRAY['commander']);
SELECT warroom_protect_table('action_items', ARRAY['commander']);
REVOKE INSERT, UPDATE ON remediation_measures, action_items FROM warroom_engineer;
DROP TRIGGER identity_insert ON action_items;
DROP TRIGGER identity_update ON action_items;
ALTER TABLE action_items DROP CONSTRAINT action_items_wont_do_reason, DROP CONSTRAINT action_items_status_check;
UPDATE action_items SET status = 'dropped' WHERE status = 'wont_do';
ALTER TABLE action_items DROP COLUMN reason, DROP COLUMN updated_by,
    ADD CONSTRAINT action_items_status_check CHECK (status IN ('open', 'in_progress', 'done', 'dropped'));
DROP FUNCTION warroom_next_update_due(bigint), warroom_assign_role(bigint, text, text),
    warroom_set_incident_severity(bigint, text, text, integer), warroom_set_incident_status(bigint, text, text, integer),
    warroom_declare_incident(text, text, text, timestamptz, text, text), warroom_lock_incident(bigint, integer),
    warroom_require_incident_command(bigint, text), warroom_incident_commander(bigint);
DROP TRIGGER no_delete ON incident_roles;
DROP TABLE incident_roles;
DROP TRIGGER guard_lifecycle_entry ON timeline_entries;
DROP FUNCTION warroom_guard_lifecycle_entry();
DROP INDEX timeline_entries_updates;
ALTER TABLE timeline_entries DISABLE TRIGGER guard_void;
UPDATE timeline_entries SET kind = 'note' WHERE kind IN ('update', 'declared', 'status', 'severity', 'role');
ALTER TABLE timeline_entries ENABLE TRIGGER guard_void;
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_update_next, DROP CONSTRAINT timeline_entries_update_audience,
    DROP COLUMN next_update_at, DROP COLUMN audience, DROP CONSTRAINT timeline_entries_kind_check,
    ADD CONSTRAINT timeline_entries_kind_check CHECK (kind IN ('window', 'outage', 'restore', 'recovery',
        'rehearsal', 'cutover', 'comms', 'note'));
REVOKE UPDATE (title, summary, time_zone, updated_at, updated_by) ON incidents FROM warroom_commander;
GRANT INSERT, UPDATE ON incidents TO warroom_commander;
DROP TRIGGER identity_update ON incidents;
ALTER TABLE incidents DROP CONSTRAINT incidents_status_check, DROP COLUMN updated_at, DROP COLUMN updated_by,
    ALTER COLUMN status SET DEFAULT 'open';
UPDATE incidents SET status = 'open' WHERE status IN ('investigating', 'identified');
ALTER TABLE incidents ADD CONSTRAINT incidents_status_check CHECK (status IN ('open', 'monitoring', 'resolved'));
