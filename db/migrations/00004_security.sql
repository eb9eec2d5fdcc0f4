-- Least privilege and a tamper-evident audit trail (see SECURITY.md).
--
-- Roles: four NOLOGIN group roles shared by the cluster (role names are
-- cluster-wide; databases are isolated by CONNECT, which `warroom user add`
-- grants per database). Grants do the enforcing, so psql is held to the same
-- rules as the console.
--
-- Audit: every INSERT, UPDATE and DELETE on every public table writes one
-- audit_log row per statement (who, when, what, before and after), in the
-- same transaction. At commit a deferred trigger chains each row into
-- audit_chain by SHA-256; audit_log and audit_chain refuse UPDATE, DELETE
-- and TRUNCATE even for their owner. A superuser can disable triggers:
-- `warroom audit verify` is what catches that.

-- +goose Up

-- +goose StatementBegin
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['warroom_commander', 'warroom_engineer', 'warroom_finance', 'warroom_viewer'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database on this cluster created it a moment ago
            END;
        END IF;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Superusers (the embedded single-user server) may name who they act as;
-- anyone else is their login, whatever warroom.actor says, so a shared
-- database cannot be written to in someone else's name.
CREATE OR REPLACE FUNCTION warroom_actor() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user)
                THEN COALESCE(NULLIF(current_setting('warroom.actor', true), ''), session_user::text)
                ELSE session_user::text END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Whether the session's login holds a warroom role ('commander', ...).
-- Superusers hold every role: they bypass grants anyway.
CREATE FUNCTION warroom_has_role(role text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user), false)
        OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'warroom_' || role)
            AND pg_catalog.pg_has_role(session_user, 'warroom_' || role, 'MEMBER'))
$$;
-- +goose StatementEnd

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT statement_timestamp(),
    txid        bigint NOT NULL DEFAULT txid_current(),
    login       text NOT NULL DEFAULT session_user,   -- who really connected
    actor       text NOT NULL DEFAULT warroom_actor(), -- who they act as (same unless superuser)
    table_name  text NOT NULL,
    op          text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
    incident_id bigint,  -- when every row touched belongs to one incident
    rows        bigint NOT NULL CHECK (rows > 0),
    -- JSON arrays of the rows before and after the statement; above
    -- warroom_audit_detail_rows rows, {"rows": n, "digest": ...} instead.
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_incident ON audit_log (incident_id, id);
CREATE INDEX audit_log_txid ON audit_log (txid);

-- +goose StatementBegin
-- True inside the schema owner's SECURITY DEFINER functions (approved
-- operations) and for superusers: the only contexts allowed past the
-- high-risk guards.
CREATE FUNCTION warroom_privileged() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false)
        OR pg_catalog.pg_has_role(current_user,
               (SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER')
$$;
-- +goose StatementEnd

-- Commit order and hashes: hash(n) = sha256(hash(n-1) || canonical row n).
CREATE TABLE audit_chain (
    seq      bigint PRIMARY KEY CHECK (seq > 0),
    audit_id bigint NOT NULL UNIQUE REFERENCES audit_log (id),
    hash     bytea NOT NULL CHECK (length(hash) = 32)
);

-- The chain's head, locked by each committing writer: appends are serialised
-- (only for the moment of commit, see warroom_audit_chain). Derived data;
-- verification walks audit_chain and does not trust it.
CREATE TABLE audit_head (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    seq  bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- +goose StatementBegin
-- The text a chain hash covers. access.Verify rebuilds it in Go from the
-- columns: keep the two in step.
CREATE FUNCTION warroom_audit_canonical(seq bigint, a audit_log) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(chr(31), seq::text, a.id::text, a.txid::text,
        ((extract(epoch FROM a.at) * 1000000)::bigint)::text, a.login, a.actor, a.table_name, a.op,
        COALESCE(a.incident_id::text, ''), a.rows::text, COALESCE(a.before::text, ''), COALESCE(a.after::text, ''))
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Runs at commit, once per audit row of the committing transaction, in the
-- order they were written. Locking the head row here rather than when the
-- row is written keeps an idle open transaction from stalling every other
-- writer. Under REPEATABLE READ a concurrent append makes this a
-- serialization failure (retry), never a fork of the chain.
CREATE FUNCTION warroom_audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    h  record;
    nh bytea;
BEGIN
    SELECT seq, hash INTO h FROM audit_head FOR UPDATE;
    nh := sha256(h.hash || convert_to(warroom_audit_canonical(h.seq + 1, NEW), 'UTF8'));
    INSERT INTO audit_chain (seq, audit_id, hash) VALUES (h.seq + 1, NEW.id, nh);
    UPDATE audit_head SET seq = h.seq + 1, hash = nh;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER chain AFTER INSERT ON audit_log
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION warroom_audit_chain();

-- +goose StatementBegin
CREATE FUNCTION warroom_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;
-- +goose StatementEnd

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_append_only();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_chain
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_append_only();
CREATE TRIGGER append_only BEFORE DELETE OR TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_append_only();

-- +goose StatementBegin
-- Rows kept in full per statement; bigger statements (a million-row COPY)
-- keep a count and an order-independent digest instead (SECURITY.md).
CREATE FUNCTION warroom_audit_detail_rows() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 1000';
-- +goose StatementEnd

-- +goose StatementBegin
-- One audit row per statement, from its transition tables. SECURITY DEFINER
-- so nobody needs (or gets) INSERT on audit_log: audit rows cannot be forged.
CREATE FUNCTION warroom_audit_statement() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
-- Fixed so the JSON and the digests of timestamps read the same whoever writes.
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    rel   text;
    n     bigint;
    body  jsonb;
    lo    bigint;
    hi    bigint;
    imin  bigint;
    imax  bigint;
    bef   jsonb;
    aft   jsonb;
    incol text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    inc   text;
BEGIN
    -- The incident a statement belongs to, for tables that say.
    inc := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = incol
                             AND NOT attisdropped) THEN format('x.%I', incol) ELSE 'NULL::bigint' END;
    FOREACH rel IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows']
                                    WHEN 'DELETE' THEN ARRAY['old_rows']
                                    ELSE ARRAY['old_rows', 'new_rows'] END LOOP
        EXECUTE format('SELECT count(*) FROM %I', rel) INTO n;
        IF n = 0 THEN
            RETURN NULL; -- the statement changed nothing
        END IF;
        IF n <= warroom_audit_detail_rows() THEN
            EXECUTE format('SELECT jsonb_agg(to_jsonb(x)), min(%s), max(%s) FROM %I x', inc, inc, rel)
                INTO body, lo, hi;
        ELSE
            -- Order-independent: the sum of each row's (truncated) MD5.
            EXECUTE format($q$SELECT jsonb_build_object('rows', count(*), 'digest',
                    'sum-md5-60:' || sum(('x' || substr(md5(x::text), 1, 15))::bit(60)::bigint)::text),
                min(%s), max(%s) FROM %I x$q$, inc, inc, rel) INTO body, lo, hi;
        END IF;
        IF rel = 'old_rows' THEN bef := body; ELSE aft := body; END IF;
        imin := LEAST(imin, lo);
        imax := GREATEST(imax, hi);
    END LOOP;
    INSERT INTO audit_log (table_name, op, incident_id, rows, before, after)
    VALUES (TG_TABLE_NAME, TG_OP, CASE WHEN imin = imax THEN imin END, n, bef, aft);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- No hard deletes of incident data: void instead. Superusers are let
-- through (they can disable any trigger anyway, and the audit still records
-- the deleted rows); TRUNCATE, which has no rows to audit, never is.
CREATE FUNCTION warroom_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       OR NOT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) THEN
        RAISE EXCEPTION '% refused on %: incident data is never deleted (void it instead)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Puts a table under the rules: audit triggers, no deletes, SELECT for every
-- warroom role and INSERT/UPDATE for the writers named ('commander',
-- 'engineer', 'finance'). Migrations that add a table call it:
--     SELECT warroom_protect_table('my_table', ARRAY['commander', 'finance']);
-- Re-running it on a table replaces its triggers and adds grants.
CREATE FUNCTION warroom_protect_table(t regclass, writers text[] DEFAULT ARRAY['commander'])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    w   text;
    seq regclass;
BEGIN
    IF t IN ('audit_log'::regclass, 'audit_chain'::regclass, 'audit_head'::regclass) THEN
        RAISE EXCEPTION 'the audit tables protect themselves';
    END IF;
    FOR w IN SELECT tgname FROM pg_trigger WHERE tgrelid = t
             AND tgname IN ('audit_insert', 'audit_update', 'audit_delete', 'no_delete') LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', w, t);
    END LOOP;
    EXECUTE format('CREATE TRIGGER audit_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION warroom_audit_statement()', t);
    EXECUTE format('CREATE TRIGGER audit_update AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION warroom_audit_statement()', t);
    EXECUTE format('CREATE TRIGGER audit_delete AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION warroom_audit_statement()', t);
    EXECUTE format('CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON %s
        FOR EACH STATEMENT EXECUTE FUNCTION warroom_refuse_delete()', t);
    EXECUTE format('REVOKE ALL ON %s FROM PUBLIC', t);
    EXECUTE format('GRANT SELECT ON %s TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer', t);
    FOREACH w IN ARRAY COALESCE(writers, ARRAY[]::text[]) LOOP
        IF w NOT IN ('commander', 'engineer', 'finance') THEN
            RAISE EXCEPTION 'writer role %: use commander, engineer or finance', w;
        END IF;
        EXECUTE format('GRANT INSERT, UPDATE ON %s TO %I', t, 'warroom_' || w);
        FOR seq IN SELECT d.objid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                   WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                     AND d.refobjid = t AND s.relkind = 'S' AND d.deptype IN ('a', 'i') LOOP
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', seq, 'warroom_' || w);
        END LOOP;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Every table of migrations 00001-00003, by name: a shared database's
-- public schema may hold other applications' tables, which are not ours to
-- guard. Later migrations protect their own tables. Writers by concern:
-- engineers keep the timeline and the restore plan, finance the money,
-- commanders everything.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.oid::regclass AS rel, c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
               AND c.relname IN ('action_items', 'claims', 'contributions', 'contributors', 'findings',
                   'funds', 'incidents', 'margin_rates', 'merchant_imports', 'merchants',
                   'milestone_updates', 'milestones', 'payouts', 'people', 'plan_changes',
                   'remediation_measures', 'sales_imports', 'sales_totals', 'timeline_entries',
                   'timeline_entry_versions')
             ORDER BY c.relname LOOP
        PERFORM warroom_protect_table(t.rel, CASE
            WHEN t.relname IN ('timeline_entries', 'timeline_entry_versions', 'milestones', 'milestone_updates')
                THEN ARRAY['commander', 'engineer']
            WHEN t.relname IN ('incidents', 'people', 'findings', 'remediation_measures', 'action_items', 'plan_changes')
                THEN ARRAY['commander']
            ELSE ARRAY['commander', 'finance'] END);
    END LOOP;
    FOR t IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm') AND c.relname IN ('current_margin_rates') LOOP
        EXECUTE format('GRANT SELECT ON %s TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer', t.rel);
    END LOOP;
END $$;
-- +goose StatementEnd

-- Every console checks the schema version at start: logins must read it.
GRANT SELECT ON warroom_schema_version
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- Everyone may read the audit trail; only the definer functions write it.
REVOKE ALL ON audit_log, audit_chain, audit_head FROM PUBLIC;
GRANT SELECT ON audit_log, audit_chain, audit_head
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
REVOKE EXECUTE ON FUNCTION warroom_audit_statement(), warroom_audit_chain(), warroom_protect_table(regclass, text[])
    FROM PUBLIC;

-- +goose StatementBegin
-- Logins get in only where `warroom user add` granted CONNECT. Needs the
-- database's owner; otherwise the operator does it (SECURITY.md).
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'not the database owner: revoke CONNECT from PUBLIC by hand';
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT tgrelid::regclass FROM pg_trigger WHERE tgname = 'audit_insert' LOOP
        EXECUTE format('DROP TRIGGER audit_insert ON %s', t);
        EXECUTE format('DROP TRIGGER audit_update ON %s', t);
        EXECUTE format('DROP TRIGGER audit_delete ON %s', t);
        EXECUTE format('DROP TRIGGER no_delete ON %s', t);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP TABLE audit_chain, audit_head, audit_log;
DROP FUNCTION warroom_protect_table, warroom_refuse_delete, warroom_audit_statement,
    warroom_audit_detail_rows, warroom_append_only, warroom_audit_chain, warroom_audit_canonical,
    warroom_has_role, warroom_privileged;
