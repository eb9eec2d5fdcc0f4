-- Identity from the login (issue 10, SECURITY.md "Identity"): the columns
-- that say who wrote a row are the session's person, set by the database,
-- and the kept records are insert-only.
--
-- Who may name someone else: superusers (the embedded server's `--as`, which
-- warroom_actor honours for them) and the schema owner, which the demo
-- loader writes history as and the approved operations run as (an approved
-- payout is the requester's). warroom_privileged() says which.

-- +goose Up

-- +goose StatementBegin
-- BEFORE INSERT and BEFORE UPDATE, FOR EACH ROW, on tables written a row or
-- a few at a time. TG_ARGV[0] is the column; TG_ARGV[1] says what it means:
--   'creator': who wrote the row. Set on insert, never changed after.
--   'editor':  who changed the row last. Each change may name only its writer.
-- An empty or NULL name becomes the writer's; a name that is not theirs is
-- refused. Not SECURITY DEFINER: everything it reads, any login may read.
CREATE FUNCTION warroom_stamp_identity() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    col  text := TG_ARGV[0];
    me   text := warroom_actor();
    who  text := to_jsonb(NEW) ->> col;
BEGIN
    IF TG_OP = 'UPDATE' AND TG_ARGV[1] = 'creator' THEN
        IF warroom_privileged() THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '%.% names who wrote the row and does not change (from % to %)',
            TG_TABLE_NAME, col, to_jsonb(OLD) ->> col, who
            USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME, COLUMN = col;
    END IF;
    IF who IS NULL OR btrim(who) = '' THEN
        RETURN jsonb_populate_record(NEW, jsonb_build_object(col, me));
    END IF;
    IF who = me OR warroom_privileged() THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '%.% must be the login''s own name: % may not write as %', TG_TABLE_NAME, col, me, who
        USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME, COLUMN = col,
              HINT = 'leave it out: the database fills in who you are';
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
            ('timeline_entries', 'author', 'creator'),
            ('milestones', 'updated_by', 'editor'),
            ('milestone_updates', 'author', 'creator'),
            ('plan_changes', 'changed_by', 'creator'),
            ('margin_rates', 'set_by', 'creator'),
            ('sales_imports', 'imported_by', 'creator'),
            ('merchant_imports', 'imported_by', 'creator')) v(tab, col, kind)
             WHERE to_regclass('public.' || tab) IS NOT NULL LOOP
        -- Superusers acting as someone (`--as`) get that name, not their login's.
        EXECUTE format('ALTER TABLE public.%I ALTER COLUMN %I SET DEFAULT warroom_actor()', t.tab, t.col);
        EXECUTE format('CREATE TRIGGER identity_insert BEFORE INSERT ON public.%I
            FOR EACH ROW EXECUTE FUNCTION warroom_stamp_identity(%L, %L)', t.tab, t.col, t.kind);
        EXECUTE format('CREATE TRIGGER identity_update BEFORE UPDATE ON public.%I
            FOR EACH ROW WHEN (NEW.%I IS DISTINCT FROM OLD.%I)
            EXECUTE FUNCTION warroom_stamp_identity(%L, %L)', t.tab, t.col, t.col, t.col, t.kind);
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Payouts arrive a million at a time (pay-run, the bench): one check per
-- statement over the transition table, no per-row trigger (a BEFORE ROW
-- trigger would also end COPY's batching). created_by keeps its cheap
-- default, session_user, which is the writer's own name for every login
-- the check applies to; an explicit NULL is refused by NOT NULL. Payouts
-- refuse UPDATE outright (00003), so only inserts are checked.
CREATE FUNCTION warroom_payouts_identity() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    me  text;
    bad text;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    me := warroom_actor();
    SELECT n.created_by INTO bad FROM new_rows n WHERE n.created_by <> me LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'payouts.created_by must be the login''s own name: % may not write as %', me, bad
            USING ERRCODE = 'insufficient_privilege', TABLE = 'payouts', COLUMN = 'created_by',
                  HINT = 'leave it out: the database fills in who you are';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER identity AFTER INSERT ON payouts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_payouts_identity();

-- +goose StatementBegin
-- The kept records: once written, a row is the record. DELETE and TRUNCATE
-- are already refused (warroom_protect_table); UPDATE is refused here for
-- everyone but a superuser, whom nothing in the database can stop anyway.
CREATE FUNCTION warroom_insert_only() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF NOT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) THEN
        RAISE EXCEPTION '% is a kept record and insert-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['timeline_entry_versions', 'milestone_updates', 'plan_changes', 'margin_rates'] LOOP
        IF to_regclass('public.' || t) IS NOT NULL THEN
            EXECUTE format('CREATE TRIGGER insert_only BEFORE UPDATE ON public.%I
                FOR EACH STATEMENT EXECUTE FUNCTION warroom_insert_only()', t);
            EXECUTE format('REVOKE UPDATE ON public.%I FROM warroom_commander, warroom_engineer, warroom_finance', t);
        END IF;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- 00002's keeper of earlier versions, now the only writer of
-- timeline_entry_versions: as the schema owner, so no login needs (or has)
-- INSERT there and nobody can file a forged "earlier version".
CREATE OR REPLACE FUNCTION warroom_keep_entry_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
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
REVOKE INSERT ON timeline_entry_versions FROM warroom_commander, warroom_engineer, warroom_finance;
REVOKE EXECUTE ON FUNCTION warroom_keep_entry_version(), warroom_payouts_identity(), warroom_insert_only(),
    warroom_stamp_identity() FROM PUBLIC;

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_keep_entry_version() RETURNS trigger LANGUAGE plpgsql AS $$
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
GRANT EXECUTE ON FUNCTION warroom_keep_entry_version() TO PUBLIC;
GRANT INSERT, UPDATE ON timeline_entry_versions, milestone_updates TO warroom_commander, warroom_engineer;
GRANT UPDATE ON plan_changes TO warroom_commander;
-- +goose StatementBegin
DO $$
DECLARE
    t record;
BEGIN
    IF to_regclass('public.margin_rates') IS NOT NULL THEN
        GRANT UPDATE ON margin_rates TO warroom_commander, warroom_finance;
    END IF;
    FOR t IN SELECT tgrelid::regclass AS rel, tgname FROM pg_trigger
             WHERE tgname IN ('identity_insert', 'identity_update', 'insert_only', 'identity')
               AND tgfoid IN ('warroom_stamp_identity()'::regprocedure, 'warroom_insert_only()'::regprocedure,
                              'warroom_payouts_identity()'::regprocedure) LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
    END LOOP;
END $$;
-- +goose StatementEnd
ALTER TABLE timeline_entries ALTER COLUMN author SET DEFAULT session_user;
ALTER TABLE milestones ALTER COLUMN updated_by SET DEFAULT session_user;
ALTER TABLE milestone_updates ALTER COLUMN author SET DEFAULT session_user;
DROP FUNCTION warroom_insert_only, warroom_payouts_identity, warroom_stamp_identity;
