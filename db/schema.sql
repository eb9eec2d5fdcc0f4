-- db/schema.sql: the schema every migration in db/migrations/ builds, as
-- pg_dump --schema-only (PostgreSQL 15) prints it from a freshly migrated
-- database: the current definition of every table, view, function, trigger
-- and grant, in one place. Generated, never edited: after changing a
-- migration run
--     go test ./db -run TestSchemaFileIsCurrent -update
-- (or WARROOM_UPDATE_SCHEMA=1 go test ./db -run TestSchemaFileIsCurrent);
-- the test fails with a diff while this file is stale. The migrations stay
-- the source of truth; this file is for reading.

--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: warroom_actor(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_actor() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = public.warroom_login())
                THEN COALESCE(NULLIF(current_setting('warroom.actor', true), ''), public.warroom_login())
                ELSE public.warroom_login() END
$$;


--
-- Name: warroom_analyze_import(regclass, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_analyze_import(t regclass, p_incident bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    part regclass;
BEGIN
    IF t NOT IN ('public.merchants'::regclass, 'public.sales_totals'::regclass) THEN
        RAISE EXCEPTION 'warroom_analyze_import: % is not an imported table', t USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT has_any_column_privilege(session_user, t, 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table %', t USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- A partitioned table (merchants, 00013): the partition holding the
    -- incident's rows, whose statistics the planner reads once it has
    -- pruned to it; analysing the parent would sample every partition.
    IF (SELECT relkind FROM pg_class WHERE oid = t) = 'p' THEN
        EXECUTE format('SELECT tableoid::regclass FROM %s WHERE incident_id = $1 LIMIT 1', t) INTO part USING p_incident;
        t := COALESCE(part, t);
    END IF;
    EXECUTE format('ANALYZE %s', t);
END $_$;


--
-- Name: warroom_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;


--
-- Name: warroom_approve(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_approve(p_id bigint, p_note text DEFAULT ''::text) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    r   approvals;
    o   warroom_operations;
    me  text := warroom_actor();
    res jsonb;
BEGIN
    SELECT * INTO r FROM approvals WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'approval request % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;
    IF r.state <> 'pending' THEN
        RAISE EXCEPTION 'approval request % is already %', p_id, warroom_word('approval state', r.state)
            USING ERRCODE = 'WR002';
    END IF;
    IF r.expires_at <= now() THEN
        RAISE EXCEPTION 'approval request % expired at %', p_id, r.expires_at
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF me = r.requested_by THEN
        RAISE EXCEPTION '% requested % and cannot approve it: a different person must', me, p_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO o FROM warroom_operations WHERE op = r.op;
    IF NOT warroom_has_any_role(o.approvers) THEN
        RAISE EXCEPTION '% may not approve request % (%): needs the % role', me, p_id, warroom_word('operation', r.op),
            warroom_words_or('role', o.approvers)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('SELECT %s($1)', o.executor::oid::regproc) INTO res USING r;
    UPDATE approvals SET state = 'approved', decided_by = me, decided_at = now(),
        decision_note = btrim(COALESCE(p_note, '')), result = res
    WHERE id = p_id;
    RETURN res;
END $_$;


--
-- Name: warroom_assign_role(bigint, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_assign_role(p_incident bigint, p_role text, p_person text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
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
        RAISE EXCEPTION '% is already % of incident %', v_person, warroom_word('duty role', v_role), inc.slug
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incident_roles r SET ended_at = now()
    WHERE r.incident_id = p_incident AND r.role = v_role AND r.ended_at IS NULL;
    INSERT INTO incident_roles (incident_id, role, person, assigned_by)
    VALUES (p_incident, v_role, v_person, warroom_actor()) RETURNING incident_roles.id INTO id;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'role',
            CASE WHEN v_role = 'commander' AND prev IS NOT NULL THEN format('Command handed from %s to %s', prev, v_person)
                 WHEN prev IS NOT NULL THEN format('%s takes over as %s from %s', v_person, warroom_word('duty role', v_role), prev)
                 ELSE format('%s is %s', v_person, warroom_word('duty role', v_role)) END,
            '', GREATEST(now(), inc.started_at), warroom_actor());
    RETURN id;
END $_$;


--
-- Name: warroom_attach_merchants(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_attach_merchants(p_incident bigint) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET work_mem TO '128MB'
    SET maintenance_work_mem TO '256MB'
    AS $$
DECLARE
    part text := 'merchants_i' || p_incident;
BEGIN
    IF NOT has_any_column_privilege(session_user, 'public.merchants', 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table merchants' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Only a table this transaction staged: one staged earlier could have
    -- been written to, without audit, by its stager after that commit.
    IF to_regclass(format('public.%I', part)) IS NULL
       OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(format('public.%I', part)))
       OR (SELECT xmin FROM pg_class WHERE oid = to_regclass(format('public.%I', part))) <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'no merchants staged for incident % in this transaction', p_incident
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXECUTE format('REVOKE INSERT ON public.%I FROM %I', part, session_user);
    RETURN warroom_attach_partition('public.merchants', part, p_incident, 'industry');
END $$;


--
-- Name: warroom_attach_partition(regclass, text, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_attach_partition(parent regclass, part text, p_incident bigint, extra text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    SET "DateStyle" TO 'ISO, YMD'
    SET "IntervalStyle" TO 'postgres'
    AS $$
DECLARE
    tname  text := (SELECT relname FROM pg_class WHERE oid = parent);
    alter_ text;
    n      bigint;
    body   jsonb;
    lo     bigint;
    hi     bigint;
BEGIN
    SELECT string_agg(format('ALTER %I SET NOT NULL', a.attname), ', ' ORDER BY a.attnum) INTO alter_
    FROM pg_attribute a WHERE a.attrelid = parent AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull;
    SELECT alter_ || COALESCE(', ' || string_agg(format('ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)),
                                                   ', ' ORDER BY c.conname), '')
    INTO alter_ FROM pg_constraint c WHERE c.conrelid = parent AND c.contype = 'c';
    EXECUTE format('ALTER TABLE public.%I %s, ADD CONSTRAINT %I CHECK (incident_id = %s)',
                   part, alter_, part || '_incident', p_incident);
    EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I PRIMARY KEY (id, incident_id), ADD CONSTRAINT %I UNIQUE (incident_id, merchant_id)',
                   part, part || '_pkey', part || '_incident_id_merchant_id_key');
    EXECUTE format('CREATE INDEX %I ON public.%I (incident_id, %I)', part || '_incident_' || extra, part, extra);
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION public.%I FOR VALUES IN (%s)', parent, part, p_incident);
    PERFORM warroom_protect_table(format('public.%I', part)::regclass, ARRAY[]::text[]);
    EXECUTE format('ANALYZE public.%I', part);

    -- The incident is the partition's bound: no need to read it per row.
    EXECUTE warroom_audit_rows_sql(format('public.%I', part), 'NULL::bigint') INTO n, lo, hi, body;
    IF n = 0 THEN
        RETURN 0;
    END IF;
    PERFORM warroom_audit_entry(tname, 'INSERT', p_incident, n, NULL, body);
    PERFORM warroom_notify_rows(tname, 'INSERT', p_incident, n);
    RETURN n;
END $$;


--
-- Name: warroom_login(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_login() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE WHEN pg_catalog.current_setting('role') <> 'none'
                 AND pg_catalog.pg_has_role(session_user, 'warroom_authenticator', 'MEMBER')
           THEN pg_catalog.current_setting('role')
           ELSE session_user::text END
$$;


SET default_table_access_method = heap;

--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT statement_timestamp() NOT NULL,
    txid bigint DEFAULT txid_current() NOT NULL,
    login text DEFAULT public.warroom_login() NOT NULL,
    actor text DEFAULT public.warroom_actor() NOT NULL,
    table_name text NOT NULL,
    op text NOT NULL,
    incident_id bigint,
    rows bigint NOT NULL,
    before jsonb,
    after jsonb,
    CONSTRAINT audit_log_op_check CHECK ((op = ANY (ARRAY['INSERT'::text, 'UPDATE'::text, 'DELETE'::text]))),
    CONSTRAINT audit_log_rows_check CHECK ((rows > 0))
);


--
-- Name: warroom_audit_canonical(bigint, public.audit_log); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_audit_canonical(seq bigint, a public.audit_log) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT concat_ws(chr(31), seq::text, a.id::text, a.txid::text,
        ((extract(epoch FROM a.at) * 1000000)::bigint)::text, a.login, a.actor, a.table_name, a.op,
        COALESCE(a.incident_id::text, ''), a.rows::text, COALESCE(a.before::text, ''), COALESCE(a.after::text, ''))
$$;


--
-- Name: warroom_audit_chain(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_audit_chain() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_audit_detail_rows(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_audit_detail_rows() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$SELECT 1000$$;


--
-- Name: warroom_audit_entry(text, text, bigint, bigint, jsonb, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_audit_entry(p_table text, p_op text, p_incident bigint, p_rows bigint, p_before jsonb, p_after jsonb) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    INSERT INTO public.audit_log (table_name, op, incident_id, rows, before, after)
    VALUES (p_table, p_op, p_incident, p_rows, p_before, p_after)
$$;


--
-- Name: warroom_audit_rows_sql(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_audit_rows_sql(rel text, inc text) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
    SELECT format($q$
        SELECT a.n, a.lo, a.hi,
               CASE WHEN a.n <= public.warroom_audit_detail_rows()
                    THEN (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x)) FROM %1$s x)
                    ELSE pg_catalog.jsonb_build_object('rows', a.n, 'digest', 'sum-hash64:' || a.dig::text) END
        FROM (SELECT count(*) AS n, sum(pg_catalog.hash_record_extended(x, 0::bigint)) AS dig,
                     min(%2$s) AS lo, max(%2$s) AS hi
              FROM %1$s x) a$q$, rel, inc)
$_$;


--
-- Name: warroom_audit_statement(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_audit_statement() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    SET "DateStyle" TO 'ISO, YMD'
    SET "IntervalStyle" TO 'postgres'
    AS $$
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
    inc := CASE
        WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = incol AND NOT attisdropped)
            THEN format('x.%I', incol)
        WHEN TG_TABLE_NAME = 'milestone_updates'
            THEN '(SELECT p.incident_id FROM public.milestones p WHERE p.id = x.milestone_id)'
        WHEN TG_TABLE_NAME = 'contributions'
            THEN '(SELECT p.incident_id FROM public.contributors p WHERE p.id = x.contributor_id)'
        WHEN TG_TABLE_NAME = 'action_items'
            THEN '(SELECT p.incident_id FROM public.remediation_measures p WHERE p.id = x.measure_id)'
        WHEN TG_TABLE_NAME = 'timeline_entry_versions'
            THEN '(SELECT p.incident_id FROM public.timeline_entries p WHERE p.id = x.entry_id)'
        ELSE 'NULL::bigint' END;
    FOREACH rel IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows']
                                    WHEN 'DELETE' THEN ARRAY['old_rows']
                                    ELSE ARRAY['old_rows', 'new_rows'] END LOOP
        EXECUTE warroom_audit_rows_sql(rel, inc) INTO n, lo, hi, body;
        IF n = 0 THEN
            RETURN NULL; -- the statement changed nothing
        END IF;
        IF rel = 'old_rows' THEN bef := body; ELSE aft := body; END IF;
        imin := LEAST(imin, lo);
        imax := GREATEST(imax, hi);
    END LOOP;
    PERFORM warroom_audit_entry(TG_TABLE_NAME, TG_OP, CASE WHEN imin = imax THEN imin END, n, bef, aft);
    RETURN NULL;
END $$;


--
-- Name: warroom_bootstrap(text[], text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_bootstrap(p_names text[], p_verifiers text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    owner oid := (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass);
    i     int;
BEGIN
    IF NOT (COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
            OR pg_has_role(session_user, owner, 'MEMBER')) THEN
        RAISE EXCEPTION '% may not name the first commanders: the owner of the warroom schema (%) does',
            session_user, pg_get_userbyid(owner) USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Two owners running init at once: the second waits, then sees the first's commanders.
    LOCK TABLE warroom_users IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM warroom_users WHERE role = 'commander' AND active AND revoked_at IS NULL) THEN
        RAISE EXCEPTION 'this database has an active commander already: commanders add users (warroom user add)'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF COALESCE(cardinality(p_names), 0) = 0 OR cardinality(p_names) <> COALESCE(cardinality(p_verifiers), -1) THEN
        RAISE EXCEPTION 'name at least one commander, each with a password verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR i IN 1 .. cardinality(p_names) LOOP
        IF p_names[i] IS NULL OR p_names[i] !~ '^[a-z][a-z0-9_]{0,47}$' OR p_names[i] ~ '^(pg_|warroom_)'
           OR p_names[i] IN ('postgres', 'public') THEN
            RAISE EXCEPTION 'user name %: lower-case letters, digits and _, starting with a letter, not pg_ or warroom_', p_names[i]
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF p_verifiers[i] IS NULL OR p_verifiers[i] !~ '^SCRAM-SHA-256\$' THEN
            RAISE EXCEPTION 'password of % must be a SCRAM-SHA-256 verifier', p_names[i] USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_names[i]) THEN
            RAISE EXCEPTION 'a role named % already exists on this server', p_names[i] USING ERRCODE = 'duplicate_object';
        END IF;
        EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', p_names[i], p_verifiers[i]);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_names[i]);
        EXECUTE format('GRANT warroom_commander TO %I', p_names[i]);
        INSERT INTO warroom_users (name, role, active, created_by) VALUES (p_names[i], 'commander', true, session_user);
    END LOOP;
END $_$;


--
-- Name: warroom_build_claims_batch(bigint, numeric, numeric, bigint, bigint, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_build_claims_batch(p_incident bigint, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint, p_every boolean) RETURNS TABLE(written bigint, awaiting bigint, cash_fen bigint)
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    SET "DateStyle" TO 'ISO, YMD'
    SET "IntervalStyle" TO 'postgres'
    AS $_$
DECLARE
    parent text := 'claims_i' || p_incident;
    part   text := format('claims_i%s_m%s', p_incident, p_lo);
    alter_ text;
    n      bigint;
    body   jsonb;
    lo     bigint;
    hi     bigint;
    old_timeout text;
BEGIN
    EXECUTE format($q$
        CREATE TABLE public.%1$I AS
        SELECT nextval('claims_id_seq') AS id, %2$s::bigint AS incident_id, f.merchant_id, NULL::text AS plan,
               CASE WHEN f.cash_fen IS NULL THEN 'awaiting_rate' ELSE 'computed' END AS state,
               COALESCE(f.cash_fen, 0) AS amount_fen, now() AS computed_at,
               NULL::timestamptz AS chosen_at, NULL::timestamptz AS approved_at, NULL::timestamptz AS paid_at,
               now() AS updated_at, 1 AS version, f.baseline_fen, f.rate_id AS margin_rate_id,
               f.percent::numeric(7,4) AS margin_percent, f.cash_fen, 0::bigint AS paid_fen
        FROM (SELECT * FROM warroom_claim_figures(%2$s, NULL, %3$s::numeric, %4$s::numeric, %5$s, %6$s)
              OFFSET 0) f -- computed once per merchant, not once per use
        $q$, part, p_incident, p_outage, p_baseline,
        -- Every merchant of the incident (a first computation): no range,
        -- whose conditions only slowed the plan (2 s in 10 for 1M).
        CASE WHEN p_every THEN 'NULL::bigint' ELSE p_lo::text END, CASE WHEN p_every THEN 'NULL::bigint' ELSE p_hi::text END);

    SELECT string_agg(format('ALTER %I SET NOT NULL', a.attname), ', ' ORDER BY a.attnum) INTO alter_
    FROM pg_attribute a WHERE a.attrelid = 'public.claims'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull;
    SELECT alter_ || COALESCE(', ' || string_agg(format('ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)),
                                                   ', ' ORDER BY c.conname), '')
    INTO alter_ FROM pg_constraint c WHERE c.conrelid = 'public.claims'::regclass AND c.contype = 'c';
    EXECUTE format('ALTER TABLE public.%I %s, ADD CONSTRAINT %I CHECK (incident_id = %s), ADD CONSTRAINT %I CHECK (merchant_id >= %s AND merchant_id < %s)',
                   part, alter_, part || '_incident', p_incident, part || '_merchants', p_lo, p_hi + 1);
    EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I PRIMARY KEY (id, incident_id, merchant_id), ADD CONSTRAINT %I UNIQUE (incident_id, merchant_id)',
                   part, part || '_pkey', part || '_incident_id_merchant_id_key');
    EXECUTE format('CREATE INDEX %I ON public.%I (incident_id, state)', part || '_incident_state', part);
    PERFORM warroom_protect_table(format('public.%I', part)::regclass, ARRAY[]::text[]);
    EXECUTE format('ANALYZE public.%I', part);
    EXECUTE warroom_audit_rows_sql(format('public.%I', part), 'NULL::bigint') INTO n, lo, hi, body;
    EXECUTE format('SELECT count(*) FILTER (WHERE state = ''awaiting_rate''), COALESCE(sum(cash_fen), 0)::bigint
                    FROM public.%I', part) INTO awaiting, cash_fen;
    -- Last: from here to the commit, ATTACH holds the DEFAULT sub-partition
    -- exclusively, and every read of the incident's claims waits. Waiting
    -- for it is bounded: behind a transaction that keeps reading the
    -- incident's claims (an idle session, a long report), every later
    -- reader would queue behind this ATTACH. warroom_compute_claims then
    -- falls back to the INSERT.
    old_timeout := current_setting('lock_timeout');
    PERFORM set_config('lock_timeout', warroom_claims_attach_wait(), true);
    EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%s) TO (%s)', parent, part, p_lo, p_hi + 1);
    PERFORM set_config('lock_timeout', old_timeout, true);
    written := n;
    IF n > 0 THEN
        -- audit_insert, fund_counters_insert (the new claims are computed
        -- or awaiting a rate: none approved or paid), notify_insert.
        PERFORM warroom_audit_entry('claims', 'INSERT', p_incident, n, NULL, body);
        PERFORM warroom_fund_claims_add(p_incident, n, 0, 0);
        PERFORM warroom_notify_rows('claims', 'INSERT', p_incident, n);
    END IF;
    RETURN NEXT;
END $_$;


--
-- Name: warroom_bump_version(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_bump_version() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END $$;


--
-- Name: warroom_cascade_claims(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_cascade_claims() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    DELETE FROM plan_changes p USING old_rows o WHERE p.claim_id = o.id AND p.incident_id = o.incident_id;
    WITH gone AS (
        DELETE FROM payouts p USING old_rows o WHERE p.claim_id = o.id AND p.incident_id = o.incident_id
        RETURNING p.incident_id, p.amount_fen)
    UPDATE funds f SET paid_fen = f.paid_fen - g.fen
    FROM (SELECT incident_id, sum(amount_fen)::bigint AS fen FROM gone GROUP BY incident_id) g
    WHERE f.incident_id = g.incident_id;
    RETURN NULL;
END $$;


--
-- Name: warroom_cascade_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_cascade_delete() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_TABLE_NAME = 'incidents' THEN
        DELETE FROM claims c USING old_rows o WHERE c.incident_id = o.id;
        DELETE FROM merchants m USING old_rows o WHERE m.incident_id = o.id;
    ELSE
        DELETE FROM claims c USING old_rows o WHERE c.merchant_id = o.id AND c.incident_id = o.incident_id;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_cash_fen(bigint, numeric, numeric, numeric); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_cash_fen(sales_fen bigint, margin_percent numeric, outage numeric, baseline numeric) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT div(2 * sales_fen::numeric * margin_percent * outage + 100 * baseline, 200 * baseline)::bigint
$$;


--
-- Name: warroom_check_claim_move(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_check_claim_move() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM 1 FROM merchants WHERE id = NEW.merchant_id AND incident_id = NEW.incident_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update on table "claims" violates foreign key: merchant % does not exist in the claim''s incident',
            NEW.merchant_id USING ERRCODE = 'foreign_key_violation', TABLE = 'claims', CONSTRAINT = 'claims_merchant_id_fkey';
    END IF;
    RETURN NEW;
END $$;


--
-- Name: warroom_check_claim_refs(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_check_claim_refs() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    want bigint;
    got  bigint;
    bad  record;
    incs bigint[];
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        PERFORM 1 FROM claims c JOIN (SELECT DISTINCT incident_id, claim_id FROM new_rows) n
            ON c.id = n.claim_id AND c.incident_id = n.incident_id FOR KEY SHARE OF c;
    END IF;
    SELECT count(*), array_agg(DISTINCT incident_id) INTO want, incs FROM new_rows;
    -- The incidents as a literal, so the plan reads only their partitions.
    EXECUTE format('SELECT count(*) FROM new_rows n JOIN claims c
        ON c.id = n.claim_id AND c.incident_id = n.incident_id
        WHERE c.incident_id = ANY (%L::bigint[])', incs) INTO got;
    IF got <> want THEN
        SELECT n.incident_id, n.claim_id INTO bad FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.id = n.claim_id AND c.incident_id = n.incident_id) LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key: claim % of incident % does not exist',
            TG_TABLE_NAME, bad.claim_id, bad.incident_id USING ERRCODE = 'foreign_key_violation',
            TABLE = TG_TABLE_NAME, CONSTRAINT = TG_TABLE_NAME || '_claim_id_fkey';
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_check_ref_row(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_check_ref_row() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    tab text := COALESCE(TG_ARGV[0], TG_TABLE_NAME);
BEGIN
    PERFORM 1 FROM incidents WHERE id = NEW.incident_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update on table "%" violates foreign key: incident % does not exist',
            tab, NEW.incident_id USING ERRCODE = 'foreign_key_violation', TABLE = tab,
            CONSTRAINT = tab || '_incident_id_fkey';
    END IF;
    IF tab = 'claims' THEN
        PERFORM 1 FROM merchants WHERE id = NEW.merchant_id FOR KEY SHARE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'update on table "claims" violates foreign key: merchant % does not exist', NEW.merchant_id
                USING ERRCODE = 'foreign_key_violation', TABLE = 'claims', CONSTRAINT = 'claims_merchant_id_fkey';
        END IF;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_check_refs(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_check_refs() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bad  bigint;
    want bigint;
    got  bigint;
    incs bigint[];
BEGIN
    -- The incidents named, locked as a foreign key locks its parent row.
    SELECT count(*) INTO want FROM (SELECT DISTINCT incident_id FROM new_rows) d;
    SELECT count(*) INTO got FROM (SELECT 1 FROM incidents i
        WHERE i.id IN (SELECT DISTINCT incident_id FROM new_rows) FOR KEY SHARE) l;
    IF got <> want THEN
        SELECT n.incident_id INTO bad FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = n.incident_id) LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "%" violates foreign key: incident % does not exist',
            TG_TABLE_NAME, bad USING ERRCODE = 'foreign_key_violation', TABLE = TG_TABLE_NAME,
            CONSTRAINT = TG_TABLE_NAME || '_incident_id_fkey';
    END IF;
    IF TG_TABLE_NAME = 'claims' THEN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
            PERFORM 1 FROM merchants m WHERE m.id IN (SELECT merchant_id FROM new_rows) FOR KEY SHARE;
        END IF;
        -- Fast path, scaled to the statement and not to the table: every
        -- claim's merchant found among its own incident's merchants (ids
        -- are unique, so the counts match only if all are). Otherwise the
        -- exact check below decides.
        -- The incidents go in as a literal so the plan reads only theirs.
        SELECT count(*), array_agg(DISTINCT incident_id) INTO want, incs FROM new_rows;
        EXECUTE format('SELECT count(*) FROM new_rows n JOIN merchants m
            ON m.id = n.merchant_id AND m.incident_id = n.incident_id
            WHERE m.incident_id = ANY (%L::bigint[])', incs) INTO got;
        IF got = want THEN
            RETURN NULL;
        END IF;
        -- Some claim's merchant is missing, or belongs to another incident
        -- (which UNIQUE (merchant_id) used to stop from becoming a second
        -- claim of one merchant; the key is (incident_id, merchant_id) now).
        SELECT n.merchant_id INTO bad FROM new_rows n
        WHERE NOT EXISTS (SELECT 1 FROM merchants m WHERE m.id = n.merchant_id AND m.incident_id = n.incident_id) LIMIT 1;
        RAISE EXCEPTION 'insert or update on table "claims" violates foreign key: merchant % does not exist in the claim''s incident', bad
            USING ERRCODE = 'foreign_key_violation', TABLE = 'claims', CONSTRAINT = 'claims_merchant_id_fkey';
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_claim_figures(bigint, text, numeric, numeric); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) RETURNS TABLE(merchant_id bigint, baseline_fen bigint, rate_id bigint, percent numeric, cash_fen bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT * FROM public.warroom_claim_figures(p_incident, p_industry, p_outage, p_baseline, NULL::bigint, NULL::bigint)
$$;


--
-- Name: warroom_claim_figures(bigint, text, numeric, numeric, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint) RETURNS TABLE(merchant_id bigint, baseline_fen bigint, rate_id bigint, percent numeric, cash_fen bigint)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    SELECT m.id, COALESCE(s.fen, 0), r.id, r.percent,
           public.warroom_cash_fen(COALESCE(s.fen, 0), r.percent, p_outage, p_baseline)
    FROM public.merchants m
    LEFT JOIN (SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM public.sales_totals t
               WHERE t.incident_id = p_incident
                 AND (p_lo IS NULL OR t.merchant_id BETWEEN p_lo AND p_hi)
                 AND (p_industry IS NULL OR t.merchant_id IN (
                      SELECT i.id FROM public.merchants i WHERE i.incident_id = p_incident AND i.industry = p_industry))
               GROUP BY t.merchant_id) s ON s.merchant_id = m.id
    LEFT JOIN (SELECT c.id, c.industry, c.percent FROM public.current_margin_rates c
               WHERE c.incident_id = p_incident) r ON r.industry = m.industry
    WHERE m.incident_id = p_incident AND (p_industry IS NULL OR m.industry = p_industry)
      AND (p_lo IS NULL OR m.id BETWEEN p_lo AND p_hi)
$$;


--
-- Name: warroom_claims_attach_wait(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_claims_attach_wait() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
    SELECT CASE WHEN current_setting('warroom.claims_attach_wait', true) ~ '^[0-9]{1,6}(ms|s)$'
                     AND (SELECT r.rolsuper OR pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER')
                          FROM pg_roles r WHERE r.rolname = session_user)
                THEN current_setting('warroom.claims_attach_wait') ELSE '2s' END
$_$;


--
-- Name: warroom_claims_counters(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_claims_counters() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM warroom_fund_claims_add(incident_id, count(*),
            COALESCE(sum(GREATEST(amount_fen - paid_fen, 0)) FILTER (WHERE state = 'approved'), 0)::bigint,
            count(*) FILTER (WHERE state = 'paid'))
        FROM new_rows GROUP BY incident_id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM warroom_fund_claims_add(incident_id, -count(*),
            -COALESCE(sum(GREATEST(amount_fen - paid_fen, 0)) FILTER (WHERE state = 'approved'), 0)::bigint,
            -count(*) FILTER (WHERE state = 'paid'))
        FROM old_rows GROUP BY incident_id;
    ELSE
        PERFORM warroom_fund_claims_add(d.incident_id, 0, d.committed, d.paid)
        FROM (SELECT incident_id, sum(committed)::bigint AS committed, sum(paid)::bigint AS paid
              FROM (SELECT incident_id,
                           CASE WHEN state = 'approved' THEN GREATEST(amount_fen - paid_fen, 0) ELSE 0 END AS committed,
                           CASE WHEN state = 'paid' THEN 1 ELSE 0 END AS paid
                    FROM new_rows
                    UNION ALL
                    SELECT incident_id,
                           CASE WHEN state = 'approved' THEN -GREATEST(amount_fen - paid_fen, 0) ELSE 0 END,
                           CASE WHEN state = 'paid' THEN -1 ELSE 0 END
                    FROM old_rows) x
              GROUP BY incident_id) d
        WHERE d.committed <> 0 OR d.paid <> 0;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_claims_incident_table(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_claims_incident_table(p_incident bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    part text := 'claims_i' || p_incident;
BEGIN
    EXECUTE format('CREATE TABLE public.%I (LIKE public.claims INCLUDING CONSTRAINTS) PARTITION BY RANGE (merchant_id)', part);
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I DEFAULT', part || '_default', part);
    PERFORM warroom_protect_table(format('public.%I', part)::regclass, ARRAY[]::text[]);
    PERFORM warroom_protect_table(format('public.%I', part || '_default')::regclass, ARRAY[]::text[]);
END $$;


--
-- Name: warroom_claims_trusted(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_claims_trusted() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT current_setting('warroom.computing_claims', true) IS NOT DISTINCT FROM 'on'
       AND current_setting('transaction_isolation') = 'read committed'
       AND public.warroom_privileged()
$$;


--
-- Name: warroom_compute_claims(bigint, text, numeric, numeric); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) RETURNS TABLE(written bigint, awaiting bigint, cash_fen bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET jit TO 'off'
    SET work_mem TO '128MB'
    SET maintenance_work_mem TO '256MB'
    SET enable_nestloop TO 'off'
    AS $_$
DECLARE
    figures text := format('warroom_claim_figures(%s, %L, %s::numeric, %s::numeric)',
                           p_incident, p_industry, p_outage, p_baseline);
    n    bigint;
    aw   bigint;
    ca   bigint;
    part regclass;
    parts regclass[];
    mine text := 'claims_i' || p_incident;
    bulk boolean;
    least_n bigint := 10000;
    top  bigint;
    have bigint;
    below bigint;
    above bigint;
    lo   bigint;
    hi   bigint;
BEGIN
    IF NOT has_any_column_privilege(session_user, 'public.claims', 'INSERT')
       OR NOT has_any_column_privilege(session_user, 'public.claims', 'UPDATE') THEN
        RAISE EXCEPTION 'permission denied for table claims' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- ROW EXCLUSIVE on claims, as the INSERT below takes, but before its
    -- snapshot: it queues behind a superuser's delete of merchants
    -- (warroom_lock_children), so the merchants read below are the ones
    -- left after it (what lets warroom_claims_trusted skip the reference
    -- check). The incident locked as a foreign key would.
    LOCK TABLE claims IN ROW EXCLUSIVE MODE;
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- An incident whose claims are partitioned by merchant (00032): one
    -- computation of its claims at a time, so that two never both build or
    -- insert claims for the same new merchants (claims_merchant_id_key is
    -- the backstop). A lock no login can take (it needs more than SELECT
    -- on the partition), taken before anything is read; under READ
    -- COMMITTED the statements below then see what the other committed.
    bulk := (SELECT c.relkind = 'p' FROM pg_class c WHERE c.oid = to_regclass(format('public.%I', mine)));
    IF bulk THEN
        EXECUTE format('LOCK TABLE public.%I IN SHARE UPDATE EXCLUSIVE MODE', mine);
    END IF;
    written := 0; awaiting := 0; cash_fen := 0;
    -- Set here, not as a SET clause of the function: a placeholder setting
    -- in a SET clause needs a superuser to create the function, and a
    -- shared database's owner need not be one. Reset before returning; an
    -- error rolls it back with the (sub)transaction.
    PERFORM set_config('warroom.computing_claims', 'on', true);

    IF EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = p_incident
               AND c.state IN ('awaiting_rate', 'computed', 'chosen')) THEN
        EXECUTE format($q$
            WITH n AS MATERIALIZED (
                SELECT f.merchant_id, f.baseline_fen, f.rate_id, f.percent, f.cash_fen AS cash, c.id AS claim_id
                FROM %2$s f JOIN claims c ON c.merchant_id = f.merchant_id AND c.incident_id = %1$s
                WHERE c.state IN ('awaiting_rate', 'computed', 'chosen')
                  AND ((c.state = 'awaiting_rate') IS DISTINCT FROM (f.cash_fen IS NULL AND c.plan IS NULL)
                       OR (c.baseline_fen, c.margin_rate_id, c.cash_fen)
                          IS DISTINCT FROM (f.baseline_fen, f.rate_id, f.cash_fen))
                ORDER BY f.merchant_id),
            upd AS (
                UPDATE claims c SET
                    baseline_fen = n.baseline_fen, margin_rate_id = n.rate_id,
                    margin_percent = n.percent, cash_fen = n.cash,
                    state = CASE WHEN c.state = 'chosen' THEN 'chosen'
                                 WHEN n.cash IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
                    amount_fen = CASE WHEN c.plan = 'traffic' THEN c.amount_fen ELSE COALESCE(n.cash, 0) END,
                    computed_at = now(), updated_at = now(), version = c.version + 1
                FROM n
                WHERE c.id = n.claim_id AND c.incident_id = %1$s -- only the incident's partition
                  -- again on the row as it is now, should another writer have got there first
                  AND c.state IN ('awaiting_rate', 'computed', 'chosen')
                  AND ((c.state = 'awaiting_rate') IS DISTINCT FROM (n.cash IS NULL AND c.plan IS NULL)
                       OR (c.baseline_fen, c.margin_rate_id, c.cash_fen)
                          IS DISTINCT FROM (n.baseline_fen, n.rate_id, n.cash))
                RETURNING c.state, c.cash_fen)
            SELECT count(*), count(*) FILTER (WHERE state = 'awaiting_rate'), COALESCE(sum(cash_fen), 0)::bigint
            FROM upd$q$, p_incident, figures) INTO n, aw, ca;
        written := n; awaiting := aw; cash_fen := ca;
    END IF;

    -- A later batch in bulk (warroom_build_claims_batch), when every
    -- merchant without a claim has an id above the incident's highest
    -- claimed one (a batch imported later: ids come from a sequence), and
    -- there are many: the merchants up to that id number the claims (a
    -- claim's merchant is one of the incident's), the rest make the new
    -- range. Only under READ COMMITTED, where the lock above has made the
    -- counts current. Otherwise, and for one industry or a few merchants,
    -- an INSERT through claims, whose rows land in the range or DEFAULT
    -- sub-partition that holds their merchant id. An owner may lower the
    -- threshold for a session (tests: warroom.claims_batch_min); anyone
    -- may raise it.
    IF bulk AND p_industry IS NULL AND current_setting('transaction_isolation') = 'read committed' THEN
        IF current_setting('warroom.claims_batch_min', true) ~ '^[0-9]{1,12}$' THEN
            n := current_setting('warroom.claims_batch_min')::bigint;
            IF n > least_n OR (SELECT r.rolsuper OR pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER')
                               FROM pg_roles r WHERE r.rolname = session_user) THEN
                least_n := n;
            END IF;
        END IF;
        SELECT max(c.merchant_id), count(*) INTO top, have FROM claims c WHERE c.incident_id = p_incident;
        SELECT count(*) FILTER (WHERE m.id <= COALESCE(top, 0)), count(*) FILTER (WHERE m.id > COALESCE(top, 0)),
               min(m.id) FILTER (WHERE m.id > COALESCE(top, 0)), max(m.id)
        INTO below, above, lo, hi FROM merchants m WHERE m.incident_id = p_incident;
        IF below = have AND above > 0 AND above >= least_n THEN
            -- Its ATTACH may not get its lock in time (a long reader of the
            -- incident's claims), or may find a claim a login wrote row by
            -- row into the new range since the counts: the batch is then
            -- undone and the INSERT below writes the claims instead.
            BEGIN
                SELECT b.written, b.awaiting, b.cash_fen INTO n, aw, ca
                FROM warroom_build_claims_batch(p_incident, p_outage, p_baseline, lo, hi, false) b;
                written := written + n; awaiting := awaiting + aw; cash_fen := cash_fen + ca;
                PERFORM set_config('warroom.computing_claims', '', true);
                RETURN NEXT;
                RETURN;
            EXCEPTION WHEN lock_not_available OR check_violation THEN
                NULL;
            END;
        END IF;
    END IF;

    EXECUTE format($q$
        WITH ins AS (
            INSERT INTO claims (incident_id, merchant_id, state, amount_fen, baseline_fen,
                                margin_rate_id, margin_percent, cash_fen)
            SELECT %1$s, f.merchant_id, CASE WHEN f.cash_fen IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
                   COALESCE(f.cash_fen, 0), f.baseline_fen, f.rate_id, f.percent, f.cash_fen
            FROM %2$s f
            WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = %1$s AND c.merchant_id = f.merchant_id)
            ORDER BY f.merchant_id
            RETURNING state, cash_fen, tableoid)
        SELECT count(*), count(*) FILTER (WHERE state = 'awaiting_rate'), COALESCE(sum(cash_fen), 0)::bigint,
               array_agg(DISTINCT tableoid)
        FROM ins$q$, p_incident, figures) INTO n, aw, ca, parts;
    written := written + n; awaiting := awaiting + aw; cash_fen := cash_fen + ca;
    -- A batch of a tenth or more of the claims the planner knew of: the
    -- statistics of the partitions it went into (the incident's DEFAULT
    -- sub-partition, mostly) now, as the first computation's, not when
    -- autovacuum comes round (a rate preview planned on them would take
    -- the new claims for a few).
    IF n >= 1000 THEN
        FOREACH part IN ARRAY parts LOOP
            IF n * 10 >= GREATEST((SELECT reltuples FROM pg_class WHERE oid = part), 0) THEN
                EXECUTE format('ANALYZE %s', part);
            END IF;
        END LOOP;
    END IF;
    PERFORM set_config('warroom.computing_claims', '', true);
    RETURN NEXT;
END $_$;


--
-- Name: warroom_compute_first_claims(bigint, numeric, numeric); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric) RETURNS TABLE(written bigint, awaiting bigint, cash_fen bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET jit TO 'off'
    SET work_mem TO '128MB'
    SET maintenance_work_mem TO '256MB'
    SET enable_nestloop TO 'off'
    AS $$
DECLARE
    part text := 'claims_i' || p_incident;
    lo   bigint;
    hi   bigint;
BEGIN
    IF NOT has_any_column_privilege(session_user, 'public.claims', 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table claims' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Under REPEATABLE READ the merchants read below could be older than a
    -- delete that its lock has waited for: the ordinary computation, whose
    -- check_refs copes with that, does it then.
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RETURN;
    END IF;
    -- One first computation at a time (warroom_first_loads: a lock no login
    -- can hold), whatever the incident, taken before anything is read: two
    -- that both read claims_default and then both waited to ATTACH
    -- deadlocked. The second, once the first has committed, goes on (or,
    -- for the same incident, finds its claims and falls back). ROW
    -- EXCLUSIVE on claims, as an INSERT takes, queues behind a superuser's
    -- delete of merchants (warroom_lock_children), so the merchants read
    -- below are the ones left after it.
    PERFORM 1 FROM warroom_first_loads WHERE what = 'claims' FOR UPDATE;
    LOCK TABLE claims IN ROW EXCLUSIVE MODE;
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF to_regclass(format('public.%I', part)) IS NOT NULL OR EXISTS (SELECT 1 FROM claims WHERE incident_id = p_incident) THEN
        RETURN;
    END IF;

    -- The table, its first batch, and only then the table attached to
    -- claims: that ATTACH holds claims_default (other incidents' claims)
    -- exclusively until the commit, so it comes after the long part.
    PERFORM warroom_claims_incident_table(p_incident);
    SELECT min(m.id), max(m.id) INTO lo, hi FROM merchants m WHERE m.incident_id = p_incident;
    IF lo IS NULL THEN
        written := 0; awaiting := 0; cash_fen := 0;
    ELSE
        SELECT b.written, b.awaiting, b.cash_fen INTO written, awaiting, cash_fen
        FROM warroom_build_claims_batch(p_incident, p_outage, p_baseline, lo, hi, true) b;
    END IF;
    EXECUTE format('ALTER TABLE public.claims ATTACH PARTITION public.%I FOR VALUES IN (%s)', part, p_incident);
    RETURN NEXT;
END $$;


--
-- Name: warroom_declare_incident(text, text, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
    VALUES (inc, 'declared', format('Declared %s: %s', warroom_word('severity', p_severity), btrim(p_title)),
            format('Commander: %s', me), v_at, me);
    RETURN inc;
END $$;


--
-- Name: warroom_drop_sales_totals(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_drop_sales_totals() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    DELETE FROM sales_totals t USING gone g WHERE t.import_id = g.id;
    RETURN NULL;
END $$;


--
-- Name: approvals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.approvals (
    id bigint NOT NULL,
    incident_id bigint,
    op text NOT NULL,
    payload jsonb NOT NULL,
    reason text NOT NULL,
    requested_by text NOT NULL,
    requested_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    decided_by text,
    decided_at timestamp with time zone,
    decision_note text DEFAULT ''::text NOT NULL,
    result jsonb,
    CONSTRAINT approvals_check CHECK ((expires_at > requested_at)),
    CONSTRAINT approvals_check1 CHECK (((state = 'pending'::text) = (decided_by IS NULL))),
    CONSTRAINT approvals_not_self CHECK (((state <> 'approved'::text) OR (decided_by <> requested_by))),
    CONSTRAINT approvals_payload_check CHECK ((jsonb_typeof(payload) = 'object'::text)),
    CONSTRAINT approvals_reason_check CHECK ((btrim(reason) <> ''::text)),
    CONSTRAINT approvals_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text])))
);


--
-- Name: warroom_exec_contribution(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_contribution(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    fen bigint;
    nm  text;
    note text := btrim(COALESCE(r.payload->>'pledge_note', ''));
BEGIN
    IF r.payload ? 'contribution_id' THEN
        fen := warroom_payload_id(r, 'amount_fen');
        UPDATE contributions c SET amount_fen = fen
        FROM contributors p WHERE p.id = c.contributor_id AND c.id = warroom_payload_id(r, 'contribution_id')
          AND p.incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, p.incident_id);
    ELSIF r.payload ? 'contributor_id' THEN
        fen := warroom_payload_id(r, 'pledged_fen');
        UPDATE contributors SET pledged_fen = fen,
            pledge_note = CASE WHEN r.payload ? 'pledge_note' THEN note ELSE pledge_note END
        WHERE id = warroom_payload_id(r, 'contributor_id')
          AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id);
    ELSIF r.payload ? 'contributor_name' THEN
        fen := warroom_payload_id(r, 'pledged_fen');
        nm := btrim(r.payload->>'contributor_name');
        IF r.incident_id IS NULL OR NOT EXISTS (SELECT 1 FROM funds WHERE incident_id = r.incident_id) THEN
            RAISE EXCEPTION 'incident % has no fund to pledge to', r.incident_id USING ERRCODE = 'no_data_found';
        END IF;
        IF EXISTS (SELECT 1 FROM contributors WHERE incident_id = r.incident_id AND lower(name) = lower(nm)) THEN
            RAISE EXCEPTION 'contributor % already pledged to this fund (raise its pledge instead)', nm
                USING ERRCODE = 'unique_violation';
        END IF;
        INSERT INTO contributors (incident_id, name, native_name, role, position, pledged_fen, pledged_at, pledge_note)
        VALUES (r.incident_id, nm, btrim(COALESCE(r.payload->>'native_name', '')), btrim(COALESCE(r.payload->>'role', '')),
                COALESCE((SELECT max(position) FROM contributors WHERE incident_id = r.incident_id), 0) + 1, fen, now(), note);
    ELSE
        RAISE EXCEPTION 'payload names neither contribution_id, contributor_id nor contributor_name'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contribution or contributor not found in the incident' USING ERRCODE = 'no_data_found';
    END IF;
    RETURN r.payload;
END $$;


--
-- Name: warroom_exec_fund_terms(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_fund_terms(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    n bigint;
    k text;
BEGIN
    FOR k IN SELECT jsonb_object_keys(r.payload) LOOP
        IF k NOT IN ('baseline_start', 'baseline_end', 'outage_start', 'outage_end') THEN
            RAISE EXCEPTION 'a % request''s payload key % is not a window bound', warroom_word('operation', 'fund_terms'), k
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF r.payload = '{}'::jsonb THEN
        RAISE EXCEPTION 'a % request''s payload names no window bound', warroom_word('operation', 'fund_terms')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE funds SET
        baseline_start = COALESCE((r.payload->>'baseline_start')::timestamptz, baseline_start),
        baseline_end   = COALESCE((r.payload->>'baseline_end')::timestamptz, baseline_end),
        outage_start   = COALESCE((r.payload->>'outage_start')::timestamptz, outage_start),
        outage_end     = COALESCE((r.payload->>'outage_end')::timestamptz, outage_end),
        outage_end_follows = outage_end_follows AND NOT r.payload ? 'outage_end'
    WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    n := warroom_fund_recompute(r.incident_id);
    RETURN r.payload || jsonb_build_object('claims_recomputed', n);
END $$;


--
-- Name: warroom_exec_inkind_value(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_inkind_value(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    v bigint := warroom_payload_id(r, 'inkind_value_fen');
    n bigint;
BEGIN
    IF v < 0 THEN
        RAISE EXCEPTION 'an in-kind value of % fen is negative', v USING ERRCODE = 'check_violation';
    END IF;
    IF r.payload ? 'inkind_value_source' AND jsonb_typeof(r.payload -> 'inkind_value_source') <> 'string' THEN
        RAISE EXCEPTION 'inkind_value_source: want a string' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE funds SET inkind_value_fen = v,
        inkind_value_source = CASE WHEN r.payload ? 'inkind_value_source' THEN btrim(r.payload ->> 'inkind_value_source')
                                   ELSE inkind_value_source END
    WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE claims SET amount_fen = v, updated_at = now()
    WHERE incident_id = r.incident_id AND plan = 'traffic' AND state = 'chosen' AND amount_fen <> v;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN r.payload || jsonb_build_object('claims_repriced', n);
END $$;


--
-- Name: warroom_exec_margin_rate(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_margin_rate(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    rid bigint;
BEGIN
    EXECUTE 'INSERT INTO margin_rates (incident_id, industry, percent, source, set_by)
             VALUES ($1, $2, ($3)::numeric, $4, $5) RETURNING id'
    INTO rid USING r.incident_id, r.payload ->> 'industry', r.payload ->> 'percent', r.payload ->> 'source', r.requested_by;
    RETURN jsonb_build_object('margin_rate_id', rid);
END $_$;


--
-- Name: warroom_exec_payout(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_payout(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    c   claims;
    pid bigint;
BEGIN
    SELECT * INTO c FROM claims WHERE id = warroom_payload_id(r, 'claim_id')
      AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'claim % not found in the incident', r.payload ->> 'claim_id' USING ERRCODE = 'no_data_found';
    END IF;
    IF c.state <> 'approved' THEN
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', c.id, warroom_word('claim state', c.state)
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by, approval_id)
    VALUES (c.incident_id, c.id, warroom_payload_id(r, 'amount_fen'), r.payload ->> 'idempotency_key',
            r.requested_by, r.id)
    RETURNING id INTO pid;
    UPDATE claims SET state = 'paid', paid_at = now(), updated_at = now()
    WHERE id = c.id AND incident_id = c.incident_id AND paid_fen >= amount_fen;
    RETURN jsonb_build_object('payout_id', pid, 'claim_id', c.id);
END $$;


--
-- Name: warroom_exec_payout_threshold(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_payout_threshold(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    UPDATE funds SET payout_approval_fen = warroom_payload_id(r, 'threshold_fen') WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN r.payload;
END $$;


--
-- Name: warroom_exec_role_grant(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_role_grant(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    u   warroom_users;
    g   text;
    who text := r.payload ->> 'user';
    rl  text := r.payload ->> 'role';
BEGIN
    SELECT * INTO u FROM warroom_users WHERE name = who FOR UPDATE;
    IF NOT FOUND OR u.revoked_at IS NOT NULL THEN
        RAISE EXCEPTION 'user % is not an active user of this database', who USING ERRCODE = 'no_data_found';
    END IF;
    IF rl NOT IN ('commander', 'engineer', 'finance', 'viewer') THEN
        RAISE EXCEPTION 'role %: use commander, engineer, finance or viewer', rl USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH g IN ARRAY ARRAY['commander', 'engineer', 'finance', 'viewer'] LOOP
        IF g <> rl THEN
            EXECUTE format('REVOKE %I FROM %I', 'warroom_' || g, who);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'warroom_' || rl, who);
    UPDATE warroom_users SET role = rl, active = true WHERE name = who;
    RETURN r.payload;
END $$;


--
-- Name: warroom_exec_void_entry(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_void_entry(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    eid bigint := warroom_payload_id(r, 'entry_id');
BEGIN
    UPDATE timeline_entries SET voided_at = now(), voided_by = r.requested_by, void_reason = r.reason, void_approval = r.id
    WHERE id = eid AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) AND voided_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'timeline entry % not found in the incident, or already void', eid USING ERRCODE = 'no_data_found';
    END IF;
    RETURN jsonb_build_object('entry_id', eid);
END $$;


--
-- Name: warroom_exec_void_milestone(public.approvals); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_exec_void_milestone(r public.approvals) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    mid bigint := warroom_payload_id(r, 'milestone_id');
BEGIN
    UPDATE milestones SET voided_at = now(), voided_by = r.requested_by, void_reason = r.reason, void_approval = r.id
    WHERE id = mid AND incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, incident_id) AND voided_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'milestone % not found in the incident, or already void', mid USING ERRCODE = 'no_data_found';
    END IF;
    RETURN jsonb_build_object('milestone_id', mid);
END $$;


--
-- Name: warroom_fund_claims_add(bigint, bigint, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_fund_claims_add(p_incident bigint, p_claims bigint, p_committed bigint, p_paid bigint) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    UPDATE public.funds SET claims_count = claims_count + p_claims, committed_fen = committed_fen + p_committed,
                            paid_claims = paid_claims + p_paid
    WHERE incident_id = p_incident
$$;


--
-- Name: warroom_fund_follow_resolution(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_fund_follow_resolution() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    UPDATE funds SET outage_end = NEW.resolved_at
    WHERE incident_id = NEW.id AND outage_end_follows AND outage_end IS DISTINCT FROM NEW.resolved_at;
    IF FOUND THEN
        PERFORM warroom_fund_recompute(NEW.id);
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_fund_recompute(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_fund_recompute(p_incident bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    f funds;
    n bigint;
BEGIN
    SELECT * INTO f FROM funds WHERE incident_id = p_incident;
    IF f.baseline_start IS NULL OR f.baseline_end IS NULL OR f.outage_start IS NULL OR f.outage_end IS NULL THEN
        -- No windows, no figures: claims cannot be computed until they are set.
        RETURN 0;
    END IF;
    UPDATE claims c SET cash_fen = x.cash,
        amount_fen = CASE WHEN c.plan = 'traffic' THEN c.amount_fen ELSE COALESCE(x.cash, 0) END,
        computed_at = now(), updated_at = now(), version = c.version + 1
    FROM (SELECT id, CASE WHEN margin_percent IS NULL THEN NULL
                          ELSE warroom_cash_fen(baseline_fen, margin_percent,
                                   extract(epoch FROM f.outage_end - f.outage_start),
                                   extract(epoch FROM f.baseline_end - f.baseline_start)) END AS cash
          FROM claims WHERE incident_id = p_incident AND state IN ('awaiting_rate', 'computed', 'chosen')) x
    WHERE c.id = x.id AND c.incident_id = p_incident
      AND c.state IN ('awaiting_rate', 'computed', 'chosen')
      AND c.cash_fen IS DISTINCT FROM x.cash;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;


--
-- Name: warroom_guard_claims(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_claims() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    bad  record;
    incs bigint[];
    src  text;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT n.id, n.state INTO bad FROM new_rows n
        WHERE n.state NOT IN ('awaiting_rate', 'computed') OR n.plan IS NOT NULL OR n.paid_fen <> 0 LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'a new claim is computed or awaiting a rate, unpaid, with no plan: claim % as % refused',
                bad.id, warroom_word('claim state', bad.state) USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
        END IF;
        src := 'SELECT n.*, NULL::bigint AS old_amount, NULL::text AS old_plan,
                       true AS computed_changed, true AS baseline_changed FROM new_rows n';
    ELSE
        SELECT o.id, o.state AS old_state, n.state AS new_state,
               CASE WHEN n.paid_fen IS DISTINCT FROM o.paid_fen THEN 'paid_fen'
                    WHEN n.merchant_id IS DISTINCT FROM o.merchant_id THEN 'merchant_id'
                    WHEN o.state IN ('approved', 'paid', 'rejected')
                         AND (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                             IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent)
                         THEN 'amount'
                    WHEN n.state = 'paid' AND o.state = 'approved' AND n.paid_fen < n.amount_fen THEN 'unpaid'
                    ELSE 'state' END AS what
        INTO bad
        FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.incident_id = o.incident_id
        WHERE n.paid_fen IS DISTINCT FROM o.paid_fen
           OR n.merchant_id IS DISTINCT FROM o.merchant_id
           OR (o.state IN ('approved', 'paid', 'rejected')
               AND (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                   IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent))
           OR (n.state = 'paid' AND o.state = 'approved' AND n.paid_fen < n.amount_fen)
           OR (n.state <> o.state AND (o.state, n.state) NOT IN (
                  ('awaiting_rate', 'computed'), ('computed', 'awaiting_rate'), ('computed', 'chosen'),
                  ('chosen', 'approved'), ('approved', 'paid'),
                  ('awaiting_rate', 'rejected'), ('computed', 'rejected'), ('chosen', 'rejected')))
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION '%', CASE bad.what
                WHEN 'paid_fen' THEN format('claim %s: paid_fen is the sum of its payouts and changes only with them', bad.id)
                WHEN 'merchant_id' THEN format('claim %s belongs to its merchant for good', bad.id)
                WHEN 'amount' THEN format('claim %s is %s: its amount and plan no longer change', bad.id,
                                          warroom_word('claim state', bad.old_state))
                WHEN 'unpaid' THEN format('claim %s is paid only when its payouts cover its amount', bad.id)
                ELSE format('claim %s cannot go from %s to %s', bad.id, warroom_word('claim state', bad.old_state),
                            warroom_word('claim state', bad.new_state)) END
                USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
        END IF;
        src := 'SELECT n.*, o.amount_fen AS old_amount, o.plan AS old_plan,
                       (n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                           IS DISTINCT FROM (o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent) AS computed_changed,
                       n.baseline_fen IS DISTINCT FROM o.baseline_fen AS baseline_changed
                FROM old_rows o JOIN new_rows n ON n.id = o.id AND n.incident_id = o.incident_id
                WHERE (n.plan, n.amount_fen, n.cash_fen, n.baseline_fen, n.margin_rate_id, n.margin_percent)
                      IS DISTINCT FROM (o.plan, o.amount_fen, o.cash_fen, o.baseline_fen, o.margin_rate_id, o.margin_percent)';
    END IF;
    -- The figures of every claim whose amount or computation changed, as
    -- compensation/compute.go and warroom_compute_first_claims make them.
    -- The incidents as a literal, so the plan reads only their partitions.
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    EXECUTE format($q$
        WITH x AS MATERIALIZED (%s),
        s AS (SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM sales_totals t
              WHERE t.incident_id = ANY (%L::bigint[])
                AND t.merchant_id IN (SELECT merchant_id FROM x WHERE baseline_changed)
              GROUP BY t.merchant_id)
        SELECT x.id, CASE
                   WHEN x.computed_changed AND x.baseline_changed
                        AND x.baseline_fen IS DISTINCT FROM COALESCE(s.fen, 0) THEN 'baseline'
                   WHEN x.computed_changed AND (x.margin_rate_id, x.margin_percent) IS DISTINCT FROM (r.id, r.percent)
                        THEN 'rate'
                   WHEN x.computed_changed AND x.cash_fen IS DISTINCT FROM warroom_cash_fen(x.baseline_fen, r.percent,
                            extract(epoch FROM f.outage_end - f.outage_start),
                            extract(epoch FROM f.baseline_end - f.baseline_start)) THEN 'cash'
                   ELSE 'amount' END AS what
        FROM x JOIN funds f ON f.incident_id = x.incident_id
        LEFT JOIN merchants m ON m.id = x.merchant_id AND m.incident_id = x.incident_id
                             AND m.incident_id = ANY (%L::bigint[])
        LEFT JOIN current_margin_rates r ON r.incident_id = x.incident_id AND r.industry = m.industry
        LEFT JOIN s ON s.merchant_id = x.merchant_id
        WHERE (x.computed_changed AND x.baseline_changed AND x.baseline_fen IS DISTINCT FROM COALESCE(s.fen, 0))
           OR (x.computed_changed AND (x.margin_rate_id, x.margin_percent) IS DISTINCT FROM (r.id, r.percent))
           OR (x.computed_changed AND x.cash_fen IS DISTINCT FROM warroom_cash_fen(x.baseline_fen, r.percent,
                   extract(epoch FROM f.outage_end - f.outage_start),
                   extract(epoch FROM f.baseline_end - f.baseline_start)))
           OR x.amount_fen IS DISTINCT FROM CASE
                  WHEN x.plan = 'traffic' AND x.plan = x.old_plan AND x.amount_fen = x.old_amount THEN x.old_amount
                  WHEN x.plan = 'traffic' THEN f.inkind_value_fen
                  ELSE COALESCE(x.cash_fen, 0) END
        LIMIT 1$q$, src, incs, incs) INTO bad;
    IF bad.id IS NOT NULL THEN
        RAISE EXCEPTION 'claim %: its % is not what the computation gives (compute, choose or recompute it instead)',
            bad.id, CASE bad.what WHEN 'baseline' THEN 'baseline (the sum of its imported sales)'
                                  WHEN 'rate' THEN 'margin rate (its industry''s current rate)'
                                  WHEN 'cash' THEN 'cash figure (warroom_cash_fen over the fund''s windows)'
                                  ELSE format('amount (cash figure, or the fund''s %s for the %s plan)',
                                              warroom_word('operation', 'inkind_value'), warroom_word('plan', 'traffic')) END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_amount_computed';
    END IF;
    RETURN NULL;
END $_$;


--
-- Name: warroom_guard_fund_terms(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_fund_terms() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT warroom_privileged()
       AND (NEW.incident_id, NEW.baseline_start, NEW.baseline_end, NEW.outage_start, NEW.outage_end, NEW.inkind_value_fen)
           IS DISTINCT FROM
           (OLD.incident_id, OLD.baseline_start, OLD.baseline_end, OLD.outage_start, OLD.outage_end, OLD.inkind_value_fen) THEN
        PERFORM warroom_refuse_unapproved(format('changing the windows or the in-kind value of the fund of incident %s',
            OLD.incident_id));
    END IF;
    RETURN NEW;
END $$;


--
-- Name: warroom_guard_lifecycle_entry(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_lifecycle_entry() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_guard_margin_rates(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_margin_rates() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    changed record;
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    SELECT n.industry INTO changed FROM new_rows n
    WHERE EXISTS (SELECT 1 FROM margin_rates r WHERE r.incident_id = n.incident_id
                  AND r.industry = n.industry AND r.id < n.id)
    LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved('changing the margin rate of ' || changed.industry);
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_guard_money(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_money() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF warroom_privileged() THEN
        RETURN NEW;
    END IF;
    CASE TG_TABLE_NAME
        WHEN 'contributions' THEN
            PERFORM warroom_refuse_unapproved('changing contribution ' || OLD.id);
        WHEN 'contributors' THEN
            IF TG_OP = 'INSERT' THEN
                IF NEW.pledged_fen <> 0 THEN
                    PERFORM warroom_refuse_unapproved(format(
                        'a new contributor''s pledge (%s added with 0, then raised by a contribution request)', NEW.name));
                END IF;
            ELSIF NEW.pledged_fen IS DISTINCT FROM OLD.pledged_fen THEN
                PERFORM warroom_refuse_unapproved('changing the pledge of ' || OLD.name);
            ELSIF NEW.incident_id IS DISTINCT FROM OLD.incident_id THEN
                PERFORM warroom_refuse_unapproved('moving the pledge of ' || OLD.name || ' to another incident');
            END IF;
        WHEN 'funds' THEN
            IF TG_OP = 'INSERT' THEN
                IF (NEW.pledged_fen, NEW.committed_fen, NEW.paid_fen, NEW.claims_count, NEW.paid_claims, NEW.received_fen)
                   IS DISTINCT FROM (0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint) THEN
                    RAISE EXCEPTION 'fund counters start at 0 and follow the ledger: pledged %, committed %, paid %, received % refused',
                        NEW.pledged_fen, NEW.committed_fen, NEW.paid_fen, NEW.received_fen
                        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'funds_counters_from_ledger';
                END IF;
                -- 00005's default; any other starting threshold is a change of it.
                IF NEW.payout_approval_fen <> 1000000 THEN
                    PERFORM warroom_refuse_unapproved('a fund with a payout approval threshold other than 10,000.00');
                END IF;
            ELSE
                IF (NEW.pledged_fen, NEW.committed_fen, NEW.paid_fen, NEW.claims_count, NEW.paid_claims, NEW.received_fen)
                   IS DISTINCT FROM (OLD.pledged_fen, OLD.committed_fen, OLD.paid_fen, OLD.claims_count, OLD.paid_claims, OLD.received_fen) THEN
                    RAISE EXCEPTION 'fund counters follow the ledger (contributors, contributions, claims, payouts): direct change refused'
                        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'funds_counters_from_ledger';
                END IF;
                IF NEW.payout_approval_fen IS DISTINCT FROM OLD.payout_approval_fen THEN
                    PERFORM warroom_refuse_unapproved('changing the payout approval threshold');
                END IF;
            END IF;
    END CASE;
    RETURN NEW;
END $$;


--
-- Name: warroom_guard_payouts(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_payouts() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    bad  record;
    incs bigint[];
BEGIN
    IF warroom_privileged() THEN
        RETURN NULL;
    END IF;
    SELECT n.claim_id INTO bad FROM new_rows n WHERE n.approval_id IS NOT NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'payout on claim %: approval_id is set by an approved payout request only', bad.claim_id
            USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'payouts_approval_by_request';
    END IF;
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    PERFORM 1 FROM claims c
    WHERE c.incident_id = ANY (incs) AND (c.id, c.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
    ORDER BY c.id FOR UPDATE;
    SELECT c.id, c.state INTO bad FROM claims c
    WHERE c.incident_id = ANY (incs) AND (c.id, c.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
      AND c.state <> 'approved' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', bad.id, warroom_word('claim state', bad.state)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_claim_approved';
    END IF;
    SELECT n.claim_id, t.fen, f.payout_approval_fen INTO bad
    FROM (SELECT DISTINCT incident_id, claim_id FROM new_rows) n
    JOIN funds f ON f.incident_id = n.incident_id
    CROSS JOIN LATERAL (SELECT sum(p.amount_fen)::bigint AS fen FROM payouts p
                        WHERE p.claim_id = n.claim_id AND p.incident_id = n.incident_id
                          AND p.approval_id IS NULL) t
    WHERE t.fen > f.payout_approval_fen LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved(format('paying %s on claim %s without a request (above the %s of %s)',
            warroom_money(bad.fen), bad.claim_id, warroom_word('operation', 'payout_threshold'),
            warroom_money(bad.payout_approval_fen)));
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_guard_plan_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_plan_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM plan_changes WHERE claim_id = OLD.id AND to_plan = NEW.plan
                   AND txid = txid_current()) THEN
        RAISE EXCEPTION 'claim % already chose the % plan', OLD.id, warroom_word('plan', OLD.plan)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_plan_chosen_once',
                  HINT = 'a commander can change it, giving a reason';
    END IF;
    RETURN NEW;
END $$;


--
-- Name: warroom_guard_void(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_guard_void() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF warroom_privileged() THEN
        RETURN NEW;
    END IF;
    IF OLD.voided_at IS NOT NULL THEN
        RAISE EXCEPTION '% % is void and can no longer be changed', warroom_word('table', TG_TABLE_NAME), OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.voided_at IS NOT NULL OR NEW.voided_by IS NOT NULL OR NEW.void_reason IS NOT NULL
       OR NEW.void_approval IS NOT NULL THEN
        PERFORM warroom_refuse_unapproved('voiding ' || warroom_word('table', TG_TABLE_NAME) || ' ' || OLD.id);
    END IF;
    RETURN NEW;
END $$;


--
-- Name: warroom_has_any_role(text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_has_any_role(roles text[]) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT EXISTS (SELECT 1 FROM unnest(roles) r WHERE warroom_has_role(r))
$$;


--
-- Name: warroom_has_role(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_has_role(role text) RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = public.warroom_login()), false)
        OR (EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'warroom_' || role)
            AND pg_catalog.pg_has_role(public.warroom_login(), 'warroom_' || role, 'USAGE'))
$$;


--
-- Name: warroom_incident_commander(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_incident_commander(p_incident bigint) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT person FROM incident_roles WHERE incident_id = p_incident AND role = 'commander' AND ended_at IS NULL
$$;


--
-- Name: warroom_insert_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_insert_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) THEN
        RAISE EXCEPTION '% is a kept record and insert-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_keep_entry_version(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_keep_entry_version() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_lock_children(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_lock_children() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'delete from % in a READ COMMITTED transaction (its cascade must see every committed row)',
            TG_TABLE_NAME USING ERRCODE = 'serialization_failure';
    END IF;
    IF TG_TABLE_NAME = 'incidents' THEN
        LOCK TABLE merchants, claims IN SHARE ROW EXCLUSIVE MODE;
    ELSE
        LOCK TABLE claims IN SHARE ROW EXCLUSIVE MODE;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_lock_claim_children(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_lock_claim_children() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'delete from claims in a READ COMMITTED transaction (its cascade must see every committed row)'
            USING ERRCODE = 'serialization_failure';
    END IF;
    LOCK TABLE payouts, plan_changes IN SHARE ROW EXCLUSIVE MODE;
    RETURN NULL;
END $$;


--
-- Name: incidents; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.incidents (
    id bigint NOT NULL,
    slug text NOT NULL,
    title text NOT NULL,
    summary text DEFAULT ''::text NOT NULL,
    time_zone text DEFAULT 'UTC'::text NOT NULL,
    status text DEFAULT 'investigating'::text NOT NULL,
    severity text DEFAULT 'sev2'::text NOT NULL,
    started_at timestamp with time zone NOT NULL,
    resolved_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by text DEFAULT public.warroom_actor() NOT NULL,
    CONSTRAINT incidents_check CHECK (((resolved_at IS NULL) OR (resolved_at >= started_at))),
    CONSTRAINT incidents_check1 CHECK (((status = 'resolved'::text) = (resolved_at IS NOT NULL))),
    CONSTRAINT incidents_severity_check CHECK ((severity = ANY (ARRAY['sev1'::text, 'sev2'::text, 'sev3'::text, 'sev4'::text]))),
    CONSTRAINT incidents_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'::text)),
    CONSTRAINT incidents_status_check CHECK ((status = ANY (ARRAY['investigating'::text, 'identified'::text, 'monitoring'::text, 'resolved'::text]))),
    CONSTRAINT incidents_time_zone_check CHECK ((('2000-01-01 00:00:00+00'::timestamp with time zone AT TIME ZONE time_zone) IS NOT NULL)),
    CONSTRAINT incidents_title_check CHECK ((btrim(title) <> ''::text))
);


--
-- Name: warroom_lock_incident(bigint, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_lock_incident(p_incident bigint, p_version integer) RETURNS public.incidents
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_money(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_money(p_fen bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE WHEN p_fen < 0 THEN '-' ELSE '' END
           || to_char(abs(p_fen) / 100, 'FM999,999,999,999,999,990')
           || '.' || lpad((abs(p_fen) % 100)::text, 2, '0')
$$;


--
-- Name: warroom_next_update_due(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_next_update_due(p_incident bigint) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE WHEN (SELECT status FROM incidents WHERE id = p_incident) = 'resolved' THEN NULL
                ELSE (SELECT next_update_at FROM timeline_entries
                      WHERE incident_id = p_incident AND kind = 'update' AND voided_at IS NULL
                      ORDER BY actual_start DESC, id DESC LIMIT 1) END
$$;


--
-- Name: warroom_notify_bulk(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_notify_bulk() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM warroom_notify_rows(TG_TABLE_NAME, TG_OP, incident_id, count(*)) FROM changed GROUP BY incident_id;
    RETURN NULL;
END $$;


--
-- Name: warroom_notify_row(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_notify_row() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    r       jsonb;
    inc     bigint;
    payload text;
    actor   text := warroom_actor();
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
    IF TG_TABLE_NAME IN ('timeline_entries', 'milestones', 'milestone_updates') THEN
        payload := json_build_object(
            't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', inc,
            'id', (r ->> 'id')::bigint, 'v', (r ->> 'version')::int, 'by', actor, 'r', r)::text;
        IF octet_length(payload) > 7500 THEN
            payload := NULL;
        END IF;
    END IF;
    PERFORM pg_notify('warroom_changes', COALESCE(payload, json_build_object(
        't', TG_TABLE_NAME, 'op', left(TG_OP, 1), 'i', inc,
        'id', (r ->> 'id')::bigint, 'v', (r ->> 'version')::int, 'by', actor)::text));
    RETURN NULL;
END $$;


--
-- Name: warroom_notify_rows(text, text, bigint, bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_notify_rows(p_table text, p_op text, p_incident bigint, p_rows bigint) RETURNS void
    LANGUAGE sql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT pg_notify('warroom_changes', json_build_object(
        't', p_table, 'op', left(p_op, 1), 'i', p_incident, 'n', p_rows, 'by', public.warroom_actor())::text)
$$;


--
-- Name: warroom_open_fund(bigint, text, timestamp with time zone, timestamp with time zone, timestamp with time zone, timestamp with time zone, bigint, bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    inc incidents;
    src text := btrim(COALESCE(p_inkind_source, ''));
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not open a compensation fund: needs the commander role', warroom_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    inc := warroom_lock_incident(p_incident, 0);
    IF EXISTS (SELECT 1 FROM funds WHERE incident_id = p_incident) THEN
        RAISE EXCEPTION 'incident % already has a compensation fund (change it with warroom fund set)', inc.slug
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'funds_pkey';
    END IF;
    IF p_baseline_start IS NULL OR p_baseline_end IS NULL OR p_outage_start IS NULL THEN
        RAISE EXCEPTION 'a fund needs its baseline start and end and its outage start'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_threshold_fen IS NULL OR p_threshold_fen < 0 THEN
        RAISE EXCEPTION 'a payout approval threshold of % fen is not a threshold', p_threshold_fen
            USING ERRCODE = 'check_violation', CONSTRAINT = 'funds_payout_approval_fen_check';
    END IF;
    IF p_inkind_value_fen IS NOT NULL AND src = '' THEN
        RAISE EXCEPTION 'an in-kind value needs its source (who valued the plan)' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO funds (incident_id, currency, baseline_start, baseline_end, outage_start, outage_end,
                       outage_end_follows, payout_approval_fen, inkind_value_fen, inkind_value_source)
    VALUES (p_incident, COALESCE(NULLIF(btrim(p_currency), ''), 'CNY'), p_baseline_start, p_baseline_end,
            p_outage_start, COALESCE(p_outage_end, inc.resolved_at), p_outage_end IS NULL,
            p_threshold_fen, COALESCE(p_inkind_value_fen, 1200000), CASE WHEN p_inkind_value_fen IS NULL THEN '' ELSE src END);
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'note', 'Compensation fund opened',
            format('Payouts above %s need a second person; the outage ends %s%s', warroom_money(p_threshold_fen),
                   CASE WHEN p_outage_end IS NULL THEN 'when the incident is resolved'
                        ELSE to_char(p_outage_end AT TIME ZONE inc.time_zone, 'YYYY-MM-DD HH24:MI') || ' ' || inc.time_zone END,
                   CASE WHEN src = '' THEN '' ELSE format('; %s %s (%s)', warroom_word('operation', 'inkind_value'),
                                                         warroom_money(p_inkind_value_fen), src) END),
            GREATEST(now(), inc.started_at), warroom_actor());
END $$;


--
-- Name: warroom_payload_id(public.approvals, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_payload_id(r public.approvals, key text) RETURNS bigint
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RETURN (r.payload ->> key)::bigint;
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
    RAISE EXCEPTION 'payload %: % is not a number', key, r.payload ->> key USING ERRCODE = 'invalid_parameter_value';
END $$;


--
-- Name: warroom_payouts_append_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_payouts_append_only() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR pg_trigger_depth() <= 1 THEN
        RAISE EXCEPTION 'payouts are append-only: % refused', lower(TG_OP)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_append_only';
    END IF;
    RETURN OLD;
END $$;


--
-- Name: warroom_payouts_counters(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_payouts_counters() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    incs bigint[];
BEGIN
    -- The incidents as a literal: the UPDATE then plans, reads and locks
    -- only their partitions.
    SELECT array_agg(DISTINCT incident_id) INTO incs FROM new_rows;
    EXECUTE format('UPDATE claims c SET paid_fen = c.paid_fen + p.fen
        FROM (SELECT incident_id, claim_id, sum(amount_fen)::bigint AS fen FROM new_rows GROUP BY incident_id, claim_id) p
        WHERE c.id = p.claim_id AND c.incident_id = p.incident_id AND c.incident_id = ANY (%L::bigint[])', incs);
    UPDATE funds f SET paid_fen = f.paid_fen + p.fen
    FROM (SELECT incident_id, sum(amount_fen)::bigint AS fen FROM new_rows GROUP BY incident_id) p
    WHERE f.incident_id = p.incident_id;
    RETURN NULL;
END $$;


--
-- Name: warroom_payouts_identity(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_payouts_identity() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_pledge_counter(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_pledge_counter() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.incident_id = NEW.incident_id THEN
        UPDATE funds SET pledged_fen = pledged_fen - OLD.pledged_fen + NEW.pledged_fen
        WHERE incident_id = NEW.incident_id;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE funds SET pledged_fen = pledged_fen - OLD.pledged_fen WHERE incident_id = OLD.incident_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE funds SET pledged_fen = pledged_fen + NEW.pledged_fen WHERE incident_id = NEW.incident_id;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_privileged(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_privileged() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false)
        OR pg_catalog.pg_has_role(current_user,
               (SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER')
$$;


--
-- Name: warroom_protect_table(regclass, text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_protect_table(t regclass, writers text[] DEFAULT ARRAY['commander'::text]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_received_counter(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_received_counter() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE funds f SET received_fen = f.received_fen - OLD.amount_fen
        FROM contributors c WHERE c.id = OLD.contributor_id AND f.incident_id = c.incident_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE funds f SET received_fen = f.received_fen + NEW.amount_fen
        FROM contributors c WHERE c.id = NEW.contributor_id AND f.incident_id = c.incident_id;
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_refuse_delete(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_refuse_delete() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       OR NOT COALESCE((SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false) THEN
        RAISE EXCEPTION '% refused on %: incident data is never deleted (void it instead)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_refuse_key_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_refuse_key_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION '%.id % cannot change: other rows refer to it', COALESCE(TG_ARGV[0], TG_TABLE_NAME), OLD.id
        USING ERRCODE = 'foreign_key_violation', TABLE = COALESCE(TG_ARGV[0], TG_TABLE_NAME);
END $$;


--
-- Name: warroom_refuse_unapproved(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_refuse_unapproved(what text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION '% needs a second authorisation', what
        USING ERRCODE = 'WR001',
              HINT = 'request it (warroom approvals, access.Request) and have a different person approve it';
END $$;


--
-- Name: warroom_reject(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_reject(p_id bigint, p_note text DEFAULT ''::text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    r  approvals;
    me text := warroom_actor();
BEGIN
    SELECT * INTO r FROM approvals WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'approval request % not found', p_id USING ERRCODE = 'no_data_found';
    END IF;
    IF r.state <> 'pending' THEN
        RAISE EXCEPTION 'approval request % is already %', p_id, warroom_word('approval state', r.state)
            USING ERRCODE = 'WR002';
    END IF;
    IF me <> r.requested_by AND NOT warroom_has_any_role(
            (SELECT approvers FROM warroom_operations WHERE op = r.op)) THEN
        RAISE EXCEPTION '% may not reject request % (%): only its requester or a login with the % role may', me, p_id,
            warroom_word('operation', r.op),
            warroom_words_or('role', (SELECT approvers FROM warroom_operations WHERE op = r.op))
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE approvals SET state = 'rejected', decided_by = me, decided_at = now(),
        decision_note = btrim(COALESCE(p_note, ''))
    WHERE id = p_id;
END $$;


--
-- Name: warroom_request(text, bigint, jsonb, text, interval); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval DEFAULT '24:00:00'::interval) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    o   warroom_operations;
    k   text;
    id  bigint;
BEGIN
    SELECT * INTO o FROM warroom_operations WHERE op = p_op;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown operation %', p_op USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT warroom_has_any_role(o.requesters) THEN
        RAISE EXCEPTION '% may not request %: needs the % role', warroom_actor(), warroom_word('operation', p_op),
            warroom_words_or('role', o.requesters)
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_payload IS NULL OR jsonb_typeof(p_payload) <> 'object' THEN
        RAISE EXCEPTION 'payload must be a JSON object' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH k IN ARRAY o.required LOOP
        IF NOT p_payload ? k THEN
            RAISE EXCEPTION 'the payload of a % request lacks %', warroom_word('operation', p_op), k
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF p_ttl IS NULL OR p_ttl < interval '1 minute' OR p_ttl > interval '7 days' THEN
        RAISE EXCEPTION 'a request lasts between 1 minute and 7 days, not %', p_ttl
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO approvals (incident_id, op, payload, reason, requested_by, expires_at)
    VALUES (p_incident, p_op, p_payload, btrim(COALESCE(p_reason, '')), warroom_actor(), now() + p_ttl)
    RETURNING approvals.id INTO id;
    RETURN id;
END $$;


--
-- Name: warroom_require_incident_command(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_require_incident_command(p_incident bigint, what text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_restore_add_columns(regclass, integer, boolean, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_add_columns(rel regclass, n integer, with_at boolean, with_f boolean) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    adds text;
BEGIN
    SELECT string_agg(format('ADD COLUMN %I %s', c.name, c.type), ', ' ORDER BY i, c.k) INTO adds
    FROM generate_series(1, n) i
    CROSS JOIN LATERAL (VALUES (1, 'e' || i, 'bigint', true), (2, 'r' || i, 'bigint', true),
                               (3, 'a' || i, 'timestamptz', with_at), (4, 'f' || i, 'bigint', with_f)) c(k, name, type, wanted)
    WHERE c.wanted AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = rel AND a.attname = c.name AND NOT a.attisdropped);
    IF adds IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %s %s', rel, adds);
    END IF;
END $$;


--
-- Name: restore_snapshots; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.restore_snapshots (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    taken_at timestamp with time zone NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_by text DEFAULT public.warroom_actor() NOT NULL,
    rows bigint DEFAULT 0 NOT NULL,
    carried bigint DEFAULT 0 NOT NULL,
    merchants bigint DEFAULT 0 NOT NULL,
    merchants_complete bigint DEFAULT 0 NOT NULL,
    committed boolean DEFAULT false NOT NULL,
    domains text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT restore_snapshots_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: warroom_restore_carry(text, public.restore_snapshots, text[], timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_carry(rel text, prev public.restore_snapshots, p_domains text[], p_taken timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    j    int;
    src  text := format('public.%I', 'restore_counts_s' || prev.id);
    sets text[] := '{}'; cond text[] := '{}';
    cols text[] := '{}'; vals text[] := '{}';
    a    bigint;
    b    bigint;
BEGIN
    FOR k IN 1 .. cardinality(p_domains) LOOP
        j := array_position(prev.domains, p_domains[k]);
        CONTINUE WHEN j IS NULL;
        sets := sets || format('e%1$s = COALESCE(x.e%1$s, o.e%2$s), '
                               'r%1$s = CASE WHEN x.e%1$s IS NOT NULL THEN x.r%1$s ELSE o.r%2$s END, '
                               'a%1$s = CASE WHEN x.e%1$s IS NOT NULL THEN x.a%1$s WHEN o.e%2$s IS NOT NULL THEN COALESCE(o.a%2$s, %3$L::timestamptz) END, '
                               'f%1$s = CASE WHEN x.e%1$s IS NOT NULL THEN x.f%1$s WHEN o.e%2$s IS NOT NULL THEN COALESCE(o.f%2$s, %4$s) END',
                               k, j, prev.taken_at, prev.id);
        cond := cond || format('(x.e%s IS NULL AND o.e%s IS NOT NULL)', k, j);
        cols := cols || format('e%1$s, r%1$s, a%1$s, f%1$s', k);
        vals := vals || format('o.e%1$s, o.r%1$s, CASE WHEN o.e%1$s IS NOT NULL THEN COALESCE(o.a%1$s, %2$L::timestamptz) END, '
                               'CASE WHEN o.e%1$s IS NOT NULL THEN COALESCE(o.f%1$s, %3$s) END', j, prev.taken_at, prev.id);
    END LOOP;
    IF cardinality(cond) = 0 THEN
        RETURN 0;
    END IF;
    EXECUTE format('UPDATE %1$s x SET %2$s FROM %3$s o WHERE o.merchant_id = x.merchant_id AND (%4$s)',
                   rel, array_to_string(sets, ', '), src, array_to_string(cond, ' OR '));
    GET DIAGNOSTICS a = ROW_COUNT;
    EXECUTE format('INSERT INTO %1$s (merchant_id, %2$s) SELECT o.merchant_id, %3$s FROM %4$s o
                    WHERE NOT EXISTS (SELECT 1 FROM %1$s x WHERE x.merchant_id = o.merchant_id)',
                   rel, array_to_string(cols, ', '), array_to_string(vals, ', '), src);
    GET DIAGNOSTICS b = ROW_COUNT;
    RETURN a + b;
END $_$;


--
-- Name: warroom_restore_commit(bigint, boolean, text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) RETURNS public.restore_snapshots
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    SET work_mem TO '256MB'
    SET maintenance_work_mem TO '512MB'
    SET "TimeZone" TO 'UTC'
    SET "DateStyle" TO 'ISO, YMD'
    SET "IntervalStyle" TO 'postgres'
    AS $_$
DECLARE
    s      restore_snapshots;
    prev   restore_snapshots;
    part   text := 'restore_counts_s' || p_snapshot;
    tbl    text;
    rel    regclass;
    doms   text[];
    nd     int;
    n      bigint;
    total  bigint;
    body   jsonb;
    cnt    bigint;
    lo     bigint;
    hi     bigint;
    again  boolean := false;
    sums   restore_totals[];
    own    restore_totals[];
    taken  timestamptz;
    bad    text;
    m_total bigint;
    m_complete bigint;
    dm     text;
    di     int;
    cols   text;
    maxes  text;
    phases jsonb := '{}';
    t      timestamptz := clock_timestamp();
BEGIN
    PERFORM warroom_restore_writer();
    rel := warroom_restore_staged(p_snapshot);
    SELECT * INTO s FROM restore_snapshots WHERE id = p_snapshot;
    -- Column privileges go with the table's.
    EXECUTE format('REVOKE INSERT ON %s FROM %I', rel, session_user);
    tbl := rel::text;
    IF array_ndims(p_domains) > 1 THEN
        RAISE EXCEPTION 'restore domains: a list, not %', p_domains USING ERRCODE = 'invalid_parameter_value';
    END IF;
    doms := ARRAY(SELECT d FROM unnest(COALESCE(p_domains, '{}')) WITH ORDINALITY u(d, i) ORDER BY i);
    IF EXISTS (SELECT 1 FROM unnest(doms) d WHERE d IS NULL OR btrim(d) = '' OR length(d) > 64)
       OR (SELECT count(DISTINCT d) FROM unnest(doms) d) <> cardinality(doms) THEN
        RAISE EXCEPTION 'restore domains %: each named once, not empty, at most 64 characters', doms
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM warroom_restore_domain_limit(doms);
    nd := warroom_restore_width(rel);
    IF nd <> cardinality(doms) THEN
        RAISE EXCEPTION 'restore domains: % named, the staged counts have % positions', cardinality(doms), nd
            USING ERRCODE = 'check_violation';
    END IF;
    -- Every position's four columns, before anything reads or hashes a row.
    PERFORM warroom_restore_add_columns(rel, nd, true, true);

    -- The one pass: the rules, the totals, merchants complete.
    SELECT * INTO own, m_total, m_complete, bad FROM warroom_restore_totals(tbl, p_snapshot, s.incident_id, doms, s.taken_at, true);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'merchant %: each count needs 0 <= restored <= expected, both or neither, a time (years 1 to 9999) only beside a count, a merchant id not empty',
            CASE WHEN bad = '' THEN '(empty id)' ELSE bad END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'restore_counts_check';
    END IF;
    IF m_total = 0 THEN
        RAISE EXCEPTION 'restore counts: a snapshot needs at least one count' USING ERRCODE = 'check_violation';
    END IF;
    sums := own;
    SELECT COALESCE(sum(x.merchants), 0)::bigint INTO n FROM unnest(own) x;
    taken := s.taken_at;
    IF p_taken_from_rows THEN
        taken := COALESCE((SELECT max(x.as_of) FROM unnest(own) x), taken);
    END IF;
    phases := phases || jsonb_build_object('totals', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    -- The key. A merchant the file names in more than one run of lines
    -- fails it; its rows are merged, unless two of them count one domain.
    BEGIN
        EXECUTE format('CREATE UNIQUE INDEX %I ON %s (merchant_id)', part || '_key', tbl);
    EXCEPTION WHEN unique_violation THEN
        again := true;
    END;
    IF again THEN
        EXECUTE format($q$SELECT x.merchant_id, v.i FROM %1$s x
                JOIN (SELECT merchant_id FROM %1$s GROUP BY merchant_id HAVING count(*) > 1) m USING (merchant_id)
                CROSS JOIN LATERAL (VALUES %2$s) v(i, e)
                WHERE v.e IS NOT NULL GROUP BY x.merchant_id, v.i HAVING count(*) > 1 ORDER BY 1, 2 LIMIT 1$q$,
            tbl, (SELECT string_agg(format('(%1$s, x.e%1$s)', i), ', ') FROM generate_series(1, nd) i)) INTO dm, di;
        IF dm IS NOT NULL THEN
            RAISE EXCEPTION 'a merchant is counted twice for one domain'
                USING ERRCODE = 'unique_violation', CONSTRAINT = 'restore_counts_key',
                      DETAIL = format('Key (merchant_id, domain)=(%s, %s) already exists.', dm, doms[di]);
        END IF;
        -- Each position is counted by one of the merchant's rows at most:
        -- max() is that row's.
        SELECT string_agg(format('e%1$s, r%1$s, a%1$s', i), ', ' ORDER BY i),
               string_agg(format('max(d.e%1$s), max(d.r%1$s), max(d.a%1$s)', i), ', ' ORDER BY i)
        INTO cols, maxes FROM generate_series(1, nd) i;
        EXECUTE format($q$WITH d AS (DELETE FROM %1$s x WHERE x.merchant_id IN
                                         (SELECT merchant_id FROM %1$s GROUP BY merchant_id HAVING count(*) > 1) RETURNING x.*)
                INSERT INTO %1$s (merchant_id, %2$s) SELECT d.merchant_id, %3$s FROM d GROUP BY d.merchant_id$q$,
            tbl, cols, maxes);
        EXECUTE format('CREATE UNIQUE INDEX %I ON %s (merchant_id)', part || '_key', tbl);
    END IF;
    phases := phases || jsonb_build_object('key', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();

    -- Carry, unless the file is a census of the previous snapshot's
    -- merchants and domains (each of its domains: same merchant count and
    -- key fingerprint).
    SELECT * INTO prev FROM restore_snapshots r WHERE r.incident_id = s.incident_id AND r.committed AND r.id < p_snapshot
    ORDER BY r.id DESC LIMIT 1;
    IF prev.id IS NOT NULL AND EXISTS (
           SELECT 1 FROM restore_totals o LEFT JOIN unnest(own) x ON x.domain = o.domain
           WHERE o.snapshot_id = prev.id AND (x.domain IS NULL OR x.merchants <> o.merchants OR x.keysum <> o.keysum)) THEN
        doms := doms || ARRAY(SELECT d FROM unnest(prev.domains) WITH ORDINALITY u(d, i) WHERE NOT d = ANY (doms) ORDER BY i);
        PERFORM warroom_restore_domain_limit(doms);
        PERFORM warroom_restore_add_columns(rel, cardinality(doms), true, true);
        IF warroom_restore_carry(tbl, prev, doms, taken) > 0 THEN
            again := true;
        END IF;
        phases := phases || jsonb_build_object('carry', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    IF again THEN
        SELECT * INTO sums, m_total, m_complete, bad FROM warroom_restore_totals(tbl, p_snapshot, s.incident_id, doms, taken, false);
        phases := phases || jsonb_build_object('totals_again', extract(epoch FROM clock_timestamp() - t));
        t := clock_timestamp();
    END IF;
    SELECT COALESCE(sum(x.merchants), 0)::bigint INTO total FROM unnest(sums) x;

    PERFORM warroom_restore_seal(rel);
    phases := phases || jsonb_build_object('seal', extract(epoch FROM clock_timestamp() - t));
    t := clock_timestamp();
    -- What an audit trigger would have written: the rows, or their count
    -- and digest.
    EXECUTE warroom_audit_rows_sql(tbl, 'NULL::bigint') INTO cnt, lo, hi, body;
    IF cnt > 0 THEN
        PERFORM warroom_audit_entry('restore_counts', 'INSERT', s.incident_id, cnt, NULL, body);
        PERFORM warroom_notify_rows('restore_counts', 'INSERT', s.incident_id, cnt);
    END IF;
    phases := phases || jsonb_build_object('audit', extract(epoch FROM clock_timestamp() - t));

    INSERT INTO restore_totals SELECT * FROM unnest(sums);
    UPDATE restore_snapshots r SET domains = doms, rows = n, carried = total - n, committed = true,
        merchants = m_total, merchants_complete = m_complete, taken_at = taken
    WHERE r.id = p_snapshot
    RETURNING r.* INTO s;
    -- Not LOCAL: a SET clause's level would undo it at the function's exit.
    PERFORM set_config('warroom.restore_phases', phases::text, false);
    RETURN s;
END $_$;


--
-- Name: warroom_restore_committed(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_committed() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT (SELECT r.committed FROM restore_snapshots r WHERE r.id = NEW.id) THEN
        RAISE EXCEPTION 'restore snapshot %: staged but not committed (warroom_restore_commit)', NEW.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN NULL;
END $$;


--
-- Name: warroom_restore_domain_limit(text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_domain_limit(doms text[]) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF cardinality(doms) > 200 THEN
        RAISE EXCEPTION 'restore domains: % in this snapshot (with those carried from the previous one), at most 200', cardinality(doms)
            USING ERRCODE = 'check_violation';
    END IF;
END $$;


--
-- Name: warroom_restore_merchant(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_merchant(p_snapshot bigint, p_merchant text) RETURNS TABLE(domain text, expected bigint, restored bigint, at timestamp with time zone, from_snapshot bigint)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    s restore_snapshots;
BEGIN
    SELECT * INTO s FROM restore_snapshots r WHERE r.id = p_snapshot AND r.committed;
    IF NOT FOUND OR cardinality(s.domains) = 0 THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT $2[v.i], v.e, v.r, COALESCE(v.a, $3), v.f FROM public.%I x CROSS JOIN LATERAL (VALUES %s) v(i, e, r, a, f)
         WHERE x.merchant_id = $1 AND v.e IS NOT NULL',
        'restore_counts_s' || p_snapshot,
        (SELECT string_agg(format('(%1$s, x.e%1$s, x.r%1$s, x.a%1$s, x.f%1$s)', i), ', ') FROM generate_series(1, cardinality(s.domains)) i))
    USING p_merchant, s.domains, s.taken_at;
END $_$;


--
-- Name: warroom_restore_seal(regclass); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_seal(rel regclass) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    target text := current_setting('default_statistics_target');
BEGIN
    PERFORM warroom_protect_table(rel, ARRAY[]::text[]);
    -- A sample of 3,000 rows instead of 30,000: the queries on a snapshot
    -- are key lookups and scans; autovacuum analyses it again in full later.
    PERFORM set_config('default_statistics_target', '10', true);
    EXECUTE format('ANALYZE %s', rel);
    PERFORM set_config('default_statistics_target', target, true);
END $$;


--
-- Name: warroom_restore_short(bigint, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer) RETURNS TABLE(merchant_id text, expected bigint, restored bigint, at timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    s restore_snapshots;
BEGIN
    SELECT * INTO s FROM restore_snapshots r WHERE r.id = p_snapshot AND r.committed;
    IF NOT FOUND OR p_pos IS NULL OR p_pos < 1 OR p_pos > cardinality(s.domains) THEN
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT x.merchant_id, x.e%1$s, x.r%1$s, COALESCE(x.a%1$s, $1) FROM public.%2$I x
         WHERE x.r%1$s < x.e%1$s ORDER BY x.e%1$s - x.r%1$s DESC, x.merchant_id LIMIT $2',
        p_pos, 'restore_counts_s' || p_snapshot)
    USING s.taken_at, p_limit;
END $_$;


--
-- Name: warroom_restore_stage(bigint, text, text, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamp with time zone) RETURNS TABLE(snapshot_id bigint, part text, imported_at timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    s restore_snapshots;
BEGIN
    PERFORM warroom_restore_writer();
    PERFORM pg_advisory_xact_lock(hashtext('warroom_restore'), p_incident::integer);
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT * INTO s FROM restore_snapshots r WHERE r.incident_id = p_incident AND r.sha256 = p_sha;
    IF FOUND THEN
        snapshot_id := s.id; imported_at := s.imported_at;
        RETURN NEXT;
        RETURN;
    END IF;
    INSERT INTO restore_snapshots (incident_id, file_name, sha256, taken_at, imported_by)
    VALUES (p_incident, p_file, p_sha, COALESCE(p_taken, now()), warroom_actor()) RETURNING * INTO s;
    part := 'restore_counts_s' || s.id;
    EXECUTE format('CREATE TABLE public.%I (merchant_id text COLLATE "C" NOT NULL)', part);
    EXECUTE format('GRANT INSERT (merchant_id) ON public.%I TO %I', part, session_user);
    snapshot_id := s.id; imported_at := s.imported_at;
    RETURN NEXT;
END $$;


--
-- Name: warroom_restore_staged(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_staged(p_snapshot bigint) RETURNS regclass
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    s   restore_snapshots;
    rel regclass;
BEGIN
    SELECT * INTO s FROM restore_snapshots WHERE id = p_snapshot FOR UPDATE;
    rel := to_regclass(format('public.%I', 'restore_counts_s' || p_snapshot));
    IF NOT FOUND OR s.committed OR rel IS NULL
       OR (SELECT xmin FROM pg_class WHERE oid = rel) <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'no restore counts staged as snapshot % in this transaction', p_snapshot
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN rel;
END $$;


--
-- Name: restore_totals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.restore_totals (
    snapshot_id bigint NOT NULL,
    incident_id bigint NOT NULL,
    domain text NOT NULL,
    merchants bigint NOT NULL,
    expected bigint NOT NULL,
    restored bigint NOT NULL,
    short bigint NOT NULL,
    keysum bigint NOT NULL,
    as_of timestamp with time zone NOT NULL
);


--
-- Name: warroom_restore_totals(text, bigint, bigint, text[], timestamp with time zone, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_totals(rel text, p_snapshot bigint, p_incident bigint, p_domains text[], p_taken timestamp with time zone, p_check boolean, OUT sums public.restore_totals[], OUT merchants bigint, OUT complete bigint, OUT bad text) RETURNS record
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    nd   int := cardinality(p_domains);
    cnt  text[] := '{}'; e text[] := '{}'; r text[] := '{}'; sh text[] := '{}'; asof text[] := '{}';
    done text := 'true';
    ok   text := '';
    anye text[] := '{}';
    vcnt bigint[]; ve bigint[]; vr bigint[]; vsh bigint[]; vasof timestamptz[];
    ks   bigint;
    kss  bigint[];
BEGIN
    FOR i IN 1 .. nd LOOP
        cnt := cnt || format('count(x.e%s)', i);
        e := e || format('COALESCE(sum(x.e%s), 0)::bigint', i);
        r := r || format('COALESCE(sum(x.r%s), 0)::bigint', i);
        sh := sh || format('count(*) FILTER (WHERE x.r%1$s < x.e%1$s)', i);
        -- A count without a time of its own is as of p_taken: the latest of
        -- the times given, and p_taken when some count has none (cheaper
        -- than a filtered max over a COALESCE).
        asof := asof || format('CASE WHEN count(x.a%1$s) < count(x.e%1$s) THEN GREATEST(max(x.a%1$s), %2$L::timestamptz) '
                               'ELSE max(x.a%1$s) END', i, p_taken);
        done := done || format(' AND x.r%1$s IS NOT DISTINCT FROM x.e%1$s', i);
        -- A time must be one the readers can hold: not infinity, years 1 to 9999.
        ok := ok || format(' OR x.r%1$s < 0 OR x.r%1$s > x.e%1$s OR (x.e%1$s IS NULL) <> (x.r%1$s IS NULL) '
                           'OR (x.a%1$s IS NOT NULL AND (x.e%1$s IS NULL OR x.a%1$s NOT BETWEEN %2$L AND %3$L))',
                           i, '0001-01-01 00:00:00+00', '9999-12-31 23:59:59+00');
        anye := anye || format('x.e%s', i);
    END LOOP;
    EXECUTE format($q$
        SELECT count(*), count(*) FILTER (WHERE %1$s), COALESCE(sum(hashtext(x.merchant_id)), 0)::bigint, %2$s,
               ARRAY[%3$s]::bigint[], ARRAY[%4$s]::bigint[], ARRAY[%5$s]::bigint[], ARRAY[%6$s]::bigint[], ARRAY[%7$s]::timestamptz[]
        FROM %8$s x$q$,
        done,
        CASE WHEN p_check THEN format('min(x.merchant_id) FILTER (WHERE x.merchant_id = %3$L OR COALESCE(%1$s) IS NULL%2$s)',
                                      COALESCE(NULLIF(array_to_string(anye, ', '), ''), 'NULL::bigint'), ok, '')
             ELSE 'NULL::text' END,
        array_to_string(cnt, ', '), array_to_string(e, ', '), array_to_string(r, ', '), array_to_string(sh, ', '),
        array_to_string(asof, ', '), rel)
    INTO merchants, complete, ks, bad, vcnt, ve, vr, vsh, vasof;
    IF EXISTS (SELECT 1 FROM generate_series(1, nd) i WHERE vcnt[i] > 0 AND vcnt[i] <> merchants) THEN
        EXECUTE format('SELECT ARRAY[%s]::bigint[] FROM %s x',
                       (SELECT string_agg(format('COALESCE(sum(hashtext(x.merchant_id)) FILTER (WHERE x.e%s IS NOT NULL), 0)', i),
                                          ', ' ORDER BY i) FROM generate_series(1, nd) i), rel)
        INTO kss;
    END IF;
    -- A domain the list names but no row counts has no totals.
    sums := ARRAY(SELECT ROW(p_snapshot, p_incident, p_domains[i], vcnt[i], ve[i], vr[i], vsh[i], COALESCE(kss[i], ks), vasof[i])::restore_totals
                  FROM generate_series(1, nd) i WHERE vcnt[i] > 0 ORDER BY i);
END $_$;


--
-- Name: warroom_restore_widen(bigint, integer, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_widen(p_snapshot bigint, p_domains integer, p_with_at boolean) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    rel regclass;
    have int;
BEGIN
    PERFORM warroom_restore_writer();
    rel := warroom_restore_staged(p_snapshot);
    IF p_domains IS NULL OR p_domains < 1 OR p_with_at IS NULL THEN
        RAISE EXCEPTION 'restore domains: % positions, with times %: want 1 or more, and true or false', p_domains, p_with_at
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM warroom_restore_domain_limit(array_fill(''::text, ARRAY[p_domains]));
    have := warroom_restore_width(rel);
    PERFORM warroom_restore_add_columns(rel, p_domains, p_with_at, false);
    IF p_domains > have THEN
        EXECUTE format('GRANT INSERT (%s) ON %s TO %I',
            (SELECT string_agg(CASE WHEN p_with_at THEN format('e%1$s, r%1$s, a%1$s', i) ELSE format('e%1$s, r%1$s', i) END, ', ')
             FROM generate_series(have + 1, p_domains) i),
            rel, session_user);
    END IF;
END $_$;


--
-- Name: warroom_restore_width(regclass); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_width(rel regclass) RETURNS integer
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
    SELECT count(*)::int FROM pg_attribute a
    WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped AND a.attname ~ '^e[0-9]+$'
$_$;


--
-- Name: warroom_restore_writer(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_restore_writer() RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT (warroom_has_role('engineer') OR warroom_has_role('commander')) THEN
        RAISE EXCEPTION 'restore counts are imported by engineers and commanders: % is neither', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;


--
-- Name: warroom_serve_grant(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_serve_grant(p_person text, p_authenticator text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM warroom_serve_grant_check(p_authenticator);
    IF NOT EXISTS (
        SELECT 1 FROM warroom_users u JOIN pg_roles r ON r.rolname = u.name
        WHERE u.name = p_person AND u.active AND u.revoked_at IS NULL
          AND r.rolcanlogin AND NOT r.rolsuper
          -- no powers beyond a warroom role's: the authenticator must not
          -- become a login that creates roles, passes row security,
          -- replicates or holds a built-in pg_ role
          AND NOT r.rolcreaterole AND NOT r.rolbypassrls AND NOT r.rolreplication
          AND NOT EXISTS (SELECT 1 FROM pg_roles b
                          WHERE b.rolname LIKE 'pg\_%' AND pg_has_role(r.oid, b.oid, 'MEMBER'))
          AND NOT pg_has_role(r.oid, 'warroom_authenticator', 'MEMBER')
          AND NOT pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER'))
    THEN
        RAISE EXCEPTION '% is not an active warroom user the console server may act for', p_person
            USING ERRCODE = 'no_data_found';
    END IF;
    IF pg_has_role(p_authenticator, p_person, 'MEMBER') THEN
        RETURN false; -- already
    END IF;
    EXECUTE format('GRANT %I TO %I', p_person, p_authenticator);
    INSERT INTO serve_grants (authenticator, person, op) VALUES (p_authenticator, p_person, 'grant');
    RETURN true;
END $$;


--
-- Name: warroom_serve_grant_check(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_serve_grant_check(p_authenticator text) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not change who the console server acts for: commanders only', warroom_actor()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_authenticator IS NULL OR p_authenticator = 'warroom_authenticator' OR NOT EXISTS (
        SELECT 1 FROM pg_roles r
        WHERE r.rolname = p_authenticator AND r.rolcanlogin AND NOT r.rolinherit AND NOT r.rolsuper
          AND pg_has_role(r.oid, 'warroom_authenticator', 'MEMBER')
          AND NOT pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER'))
    THEN
        RAISE EXCEPTION '% is not a console server login (a NOINHERIT login in warroom_authenticator)', p_authenticator
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;


--
-- Name: warroom_serve_login(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_serve_login(p_fingerprint text, p_remote text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    id bigint;
BEGIN
    IF NOT (warroom_has_role('commander') OR warroom_has_role('engineer') OR warroom_has_role('finance')
            OR warroom_has_role('viewer')) THEN
        RAISE EXCEPTION '% holds no warroom role: no console session', warroom_login()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO serve_sessions (login, key_fingerprint, remote)
    VALUES (warroom_login(), btrim(COALESCE(p_fingerprint, '')), btrim(COALESCE(p_remote, '')))
    RETURNING serve_sessions.id INTO id;
    RETURN id;
END $$;


--
-- Name: warroom_serve_logout(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_serve_logout(p_id bigint, p_reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    UPDATE serve_sessions SET ended_at = now(), end_reason = btrim(COALESCE(p_reason, ''))
    WHERE id = p_id AND login = warroom_login() AND ended_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'console session % is not an open session of %', p_id, warroom_login()
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;


--
-- Name: warroom_serve_revoke(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_serve_revoke(p_person text, p_authenticator text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
BEGIN
    PERFORM warroom_serve_grant_check(p_authenticator);
    IF NOT EXISTS (SELECT 1 FROM warroom_users u JOIN pg_roles r ON r.rolname = u.name WHERE u.name = p_person) THEN
        RAISE EXCEPTION '% is not a warroom user', p_person USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                   WHERE m.roleid = (SELECT oid FROM pg_roles WHERE rolname = p_person)
                     AND m.member = (SELECT oid FROM pg_roles WHERE rolname = p_authenticator)) THEN
        RETURN false; -- not granted
    END IF;
    EXECUTE format('REVOKE %I FROM %I', p_person, p_authenticator);
    -- From PostgreSQL 16 a REVOKE removes only the grants its own role
    -- made: one made by another (a superuser at setup) would stay while
    -- this said it was gone. Refuse rather than say so.
    IF pg_has_role(p_authenticator, p_person, 'MEMBER') THEN
        RAISE EXCEPTION '% still acts for %: another role granted it; that role (or a superuser) must revoke it', p_authenticator, p_person
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO serve_grants (authenticator, person, op) VALUES (p_authenticator, p_person, 'revoke');
    RETURN true;
END $$;


--
-- Name: warroom_set_incident_severity(bigint, text, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        RAISE EXCEPTION 'incident % is already %', inc.slug, warroom_word('severity', p_severity)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF note = '' THEN
        RAISE EXCEPTION 'a severity change needs a note saying why' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE incidents SET severity = p_severity, updated_at = now(), updated_by = warroom_actor()
    WHERE id = p_incident RETURNING version INTO v;
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'severity', format('Severity: %s → %s', warroom_word('severity', inc.severity), warroom_word('severity', p_severity)),
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;


--
-- Name: warroom_set_incident_status(bigint, text, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        RAISE EXCEPTION 'incident % is already %', inc.slug, warroom_word('incident status', p_status)
            USING ERRCODE = 'invalid_parameter_value';
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
            CASE WHEN inc.status = 'resolved' THEN format('Reopened: %s', warroom_word('incident status', p_status))
                 WHEN p_status = 'resolved' THEN 'Resolved'
                 ELSE format('Status: %s → %s', warroom_word('incident status', inc.status),
                             warroom_word('incident status', p_status)) END,
            note, GREATEST(now(), inc.started_at), warroom_actor());
    RETURN v;
END $$;


--
-- Name: warroom_stage_merchants(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_stage_merchants(p_incident bigint) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    part text := 'merchants_i' || p_incident;
BEGIN
    IF NOT has_any_column_privilege(session_user, 'public.merchants', 'INSERT') THEN
        RAISE EXCEPTION 'permission denied for table merchants' USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- One first import at a time, whatever the incident, before anything
    -- is read (see warroom_compute_first_claims, 00012); ROW EXCLUSIVE on
    -- merchants, as a COPY into it takes, queues behind an incident's
    -- deletion (warroom_lock_children).
    PERFORM 1 FROM warroom_first_loads WHERE what = 'merchants' FOR UPDATE;
    LOCK TABLE merchants IN ROW EXCLUSIVE MODE;
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insert or update on table "merchants" violates foreign key: incident % does not exist', p_incident
            USING ERRCODE = 'foreign_key_violation', TABLE = 'merchants', CONSTRAINT = 'merchants_incident_id_fkey';
    END IF;
    -- A table staged by a transaction that committed without attaching it
    -- (by hand: the importer attaches in the same transaction) is no
    -- incident's merchants: it goes.
    IF to_regclass(format('public.%I', part)) IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(format('public.%I', part))) THEN
        EXECUTE format('DROP TABLE public.%I', part);
    END IF;
    IF to_regclass(format('public.%I', part)) IS NOT NULL
       OR EXISTS (SELECT 1 FROM merchants WHERE incident_id = p_incident) THEN
        RETURN NULL;
    END IF;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.merchants INCLUDING DEFAULTS)', part);
    EXECUTE format('ALTER TABLE public.%I ALTER incident_id SET DEFAULT %s', part, p_incident);
    -- Every column but id: ids come from the sequence, or one id could name
    -- merchants in two incidents (the key is (id, incident_id)).
    EXECUTE format('GRANT INSERT (incident_id, merchant_id, name, industry, created_at) ON public.%I TO %I',
                   part, session_user);
    RETURN part;
END $$;


--
-- Name: warroom_stamp_identity(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_stamp_identity() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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


--
-- Name: warroom_user_add(text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_user_add(p_name text, p_role text, p_verifier text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $_$
DECLARE
    me    text := warroom_actor();
    boot  boolean := COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false);
    req   bigint;
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not add users: commanders only', me USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,47}$' OR p_name ~ '^(pg_|warroom_)' OR p_name IN ('postgres', 'public') THEN
        RAISE EXCEPTION 'user name %: lower-case letters, digits and _, starting with a letter, not pg_ or warroom_', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_role NOT IN ('commander', 'engineer', 'finance', 'viewer') THEN
        RAISE EXCEPTION 'role %: use commander, engineer, finance or viewer', p_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_verifier !~ '^SCRAM-SHA-256\$' THEN
        RAISE EXCEPTION 'password must be a SCRAM-SHA-256 verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION 'a role named % already exists on this server', p_name USING ERRCODE = 'duplicate_object';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L', p_name, p_verifier);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), p_name);
    INSERT INTO warroom_users (name, role, created_by) VALUES (p_name, p_role, me);
    IF boot THEN
        EXECUTE format('GRANT %I TO %I', 'warroom_' || p_role, p_name);
        UPDATE warroom_users SET active = true WHERE name = p_name;
        RETURN NULL;
    END IF;
    INSERT INTO approvals (op, payload, reason, requested_by, expires_at)
    VALUES ('role_grant', jsonb_build_object('user', p_name, 'role', p_role), 'new user', me, now() + interval '24 hours')
    RETURNING id INTO req;
    RETURN req;
END $_$;


--
-- Name: warroom_user_revoke(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_user_revoke(p_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
DECLARE
    g text;
BEGIN
    IF NOT warroom_has_role('commander') THEN
        RAISE EXCEPTION '% may not revoke users: commanders only', warroom_actor() USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM warroom_users WHERE name = p_name AND revoked_at IS NULL) THEN
        RAISE EXCEPTION 'user % is not an active user of this database', p_name USING ERRCODE = 'no_data_found';
    END IF;
    FOREACH g IN ARRAY ARRAY['commander', 'engineer', 'finance', 'viewer'] LOOP
        EXECUTE format('REVOKE %I FROM %I', 'warroom_' || g, p_name);
    END LOOP;
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM %I', current_database(), p_name);
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    UPDATE warroom_users SET active = false, revoked_by = warroom_actor(), revoked_at = now() WHERE name = p_name;
    -- Pending requests of a revoked user die with their access.
    UPDATE approvals SET state = 'rejected', decided_by = warroom_actor(), decided_at = now(),
        decision_note = 'requester revoked'
    WHERE state = 'pending' AND requested_by = p_name;
END $$;


--
-- Name: warroom_word(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_word(p_kind text, p_value text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT COALESCE((SELECT w.word FROM warroom_words w WHERE w.kind = p_kind AND w.value = p_value),
                    translate(p_value, '_-', '  '))
$$;


--
-- Name: warroom_words_or(text, text[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.warroom_words_or(p_kind text, p_values text[]) RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
    SELECT CASE WHEN n <= 1 THEN COALESCE(ws[1], '')
                ELSE array_to_string(ws[1:n - 1], ', ') || ' or ' || ws[n] END
    FROM (SELECT array_agg(warroom_word(p_kind, v) ORDER BY i) AS ws, count(*)::integer AS n
          FROM unnest(p_values) WITH ORDINALITY AS u(v, i)) x
$$;


--
-- Name: action_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.action_items (
    id bigint NOT NULL,
    measure_id bigint NOT NULL,
    "position" integer NOT NULL,
    title text NOT NULL,
    owner text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'open'::text NOT NULL,
    due date,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    updated_by text DEFAULT public.warroom_actor() NOT NULL,
    CONSTRAINT action_items_status_check CHECK ((status = ANY (ARRAY['open'::text, 'in_progress'::text, 'done'::text, 'wont_do'::text]))),
    CONSTRAINT action_items_title_check CHECK ((btrim(title) <> ''::text)),
    CONSTRAINT action_items_wont_do_reason CHECK (((status <> 'wont_do'::text) OR (btrim(reason) <> ''::text)))
);


--
-- Name: action_items_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.action_items_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: action_items_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.action_items_id_seq OWNED BY public.action_items.id;


--
-- Name: approvals_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.approvals_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: approvals_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.approvals_id_seq OWNED BY public.approvals.id;


--
-- Name: audit_chain; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_chain (
    seq bigint NOT NULL,
    audit_id bigint NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT audit_chain_hash_check CHECK ((length(hash) = 32)),
    CONSTRAINT audit_chain_seq_check CHECK ((seq > 0))
);


--
-- Name: audit_head; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_head (
    one boolean DEFAULT true NOT NULL,
    seq bigint NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT audit_head_one_check CHECK (one)
);


--
-- Name: audit_log_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.audit_log_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: audit_log_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.audit_log_id_seq OWNED BY public.audit_log.id;


--
-- Name: claims; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.claims (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    merchant_id bigint NOT NULL,
    plan text,
    state text DEFAULT 'computed'::text NOT NULL,
    amount_fen bigint DEFAULT 0 NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    chosen_at timestamp with time zone,
    approved_at timestamp with time zone,
    paid_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    baseline_fen bigint,
    margin_rate_id bigint,
    margin_percent numeric(7,4),
    cash_fen bigint,
    paid_fen bigint DEFAULT 0 NOT NULL,
    CONSTRAINT claims_amount_fen_check CHECK ((amount_fen >= 0)),
    CONSTRAINT claims_awaiting_rate CHECK (((state <> 'awaiting_rate'::text) OR ((cash_fen IS NULL) AND (plan IS NULL)))),
    CONSTRAINT claims_baseline_fen_check CHECK ((baseline_fen >= 0)),
    CONSTRAINT claims_cash_fen_check CHECK ((cash_fen >= 0)),
    CONSTRAINT claims_check CHECK (((state = ANY (ARRAY['awaiting_rate'::text, 'computed'::text, 'rejected'::text])) OR (plan IS NOT NULL))),
    CONSTRAINT claims_not_overpaid CHECK ((paid_fen <= amount_fen)),
    CONSTRAINT claims_paid_fen_check CHECK ((paid_fen >= 0)),
    CONSTRAINT claims_plan_check CHECK ((plan = ANY (ARRAY['cash'::text, 'traffic'::text]))),
    CONSTRAINT claims_state_check CHECK ((state = ANY (ARRAY['awaiting_rate'::text, 'computed'::text, 'chosen'::text, 'approved'::text, 'paid'::text, 'rejected'::text])))
)
PARTITION BY LIST (incident_id);


--
-- Name: claims_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.claims_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: claims_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.claims_id_seq OWNED BY public.claims.id;


--
-- Name: claims_default; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.claims_default (
    id bigint DEFAULT nextval('public.claims_id_seq'::regclass) NOT NULL,
    incident_id bigint NOT NULL,
    merchant_id bigint NOT NULL,
    plan text,
    state text DEFAULT 'computed'::text NOT NULL,
    amount_fen bigint DEFAULT 0 NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    chosen_at timestamp with time zone,
    approved_at timestamp with time zone,
    paid_at timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    baseline_fen bigint,
    margin_rate_id bigint,
    margin_percent numeric(7,4),
    cash_fen bigint,
    paid_fen bigint DEFAULT 0 NOT NULL,
    CONSTRAINT claims_amount_fen_check CHECK ((amount_fen >= 0)),
    CONSTRAINT claims_awaiting_rate CHECK (((state <> 'awaiting_rate'::text) OR ((cash_fen IS NULL) AND (plan IS NULL)))),
    CONSTRAINT claims_baseline_fen_check CHECK ((baseline_fen >= 0)),
    CONSTRAINT claims_cash_fen_check CHECK ((cash_fen >= 0)),
    CONSTRAINT claims_check CHECK (((state = ANY (ARRAY['awaiting_rate'::text, 'computed'::text, 'rejected'::text])) OR (plan IS NOT NULL))),
    CONSTRAINT claims_not_overpaid CHECK ((paid_fen <= amount_fen)),
    CONSTRAINT claims_paid_fen_check CHECK ((paid_fen >= 0)),
    CONSTRAINT claims_plan_check CHECK ((plan = ANY (ARRAY['cash'::text, 'traffic'::text]))),
    CONSTRAINT claims_state_check CHECK ((state = ANY (ARRAY['awaiting_rate'::text, 'computed'::text, 'chosen'::text, 'approved'::text, 'paid'::text, 'rejected'::text])))
);


--
-- Name: contributions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contributions (
    id bigint NOT NULL,
    contributor_id bigint NOT NULL,
    amount_fen bigint NOT NULL,
    received_at timestamp with time zone NOT NULL,
    reference text DEFAULT ''::text NOT NULL,
    CONSTRAINT contributions_amount_fen_check CHECK ((amount_fen > 0))
);


--
-- Name: contributions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.contributions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: contributions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.contributions_id_seq OWNED BY public.contributions.id;


--
-- Name: contributors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.contributors (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    person_id bigint,
    name text NOT NULL,
    native_name text DEFAULT ''::text NOT NULL,
    role text DEFAULT ''::text NOT NULL,
    "position" integer NOT NULL,
    pledged_fen bigint NOT NULL,
    pledged_at timestamp with time zone,
    pledge_note text DEFAULT ''::text NOT NULL,
    CONSTRAINT contributors_name_check CHECK ((btrim(name) <> ''::text)),
    CONSTRAINT contributors_pledged_fen_check CHECK ((pledged_fen >= 0))
);


--
-- Name: contributors_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.contributors_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: contributors_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.contributors_id_seq OWNED BY public.contributors.id;


--
-- Name: margin_rates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.margin_rates (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    industry text NOT NULL,
    percent numeric(7,4) NOT NULL,
    source text NOT NULL,
    set_at timestamp with time zone DEFAULT now() NOT NULL,
    set_by text DEFAULT public.warroom_actor() NOT NULL,
    CONSTRAINT margin_rates_industry_check CHECK ((btrim(industry) <> ''::text)),
    CONSTRAINT margin_rates_percent_check CHECK (((percent >= (0)::numeric) AND (percent <= (100)::numeric))),
    CONSTRAINT margin_rates_source_check CHECK ((btrim(source) <> ''::text))
);


--
-- Name: current_margin_rates; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.current_margin_rates AS
 SELECT DISTINCT ON (margin_rates.incident_id, margin_rates.industry) margin_rates.id,
    margin_rates.incident_id,
    margin_rates.industry,
    margin_rates.percent,
    margin_rates.source,
    margin_rates.set_at,
    margin_rates.set_by
   FROM public.margin_rates
  ORDER BY margin_rates.incident_id, margin_rates.industry, margin_rates.id DESC;


--
-- Name: findings; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.findings (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    person_id bigint NOT NULL,
    "position" integer NOT NULL,
    finding text NOT NULL,
    consequence text DEFAULT ''::text NOT NULL
);


--
-- Name: findings_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.findings_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: findings_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.findings_id_seq OWNED BY public.findings.id;


--
-- Name: funds; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.funds (
    incident_id bigint NOT NULL,
    currency text DEFAULT 'CNY'::text NOT NULL,
    baseline_start timestamp with time zone,
    baseline_end timestamp with time zone,
    outage_start timestamp with time zone,
    outage_end timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    inkind_value_fen bigint DEFAULT 1200000 NOT NULL,
    pledged_fen bigint DEFAULT 0 NOT NULL,
    committed_fen bigint DEFAULT 0 NOT NULL,
    paid_fen bigint DEFAULT 0 NOT NULL,
    claims_count bigint DEFAULT 0 NOT NULL,
    paid_claims bigint DEFAULT 0 NOT NULL,
    payout_approval_fen bigint DEFAULT 1000000 NOT NULL,
    outage_end_follows boolean DEFAULT false NOT NULL,
    received_fen bigint DEFAULT 0 NOT NULL,
    inkind_plan text DEFAULT ''::text NOT NULL,
    inkind_value_source text DEFAULT ''::text NOT NULL,
    CONSTRAINT fund_counters_positive CHECK (((pledged_fen >= 0) AND (committed_fen >= 0) AND (paid_fen >= 0))),
    CONSTRAINT fund_not_overdrawn CHECK (((committed_fen + paid_fen) <= pledged_fen)),
    CONSTRAINT funds_check CHECK (((baseline_end IS NULL) OR (baseline_start IS NULL) OR (baseline_end > baseline_start))),
    CONSTRAINT funds_check1 CHECK (((outage_end IS NULL) OR (outage_start IS NULL) OR (outage_end > outage_start))),
    CONSTRAINT funds_currency_check CHECK ((currency ~ '^[A-Z]{3}$'::text)),
    CONSTRAINT funds_inkind_value_fen_check CHECK ((inkind_value_fen >= 0)),
    CONSTRAINT funds_payout_approval_fen_check CHECK ((payout_approval_fen >= 0)),
    CONSTRAINT funds_received_fen_check CHECK ((received_fen >= 0))
);


--
-- Name: COLUMN funds.inkind_value_fen; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.funds.inkind_value_fen IS 'Internal cost to the fund of one in-kind (traffic) plan. Default 12,000.00 yuan: see compensation/plans.go.';


--
-- Name: incident_roles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.incident_roles (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    role text NOT NULL,
    person text NOT NULL,
    assigned_by text DEFAULT public.warroom_actor() NOT NULL,
    assigned_at timestamp with time zone DEFAULT now() NOT NULL,
    ended_at timestamp with time zone,
    CONSTRAINT incident_roles_check CHECK (((ended_at IS NULL) OR (ended_at >= assigned_at))),
    CONSTRAINT incident_roles_person_check CHECK (((btrim(person) <> ''::text) AND (length(person) <= 100))),
    CONSTRAINT incident_roles_role_check CHECK ((role ~ '^[a-z][a-z0-9_-]{0,39}$'::text))
);


--
-- Name: incident_roles_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.incident_roles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: incident_roles_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.incident_roles_id_seq OWNED BY public.incident_roles.id;


--
-- Name: incidents_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.incidents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: incidents_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.incidents_id_seq OWNED BY public.incidents.id;


--
-- Name: margin_rates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.margin_rates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: margin_rates_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.margin_rates_id_seq OWNED BY public.margin_rates.id;


--
-- Name: merchant_imports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.merchant_imports (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    merchants bigint NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_by text DEFAULT public.warroom_actor() NOT NULL,
    CONSTRAINT merchant_imports_merchants_check CHECK ((merchants >= 0)),
    CONSTRAINT merchant_imports_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: merchant_imports_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.merchant_imports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: merchant_imports_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.merchant_imports_id_seq OWNED BY public.merchant_imports.id;


--
-- Name: merchants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.merchants (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    merchant_id text NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    industry text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT merchants_merchant_id_check CHECK ((btrim(merchant_id) <> ''::text))
)
PARTITION BY LIST (incident_id);


--
-- Name: merchants_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.merchants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: merchants_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.merchants_id_seq OWNED BY public.merchants.id;


--
-- Name: merchants_default; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.merchants_default (
    id bigint DEFAULT nextval('public.merchants_id_seq'::regclass) NOT NULL,
    incident_id bigint NOT NULL,
    merchant_id text NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    industry text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT merchants_merchant_id_check CHECK ((btrim(merchant_id) <> ''::text))
);


--
-- Name: milestone_domains; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.milestone_domains (
    milestone_id bigint NOT NULL,
    incident_id bigint NOT NULL,
    domain text NOT NULL,
    linked boolean DEFAULT true NOT NULL,
    linked_at timestamp with time zone DEFAULT now() NOT NULL,
    linked_by text DEFAULT public.warroom_actor() NOT NULL,
    CONSTRAINT milestone_domains_domain_check CHECK (((btrim(domain) <> ''::text) AND (length(domain) <= 64)))
);


--
-- Name: milestone_updates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.milestone_updates (
    id bigint NOT NULL,
    milestone_id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    author text DEFAULT public.warroom_actor() NOT NULL,
    from_status text,
    to_status text NOT NULL,
    from_progress smallint,
    to_progress smallint NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    CONSTRAINT milestone_updates_to_progress_check CHECK (((to_progress >= 0) AND (to_progress <= 100)))
);


--
-- Name: milestone_updates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.milestone_updates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: milestone_updates_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.milestone_updates_id_seq OWNED BY public.milestone_updates.id;


--
-- Name: milestones; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.milestones (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    key text NOT NULL,
    title text NOT NULL,
    owner text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'planned'::text NOT NULL,
    progress smallint DEFAULT 0 NOT NULL,
    "position" integer NOT NULL,
    planned_start timestamp with time zone,
    planned_end timestamp with time zone,
    actual_start timestamp with time zone,
    actual_end timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_by text DEFAULT public.warroom_actor() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    voided_at timestamp with time zone,
    voided_by text,
    void_reason text,
    void_approval bigint,
    CONSTRAINT milestones_check CHECK (((status <> 'done'::text) OR (progress = 100))),
    CONSTRAINT milestones_key_check CHECK ((key ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT milestones_progress_check CHECK (((progress >= 0) AND (progress <= 100))),
    CONSTRAINT milestones_status_check CHECK ((status = ANY (ARRAY['planned'::text, 'in_progress'::text, 'blocked'::text, 'done'::text]))),
    CONSTRAINT milestones_title_check CHECK ((btrim(title) <> ''::text)),
    CONSTRAINT milestones_void CHECK (((voided_at IS NULL) = (voided_by IS NULL)))
);


--
-- Name: milestones_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.milestones_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: milestones_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.milestones_id_seq OWNED BY public.milestones.id;


--
-- Name: payouts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.payouts (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    claim_id bigint NOT NULL,
    amount_fen bigint NOT NULL,
    paid_at timestamp with time zone DEFAULT now() NOT NULL,
    idempotency_key text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    created_by text DEFAULT SESSION_USER NOT NULL,
    approval_id bigint,
    CONSTRAINT payouts_amount_fen_check CHECK ((amount_fen > 0))
);


--
-- Name: payouts_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.payouts_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: payouts_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.payouts_id_seq OWNED BY public.payouts.id;


--
-- Name: people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.people (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    name text NOT NULL,
    native_name text DEFAULT ''::text NOT NULL,
    title text DEFAULT ''::text NOT NULL,
    CONSTRAINT people_name_check CHECK ((btrim(name) <> ''::text))
);


--
-- Name: people_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.people_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: people_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.people_id_seq OWNED BY public.people.id;


--
-- Name: plan_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.plan_changes (
    id bigint NOT NULL,
    claim_id bigint NOT NULL,
    from_plan text NOT NULL,
    to_plan text NOT NULL,
    reason text NOT NULL,
    changed_by text DEFAULT public.warroom_actor() NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL,
    txid bigint DEFAULT txid_current() NOT NULL,
    incident_id bigint NOT NULL,
    CONSTRAINT plan_changes_reason_check CHECK ((btrim(reason) <> ''::text)),
    CONSTRAINT plan_changes_to_plan_check CHECK ((to_plan = ANY (ARRAY['cash'::text, 'traffic'::text])))
);


--
-- Name: plan_changes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.plan_changes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: plan_changes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.plan_changes_id_seq OWNED BY public.plan_changes.id;


--
-- Name: remediation_measures; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.remediation_measures (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    "position" integer NOT NULL,
    title text NOT NULL,
    summary text DEFAULT ''::text NOT NULL,
    CONSTRAINT remediation_measures_title_check CHECK ((btrim(title) <> ''::text))
);


--
-- Name: remediation_measures_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.remediation_measures_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: remediation_measures_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.remediation_measures_id_seq OWNED BY public.remediation_measures.id;


--
-- Name: restore_snapshots_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.restore_snapshots_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: restore_snapshots_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.restore_snapshots_id_seq OWNED BY public.restore_snapshots.id;


--
-- Name: sales_imports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sales_imports (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    rows_total bigint NOT NULL,
    rows_in_window bigint NOT NULL,
    rows_outside bigint NOT NULL,
    in_window_fen bigint NOT NULL,
    merchants bigint NOT NULL,
    imported_at timestamp with time zone DEFAULT now() NOT NULL,
    imported_by text DEFAULT public.warroom_actor() NOT NULL,
    CONSTRAINT sales_imports_check CHECK ((rows_total = (rows_in_window + rows_outside))),
    CONSTRAINT sales_imports_in_window_fen_check CHECK ((in_window_fen >= 0)),
    CONSTRAINT sales_imports_merchants_check CHECK ((merchants >= 0)),
    CONSTRAINT sales_imports_rows_in_window_check CHECK ((rows_in_window >= 0)),
    CONSTRAINT sales_imports_rows_outside_check CHECK ((rows_outside >= 0)),
    CONSTRAINT sales_imports_rows_total_check CHECK ((rows_total >= 0)),
    CONSTRAINT sales_imports_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);


--
-- Name: sales_imports_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.sales_imports_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: sales_imports_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.sales_imports_id_seq OWNED BY public.sales_imports.id;


--
-- Name: sales_totals; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sales_totals (
    import_id bigint NOT NULL,
    incident_id bigint NOT NULL,
    merchant_id bigint NOT NULL,
    baseline_fen bigint NOT NULL,
    sales_rows integer NOT NULL,
    CONSTRAINT sales_totals_baseline_fen_check CHECK ((baseline_fen >= 0)),
    CONSTRAINT sales_totals_sales_rows_check CHECK ((sales_rows > 0))
);


--
-- Name: serve_grants; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.serve_grants (
    id bigint NOT NULL,
    authenticator text NOT NULL,
    person text NOT NULL,
    op text NOT NULL,
    by_login text DEFAULT public.warroom_actor() NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT serve_grants_op_check CHECK ((op = ANY (ARRAY['grant'::text, 'revoke'::text])))
);


--
-- Name: serve_grants_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.serve_grants_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: serve_grants_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.serve_grants_id_seq OWNED BY public.serve_grants.id;


--
-- Name: serve_sessions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.serve_sessions (
    id bigint NOT NULL,
    login text DEFAULT public.warroom_login() NOT NULL,
    key_fingerprint text NOT NULL,
    remote text DEFAULT ''::text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    ended_at timestamp with time zone,
    end_reason text
);


--
-- Name: serve_sessions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.serve_sessions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: serve_sessions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.serve_sessions_id_seq OWNED BY public.serve_sessions.id;


--
-- Name: timeline_entries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.timeline_entries (
    id bigint NOT NULL,
    incident_id bigint NOT NULL,
    kind text NOT NULL,
    title text NOT NULL,
    body text DEFAULT ''::text NOT NULL,
    "precision" text DEFAULT 'minute'::text NOT NULL,
    planned_start timestamp with time zone,
    planned_end timestamp with time zone,
    actual_start timestamp with time zone,
    actual_end timestamp with time zone,
    author text DEFAULT public.warroom_actor() NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    voided_at timestamp with time zone,
    voided_by text,
    void_reason text,
    void_approval bigint,
    audience text,
    next_update_at timestamp with time zone,
    CONSTRAINT timeline_entries_audience_check CHECK ((audience = ANY (ARRAY['internal'::text, 'executives'::text, 'customers'::text]))),
    CONSTRAINT timeline_entries_check CHECK (((planned_start IS NOT NULL) OR (actual_start IS NOT NULL))),
    CONSTRAINT timeline_entries_check1 CHECK (((planned_end IS NULL) OR (planned_start IS NULL) OR (planned_end >= planned_start))),
    CONSTRAINT timeline_entries_check2 CHECK (((actual_end IS NULL) OR (actual_start IS NULL) OR (actual_end >= actual_start))),
    CONSTRAINT timeline_entries_kind_check CHECK ((kind = ANY (ARRAY['window'::text, 'outage'::text, 'restore'::text, 'recovery'::text, 'rehearsal'::text, 'cutover'::text, 'comms'::text, 'note'::text, 'update'::text, 'declared'::text, 'status'::text, 'severity'::text, 'role'::text]))),
    CONSTRAINT timeline_entries_precision_check CHECK (("precision" = ANY (ARRAY['minute'::text, 'day'::text, 'approx'::text]))),
    CONSTRAINT timeline_entries_title_check CHECK ((btrim(title) <> ''::text)),
    CONSTRAINT timeline_entries_update_audience CHECK (((kind = 'update'::text) = (audience IS NOT NULL))),
    CONSTRAINT timeline_entries_update_next CHECK (((next_update_at IS NULL) OR ((kind = 'update'::text) AND (next_update_at > COALESCE(actual_start, planned_start))))),
    CONSTRAINT timeline_entries_void CHECK (((voided_at IS NULL) = (voided_by IS NULL)))
);


--
-- Name: timeline_entries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.timeline_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: timeline_entries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.timeline_entries_id_seq OWNED BY public.timeline_entries.id;


--
-- Name: timeline_entry_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.timeline_entry_versions (
    entry_id bigint NOT NULL,
    version integer NOT NULL,
    kind text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    "precision" text NOT NULL,
    planned_start timestamp with time zone,
    planned_end timestamp with time zone,
    actual_start timestamp with time zone,
    actual_end timestamp with time zone,
    author text NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    replaced_by text NOT NULL,
    replaced_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: warroom_first_loads; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.warroom_first_loads (
    what text NOT NULL,
    CONSTRAINT warroom_first_loads_what_check CHECK ((what = ANY (ARRAY['claims'::text, 'merchants'::text])))
);


--
-- Name: warroom_operations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.warroom_operations (
    op text NOT NULL,
    requesters text[] NOT NULL,
    approvers text[] NOT NULL,
    executor regprocedure NOT NULL,
    required text[] DEFAULT '{}'::text[] NOT NULL,
    description text NOT NULL,
    CONSTRAINT warroom_operations_approvers_check CHECK ((cardinality(approvers) > 0)),
    CONSTRAINT warroom_operations_op_check CHECK ((op ~ '^[a-z][a-z_]{0,40}$'::text))
);


--
-- Name: warroom_users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.warroom_users (
    name text NOT NULL,
    role text NOT NULL,
    active boolean DEFAULT false NOT NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    revoked_by text,
    revoked_at timestamp with time zone,
    CONSTRAINT warroom_users_role_check CHECK ((role = ANY (ARRAY['commander'::text, 'engineer'::text, 'finance'::text, 'viewer'::text])))
);


--
-- Name: warroom_words; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.warroom_words (
    kind text NOT NULL,
    value text NOT NULL,
    word text NOT NULL
);


--
-- Name: claims_default; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims ATTACH PARTITION public.claims_default DEFAULT;


--
-- Name: merchants_default; Type: TABLE ATTACH; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchants ATTACH PARTITION public.merchants_default DEFAULT;


--
-- Name: action_items id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_items ALTER COLUMN id SET DEFAULT nextval('public.action_items_id_seq'::regclass);


--
-- Name: approvals id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.approvals ALTER COLUMN id SET DEFAULT nextval('public.approvals_id_seq'::regclass);


--
-- Name: audit_log id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log ALTER COLUMN id SET DEFAULT nextval('public.audit_log_id_seq'::regclass);


--
-- Name: claims id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims ALTER COLUMN id SET DEFAULT nextval('public.claims_id_seq'::regclass);


--
-- Name: contributions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributions ALTER COLUMN id SET DEFAULT nextval('public.contributions_id_seq'::regclass);


--
-- Name: contributors id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributors ALTER COLUMN id SET DEFAULT nextval('public.contributors_id_seq'::regclass);


--
-- Name: findings id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.findings ALTER COLUMN id SET DEFAULT nextval('public.findings_id_seq'::regclass);


--
-- Name: incident_roles id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incident_roles ALTER COLUMN id SET DEFAULT nextval('public.incident_roles_id_seq'::regclass);


--
-- Name: incidents id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incidents ALTER COLUMN id SET DEFAULT nextval('public.incidents_id_seq'::regclass);


--
-- Name: margin_rates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.margin_rates ALTER COLUMN id SET DEFAULT nextval('public.margin_rates_id_seq'::regclass);


--
-- Name: merchant_imports id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchant_imports ALTER COLUMN id SET DEFAULT nextval('public.merchant_imports_id_seq'::regclass);


--
-- Name: merchants id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchants ALTER COLUMN id SET DEFAULT nextval('public.merchants_id_seq'::regclass);


--
-- Name: milestone_updates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestone_updates ALTER COLUMN id SET DEFAULT nextval('public.milestone_updates_id_seq'::regclass);


--
-- Name: milestones id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestones ALTER COLUMN id SET DEFAULT nextval('public.milestones_id_seq'::regclass);


--
-- Name: payouts id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payouts ALTER COLUMN id SET DEFAULT nextval('public.payouts_id_seq'::regclass);


--
-- Name: people id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people ALTER COLUMN id SET DEFAULT nextval('public.people_id_seq'::regclass);


--
-- Name: plan_changes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plan_changes ALTER COLUMN id SET DEFAULT nextval('public.plan_changes_id_seq'::regclass);


--
-- Name: remediation_measures id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.remediation_measures ALTER COLUMN id SET DEFAULT nextval('public.remediation_measures_id_seq'::regclass);


--
-- Name: restore_snapshots id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restore_snapshots ALTER COLUMN id SET DEFAULT nextval('public.restore_snapshots_id_seq'::regclass);


--
-- Name: sales_imports id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales_imports ALTER COLUMN id SET DEFAULT nextval('public.sales_imports_id_seq'::regclass);


--
-- Name: serve_grants id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.serve_grants ALTER COLUMN id SET DEFAULT nextval('public.serve_grants_id_seq'::regclass);


--
-- Name: serve_sessions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.serve_sessions ALTER COLUMN id SET DEFAULT nextval('public.serve_sessions_id_seq'::regclass);


--
-- Name: timeline_entries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.timeline_entries ALTER COLUMN id SET DEFAULT nextval('public.timeline_entries_id_seq'::regclass);


--
-- Name: action_items action_items_measure_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_items
    ADD CONSTRAINT action_items_measure_id_position_key UNIQUE (measure_id, "position");


--
-- Name: action_items action_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_items
    ADD CONSTRAINT action_items_pkey PRIMARY KEY (id);


--
-- Name: approvals approvals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.approvals
    ADD CONSTRAINT approvals_pkey PRIMARY KEY (id);


--
-- Name: audit_chain audit_chain_audit_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain
    ADD CONSTRAINT audit_chain_audit_id_key UNIQUE (audit_id);


--
-- Name: audit_chain audit_chain_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain
    ADD CONSTRAINT audit_chain_pkey PRIMARY KEY (seq);


--
-- Name: audit_head audit_head_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_head
    ADD CONSTRAINT audit_head_pkey PRIMARY KEY (one);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: claims claims_merchant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims
    ADD CONSTRAINT claims_merchant_id_key UNIQUE (incident_id, merchant_id);


--
-- Name: claims_default claims_default_incident_id_merchant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims_default
    ADD CONSTRAINT claims_default_incident_id_merchant_id_key UNIQUE (incident_id, merchant_id);


--
-- Name: claims claims_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims
    ADD CONSTRAINT claims_pkey PRIMARY KEY (id, incident_id, merchant_id);


--
-- Name: claims_default claims_default_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims_default
    ADD CONSTRAINT claims_default_pkey PRIMARY KEY (id, incident_id, merchant_id);


--
-- Name: contributions contributions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributions
    ADD CONSTRAINT contributions_pkey PRIMARY KEY (id);


--
-- Name: contributors contributors_incident_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributors
    ADD CONSTRAINT contributors_incident_id_name_key UNIQUE (incident_id, name);


--
-- Name: contributors contributors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributors
    ADD CONSTRAINT contributors_pkey PRIMARY KEY (id);


--
-- Name: findings findings_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT findings_pkey PRIMARY KEY (id);


--
-- Name: funds funds_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.funds
    ADD CONSTRAINT funds_pkey PRIMARY KEY (incident_id);


--
-- Name: incident_roles incident_roles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incident_roles
    ADD CONSTRAINT incident_roles_pkey PRIMARY KEY (id);


--
-- Name: incidents incidents_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_pkey PRIMARY KEY (id);


--
-- Name: incidents incidents_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incidents
    ADD CONSTRAINT incidents_slug_key UNIQUE (slug);


--
-- Name: margin_rates margin_rates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.margin_rates
    ADD CONSTRAINT margin_rates_pkey PRIMARY KEY (id);


--
-- Name: merchant_imports merchant_imports_incident_id_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchant_imports
    ADD CONSTRAINT merchant_imports_incident_id_sha256_key UNIQUE (incident_id, sha256);


--
-- Name: merchant_imports merchant_imports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchant_imports
    ADD CONSTRAINT merchant_imports_pkey PRIMARY KEY (id);


--
-- Name: merchants merchants_incident_id_merchant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchants
    ADD CONSTRAINT merchants_incident_id_merchant_id_key UNIQUE (incident_id, merchant_id);


--
-- Name: merchants_default merchants_default_incident_id_merchant_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchants_default
    ADD CONSTRAINT merchants_default_incident_id_merchant_id_key UNIQUE (incident_id, merchant_id);


--
-- Name: merchants merchants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchants
    ADD CONSTRAINT merchants_pkey PRIMARY KEY (id, incident_id);


--
-- Name: merchants_default merchants_default_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchants_default
    ADD CONSTRAINT merchants_default_pkey PRIMARY KEY (id, incident_id);


--
-- Name: milestone_domains milestone_domains_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestone_domains
    ADD CONSTRAINT milestone_domains_pkey PRIMARY KEY (milestone_id, domain);


--
-- Name: milestone_updates milestone_updates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestone_updates
    ADD CONSTRAINT milestone_updates_pkey PRIMARY KEY (id);


--
-- Name: milestones milestones_id_incident_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestones
    ADD CONSTRAINT milestones_id_incident_key UNIQUE (id, incident_id);


--
-- Name: milestones milestones_incident_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestones
    ADD CONSTRAINT milestones_incident_id_key_key UNIQUE (incident_id, key);


--
-- Name: milestones milestones_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestones
    ADD CONSTRAINT milestones_pkey PRIMARY KEY (id);


--
-- Name: payouts payouts_idempotency_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payouts
    ADD CONSTRAINT payouts_idempotency_key_key UNIQUE (incident_id, idempotency_key);


--
-- Name: payouts payouts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payouts
    ADD CONSTRAINT payouts_pkey PRIMARY KEY (id);


--
-- Name: people people_incident_id_name_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_incident_id_name_key UNIQUE (incident_id, name);


--
-- Name: people people_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (id);


--
-- Name: plan_changes plan_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.plan_changes
    ADD CONSTRAINT plan_changes_pkey PRIMARY KEY (id);


--
-- Name: remediation_measures remediation_measures_incident_id_position_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.remediation_measures
    ADD CONSTRAINT remediation_measures_incident_id_position_key UNIQUE (incident_id, "position");


--
-- Name: remediation_measures remediation_measures_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.remediation_measures
    ADD CONSTRAINT remediation_measures_pkey PRIMARY KEY (id);


--
-- Name: restore_snapshots restore_snapshots_incident_id_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restore_snapshots
    ADD CONSTRAINT restore_snapshots_incident_id_sha256_key UNIQUE (incident_id, sha256);


--
-- Name: restore_snapshots restore_snapshots_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restore_snapshots
    ADD CONSTRAINT restore_snapshots_pkey PRIMARY KEY (id);


--
-- Name: restore_totals restore_totals_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restore_totals
    ADD CONSTRAINT restore_totals_pkey PRIMARY KEY (snapshot_id, domain);


--
-- Name: sales_imports sales_imports_incident_id_sha256_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales_imports
    ADD CONSTRAINT sales_imports_incident_id_sha256_key UNIQUE (incident_id, sha256);


--
-- Name: sales_imports sales_imports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales_imports
    ADD CONSTRAINT sales_imports_pkey PRIMARY KEY (id);


--
-- Name: serve_grants serve_grants_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.serve_grants
    ADD CONSTRAINT serve_grants_pkey PRIMARY KEY (id);


--
-- Name: serve_sessions serve_sessions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.serve_sessions
    ADD CONSTRAINT serve_sessions_pkey PRIMARY KEY (id);


--
-- Name: timeline_entries timeline_entries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.timeline_entries
    ADD CONSTRAINT timeline_entries_pkey PRIMARY KEY (id);


--
-- Name: timeline_entry_versions timeline_entry_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.timeline_entry_versions
    ADD CONSTRAINT timeline_entry_versions_pkey PRIMARY KEY (entry_id, version);


--
-- Name: warroom_first_loads warroom_first_loads_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.warroom_first_loads
    ADD CONSTRAINT warroom_first_loads_pkey PRIMARY KEY (what);


--
-- Name: warroom_operations warroom_operations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.warroom_operations
    ADD CONSTRAINT warroom_operations_pkey PRIMARY KEY (op);


--
-- Name: warroom_users warroom_users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.warroom_users
    ADD CONSTRAINT warroom_users_pkey PRIMARY KEY (name);


--
-- Name: warroom_words warroom_words_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.warroom_words
    ADD CONSTRAINT warroom_words_pkey PRIMARY KEY (kind, value);


--
-- Name: approvals_pending; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX approvals_pending ON public.approvals USING btree (expires_at) WHERE (state = 'pending'::text);


--
-- Name: audit_log_incident; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_incident ON public.audit_log USING btree (incident_id, id);


--
-- Name: audit_log_txid; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_txid ON public.audit_log USING btree (txid);


--
-- Name: claims_incident_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX claims_incident_state ON ONLY public.claims USING btree (incident_id, state);


--
-- Name: claims_default_incident_state; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX claims_default_incident_state ON public.claims_default USING btree (incident_id, state);


--
-- Name: contributions_reference_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX contributions_reference_key ON public.contributions USING btree (contributor_id, lower(btrim(reference))) WHERE (btrim(reference) <> ''::text);


--
-- Name: incident_roles_one_commander; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX incident_roles_one_commander ON public.incident_roles USING btree (incident_id) WHERE ((role = 'commander'::text) AND (ended_at IS NULL));


--
-- Name: incident_roles_one_holder; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX incident_roles_one_holder ON public.incident_roles USING btree (incident_id, role) WHERE (ended_at IS NULL);


--
-- Name: margin_rates_current; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX margin_rates_current ON public.margin_rates USING btree (incident_id, industry, id DESC);


--
-- Name: merchants_incident_industry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX merchants_incident_industry ON ONLY public.merchants USING btree (incident_id, industry);


--
-- Name: merchants_default_incident_industry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX merchants_default_incident_industry ON public.merchants_default USING btree (incident_id, industry);


--
-- Name: milestone_updates_milestone_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX milestone_updates_milestone_at ON public.milestone_updates USING btree (milestone_id, at);


--
-- Name: payouts_approval; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payouts_approval ON public.payouts USING btree (approval_id) WHERE (approval_id IS NOT NULL);


--
-- Name: payouts_claim; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payouts_claim ON public.payouts USING btree (claim_id);


--
-- Name: payouts_incident_paid_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX payouts_incident_paid_at ON public.payouts USING btree (incident_id, paid_at);


--
-- Name: plan_changes_claim; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX plan_changes_claim ON public.plan_changes USING btree (claim_id);


--
-- Name: restore_snapshots_incident; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX restore_snapshots_incident ON public.restore_snapshots USING btree (incident_id, taken_at, id);


--
-- Name: restore_totals_incident; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX restore_totals_incident ON public.restore_totals USING btree (incident_id, snapshot_id);


--
-- Name: sales_totals_import; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sales_totals_import ON public.sales_totals USING btree (import_id);


--
-- Name: sales_totals_merchant; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sales_totals_merchant ON public.sales_totals USING btree (merchant_id);


--
-- Name: timeline_entries_incident_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX timeline_entries_incident_at ON public.timeline_entries USING btree (incident_id, COALESCE(actual_start, planned_start), id);


--
-- Name: timeline_entries_updates; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX timeline_entries_updates ON public.timeline_entries USING btree (incident_id, actual_start DESC, id DESC) WHERE ((kind = 'update'::text) AND (voided_at IS NULL));


--
-- Name: claims_default_incident_id_merchant_id_key; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.claims_merchant_id_key ATTACH PARTITION public.claims_default_incident_id_merchant_id_key;


--
-- Name: claims_default_incident_state; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.claims_incident_state ATTACH PARTITION public.claims_default_incident_state;


--
-- Name: claims_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.claims_pkey ATTACH PARTITION public.claims_default_pkey;


--
-- Name: merchants_default_incident_id_merchant_id_key; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.merchants_incident_id_merchant_id_key ATTACH PARTITION public.merchants_default_incident_id_merchant_id_key;


--
-- Name: merchants_default_incident_industry; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.merchants_incident_industry ATTACH PARTITION public.merchants_default_incident_industry;


--
-- Name: merchants_default_pkey; Type: INDEX ATTACH; Schema: public; Owner: -
--

ALTER INDEX public.merchants_pkey ATTACH PARTITION public.merchants_default_pkey;


--
-- Name: audit_chain append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON public.audit_chain FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_append_only();


--
-- Name: audit_head append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR TRUNCATE ON public.audit_head FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_append_only();


--
-- Name: audit_log append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_append_only();


--
-- Name: payouts append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER append_only BEFORE DELETE OR UPDATE ON public.payouts FOR EACH ROW EXECUTE FUNCTION public.warroom_payouts_append_only();


--
-- Name: action_items audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.action_items REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: approvals audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.approvals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: claims audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.claims REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: claims_default audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.claims_default REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: contributions audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.contributions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: contributors audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.contributors REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: findings audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.findings REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: funds audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.funds REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: incident_roles audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.incident_roles REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: incidents audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.incidents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: margin_rates audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.margin_rates REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchant_imports audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.merchant_imports REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchants audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.merchants REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchants_default audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.merchants_default REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestone_domains audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.milestone_domains REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestone_updates audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.milestone_updates REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestones audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.milestones REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: payouts audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.payouts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: people audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.people REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: plan_changes audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.plan_changes REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: remediation_measures audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.remediation_measures REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: restore_snapshots audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.restore_snapshots REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: restore_totals audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.restore_totals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: sales_imports audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.sales_imports REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: sales_totals audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.sales_totals REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: serve_grants audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.serve_grants REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: serve_sessions audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.serve_sessions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: timeline_entries audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.timeline_entries REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: timeline_entry_versions audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.timeline_entry_versions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_first_loads audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.warroom_first_loads REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_operations audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.warroom_operations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_users audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.warroom_users REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_words audit_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_delete AFTER DELETE ON public.warroom_words REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: action_items audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.action_items REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: approvals audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.approvals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: claims audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.claims REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: claims_default audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.claims_default REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: contributions audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.contributions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: contributors audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.contributors REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: findings audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.findings REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: funds audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.funds REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: incident_roles audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.incident_roles REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: incidents audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.incidents REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: margin_rates audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.margin_rates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchant_imports audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.merchant_imports REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchants audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.merchants REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchants_default audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.merchants_default REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestone_domains audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.milestone_domains REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestone_updates audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.milestone_updates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestones audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.milestones REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: payouts audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.payouts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: people audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.people REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: plan_changes audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.plan_changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: remediation_measures audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.remediation_measures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: restore_snapshots audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.restore_snapshots REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: restore_totals audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.restore_totals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: sales_imports audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.sales_imports REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: sales_totals audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.sales_totals REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: serve_grants audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.serve_grants REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: serve_sessions audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.serve_sessions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: timeline_entries audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.timeline_entries REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: timeline_entry_versions audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.timeline_entry_versions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_first_loads audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.warroom_first_loads REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_operations audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.warroom_operations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_users audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.warroom_users REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_words audit_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_insert AFTER INSERT ON public.warroom_words REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: action_items audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.action_items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: approvals audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.approvals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: claims audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.claims REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: claims_default audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.claims_default REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: contributions audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.contributions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: contributors audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.contributors REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: findings audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.findings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: funds audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.funds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: incident_roles audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.incident_roles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: incidents audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.incidents REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: margin_rates audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.margin_rates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchant_imports audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.merchant_imports REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchants audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.merchants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: merchants_default audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.merchants_default REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestone_domains audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.milestone_domains REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestone_updates audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.milestone_updates REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: milestones audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.milestones REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: payouts audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.payouts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: people audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.people REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: plan_changes audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.plan_changes REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: remediation_measures audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.remediation_measures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: restore_snapshots audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.restore_snapshots REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: restore_totals audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.restore_totals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: sales_imports audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.sales_imports REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: sales_totals audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.sales_totals REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: serve_grants audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.serve_grants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: serve_sessions audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.serve_sessions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: timeline_entries audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.timeline_entries REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: timeline_entry_versions audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.timeline_entry_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_first_loads audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.warroom_first_loads REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_operations audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.warroom_operations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_users audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.warroom_users REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: warroom_words audit_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_update AFTER UPDATE ON public.warroom_words REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_audit_statement();


--
-- Name: action_items bump_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER bump_version BEFORE UPDATE ON public.action_items FOR EACH ROW EXECUTE FUNCTION public.warroom_bump_version();


--
-- Name: claims bump_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER bump_version BEFORE UPDATE ON public.claims FOR EACH ROW WHEN ((new.version IS DISTINCT FROM (old.version + 1))) EXECUTE FUNCTION public.warroom_bump_version();


--
-- Name: incidents bump_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER bump_version BEFORE UPDATE ON public.incidents FOR EACH ROW EXECUTE FUNCTION public.warroom_bump_version();


--
-- Name: milestones bump_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER bump_version BEFORE UPDATE ON public.milestones FOR EACH ROW EXECUTE FUNCTION public.warroom_bump_version();


--
-- Name: claims cascade_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER cascade_delete AFTER DELETE ON public.claims REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_cascade_claims();


--
-- Name: incidents cascade_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER cascade_delete AFTER DELETE ON public.incidents REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_cascade_delete();


--
-- Name: merchants cascade_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER cascade_delete AFTER DELETE ON public.merchants REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_cascade_delete();


--
-- Name: audit_log chain; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER chain AFTER INSERT ON public.audit_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.warroom_audit_chain();


--
-- Name: payouts check_claim_refs; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_claim_refs AFTER INSERT ON public.payouts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_check_claim_refs();


--
-- Name: plan_changes check_claim_refs; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_claim_refs AFTER INSERT ON public.plan_changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_check_claim_refs();


--
-- Name: plan_changes check_claim_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_claim_update AFTER UPDATE ON public.plan_changes REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_check_claim_refs();


--
-- Name: claims check_lifecycle; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_lifecycle AFTER INSERT ON public.claims REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_guard_claims();


--
-- Name: claims check_lifecycle_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_lifecycle_update AFTER UPDATE ON public.claims REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_guard_claims();


--
-- Name: claims check_ref_move; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_ref_move BEFORE UPDATE OF merchant_id ON public.claims FOR EACH ROW WHEN ((new.merchant_id IS DISTINCT FROM old.merchant_id)) EXECUTE FUNCTION public.warroom_check_claim_move();


--
-- Name: claims check_ref_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_ref_update AFTER UPDATE OF incident_id, merchant_id ON public.claims FOR EACH ROW WHEN (((new.incident_id IS DISTINCT FROM old.incident_id) OR (new.merchant_id IS DISTINCT FROM old.merchant_id))) EXECUTE FUNCTION public.warroom_check_ref_row('claims');


--
-- Name: claims check_refs; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_refs AFTER INSERT ON public.claims REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN ((NOT public.warroom_claims_trusted())) EXECUTE FUNCTION public.warroom_check_refs();


--
-- Name: merchants check_refs; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER check_refs AFTER INSERT ON public.merchants REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_check_refs();


--
-- Name: sales_imports drop_totals; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER drop_totals AFTER DELETE ON public.sales_imports REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_drop_sales_totals();


--
-- Name: payouts fund_counters; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fund_counters AFTER INSERT ON public.payouts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_payouts_counters();


--
-- Name: claims fund_counters_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fund_counters_delete AFTER DELETE ON public.claims REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_claims_counters();


--
-- Name: claims fund_counters_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fund_counters_insert AFTER INSERT ON public.claims REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_claims_counters();


--
-- Name: claims fund_counters_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fund_counters_update AFTER UPDATE ON public.claims REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_claims_counters();


--
-- Name: incidents fund_follow_resolution; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fund_follow_resolution AFTER UPDATE OF resolved_at ON public.incidents FOR EACH ROW WHEN ((new.resolved_at IS DISTINCT FROM old.resolved_at)) EXECUTE FUNCTION public.warroom_fund_follow_resolution();


--
-- Name: margin_rates guard_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_change AFTER INSERT ON public.margin_rates REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_guard_margin_rates();


--
-- Name: funds guard_fund_terms; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_fund_terms BEFORE UPDATE ON public.funds FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_fund_terms();


--
-- Name: timeline_entries guard_lifecycle_entry; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_lifecycle_entry BEFORE INSERT OR UPDATE ON public.timeline_entries FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_lifecycle_entry();


--
-- Name: contributions guard_money; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_money BEFORE UPDATE ON public.contributions FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_money();


--
-- Name: contributors guard_money; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_money BEFORE UPDATE ON public.contributors FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_money();


--
-- Name: funds guard_money; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_money BEFORE UPDATE ON public.funds FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_money();


--
-- Name: contributors guard_money_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_money_insert BEFORE INSERT ON public.contributors FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_money();


--
-- Name: funds guard_money_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_money_insert BEFORE INSERT ON public.funds FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_money();


--
-- Name: payouts guard_threshold; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_threshold AFTER INSERT ON public.payouts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_guard_payouts();


--
-- Name: milestones guard_void; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_void BEFORE UPDATE ON public.milestones FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_void();


--
-- Name: timeline_entries guard_void; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER guard_void BEFORE UPDATE ON public.timeline_entries FOR EACH ROW EXECUTE FUNCTION public.warroom_guard_void();


--
-- Name: payouts identity; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity AFTER INSERT ON public.payouts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_payouts_identity();


--
-- Name: action_items identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.action_items FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('updated_by', 'editor');


--
-- Name: incident_roles identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.incident_roles FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('assigned_by', 'creator');


--
-- Name: margin_rates identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.margin_rates FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('set_by', 'creator');


--
-- Name: merchant_imports identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.merchant_imports FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('imported_by', 'creator');


--
-- Name: milestone_updates identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.milestone_updates FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('author', 'creator');


--
-- Name: milestones identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.milestones FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('updated_by', 'editor');


--
-- Name: plan_changes identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.plan_changes FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('changed_by', 'creator');


--
-- Name: sales_imports identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.sales_imports FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('imported_by', 'creator');


--
-- Name: timeline_entries identity_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_insert BEFORE INSERT ON public.timeline_entries FOR EACH ROW EXECUTE FUNCTION public.warroom_stamp_identity('author', 'creator');


--
-- Name: action_items identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.action_items FOR EACH ROW WHEN ((new.updated_by IS DISTINCT FROM old.updated_by)) EXECUTE FUNCTION public.warroom_stamp_identity('updated_by', 'editor');


--
-- Name: incident_roles identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.incident_roles FOR EACH ROW WHEN ((new.assigned_by IS DISTINCT FROM old.assigned_by)) EXECUTE FUNCTION public.warroom_stamp_identity('assigned_by', 'creator');


--
-- Name: incidents identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.incidents FOR EACH ROW WHEN ((new.updated_by IS DISTINCT FROM old.updated_by)) EXECUTE FUNCTION public.warroom_stamp_identity('updated_by', 'editor');


--
-- Name: margin_rates identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.margin_rates FOR EACH ROW WHEN ((new.set_by IS DISTINCT FROM old.set_by)) EXECUTE FUNCTION public.warroom_stamp_identity('set_by', 'creator');


--
-- Name: merchant_imports identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.merchant_imports FOR EACH ROW WHEN ((new.imported_by IS DISTINCT FROM old.imported_by)) EXECUTE FUNCTION public.warroom_stamp_identity('imported_by', 'creator');


--
-- Name: milestone_updates identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.milestone_updates FOR EACH ROW WHEN ((new.author IS DISTINCT FROM old.author)) EXECUTE FUNCTION public.warroom_stamp_identity('author', 'creator');


--
-- Name: milestones identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.milestones FOR EACH ROW WHEN ((new.updated_by IS DISTINCT FROM old.updated_by)) EXECUTE FUNCTION public.warroom_stamp_identity('updated_by', 'editor');


--
-- Name: plan_changes identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.plan_changes FOR EACH ROW WHEN ((new.changed_by IS DISTINCT FROM old.changed_by)) EXECUTE FUNCTION public.warroom_stamp_identity('changed_by', 'creator');


--
-- Name: sales_imports identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.sales_imports FOR EACH ROW WHEN ((new.imported_by IS DISTINCT FROM old.imported_by)) EXECUTE FUNCTION public.warroom_stamp_identity('imported_by', 'creator');


--
-- Name: timeline_entries identity_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER identity_update BEFORE UPDATE ON public.timeline_entries FOR EACH ROW WHEN ((new.author IS DISTINCT FROM old.author)) EXECUTE FUNCTION public.warroom_stamp_identity('author', 'creator');


--
-- Name: margin_rates insert_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER insert_only BEFORE UPDATE ON public.margin_rates FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_insert_only();


--
-- Name: milestone_updates insert_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER insert_only BEFORE UPDATE ON public.milestone_updates FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_insert_only();


--
-- Name: plan_changes insert_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER insert_only BEFORE UPDATE ON public.plan_changes FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_insert_only();


--
-- Name: timeline_entry_versions insert_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER insert_only BEFORE UPDATE ON public.timeline_entry_versions FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_insert_only();


--
-- Name: timeline_entries keep_version; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER keep_version BEFORE UPDATE ON public.timeline_entries FOR EACH ROW EXECUTE FUNCTION public.warroom_keep_entry_version();


--
-- Name: claims key_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER key_change BEFORE UPDATE OF id, incident_id ON public.claims FOR EACH ROW WHEN (((new.id IS DISTINCT FROM old.id) OR (new.incident_id IS DISTINCT FROM old.incident_id))) EXECUTE FUNCTION public.warroom_refuse_key_change('claims');


--
-- Name: incidents key_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER key_change BEFORE UPDATE OF id ON public.incidents FOR EACH ROW WHEN ((new.id IS DISTINCT FROM old.id)) EXECUTE FUNCTION public.warroom_refuse_key_change();


--
-- Name: merchants key_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER key_change BEFORE UPDATE OF id, incident_id ON public.merchants FOR EACH ROW WHEN (((new.id IS DISTINCT FROM old.id) OR (new.incident_id IS DISTINCT FROM old.incident_id))) EXECUTE FUNCTION public.warroom_refuse_key_change('merchants');


--
-- Name: claims lock_children; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lock_children BEFORE DELETE ON public.claims FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_lock_claim_children();


--
-- Name: incidents lock_children; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lock_children BEFORE DELETE ON public.incidents FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_lock_children();


--
-- Name: merchants lock_children; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER lock_children BEFORE DELETE ON public.merchants FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_lock_children();


--
-- Name: action_items no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.action_items FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: approvals no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.approvals FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: claims no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.claims FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: claims_default no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.claims_default FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: contributions no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.contributions FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: contributors no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.contributors FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: findings no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.findings FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: funds no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.funds FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: incident_roles no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.incident_roles FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: incidents no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.incidents FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: margin_rates no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.margin_rates FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: merchant_imports no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.merchant_imports FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: merchants no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.merchants FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: merchants_default no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.merchants_default FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: milestone_domains no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.milestone_domains FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: milestone_updates no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.milestone_updates FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: milestones no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.milestones FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: payouts no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.payouts FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: people no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.people FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: plan_changes no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.plan_changes FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: remediation_measures no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.remediation_measures FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: restore_snapshots no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.restore_snapshots FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: restore_totals no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.restore_totals FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: sales_imports no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.sales_imports FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: sales_totals no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.sales_totals FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: serve_grants no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.serve_grants FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: serve_sessions no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.serve_sessions FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: timeline_entries no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.timeline_entries FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: timeline_entry_versions no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.timeline_entry_versions FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: warroom_first_loads no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.warroom_first_loads FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: warroom_operations no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.warroom_operations FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: warroom_users no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.warroom_users FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: warroom_words no_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER no_delete BEFORE DELETE OR TRUNCATE ON public.warroom_words FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_refuse_delete();


--
-- Name: action_items notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.action_items FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: approvals notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR UPDATE ON public.approvals FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: contributions notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.contributions FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: contributors notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.contributors FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: findings notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.findings FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: funds notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.funds FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: incident_roles notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.incident_roles FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: incidents notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.incidents FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: margin_rates notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.margin_rates FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: merchant_imports notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.merchant_imports FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: milestone_updates notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.milestone_updates FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: milestones notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.milestones FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: people notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.people FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: remediation_measures notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.remediation_measures FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: sales_imports notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.sales_imports FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: timeline_entries notify_change; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_change AFTER INSERT OR DELETE OR UPDATE ON public.timeline_entries FOR EACH ROW EXECUTE FUNCTION public.warroom_notify_row();


--
-- Name: claims notify_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_delete AFTER DELETE ON public.claims REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: merchants notify_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_delete AFTER DELETE ON public.merchants REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: payouts notify_delete; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_delete AFTER DELETE ON public.payouts REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: claims notify_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_insert AFTER INSERT ON public.claims REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: merchants notify_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_insert AFTER INSERT ON public.merchants REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: payouts notify_insert; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_insert AFTER INSERT ON public.payouts REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: claims notify_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_update AFTER UPDATE ON public.claims REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: merchants notify_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_update AFTER UPDATE ON public.merchants REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: payouts notify_update; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_update AFTER UPDATE ON public.payouts REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION public.warroom_notify_bulk();


--
-- Name: claims plan_chosen_once; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER plan_chosen_once BEFORE UPDATE OF plan ON public.claims FOR EACH ROW WHEN (((old.plan IS NOT NULL) AND (new.plan IS DISTINCT FROM old.plan))) EXECUTE FUNCTION public.warroom_guard_plan_change();


--
-- Name: contributors pledge_counter; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER pledge_counter AFTER INSERT OR DELETE OR UPDATE OF pledged_fen, incident_id ON public.contributors FOR EACH ROW EXECUTE FUNCTION public.warroom_pledge_counter();


--
-- Name: contributions received_counter; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER received_counter AFTER INSERT OR DELETE OR UPDATE OF amount_fen, contributor_id ON public.contributions FOR EACH ROW EXECUTE FUNCTION public.warroom_received_counter();


--
-- Name: restore_snapshots restore_snapshot_committed; Type: TRIGGER; Schema: public; Owner: -
--

CREATE CONSTRAINT TRIGGER restore_snapshot_committed AFTER INSERT ON public.restore_snapshots DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.warroom_restore_committed();


--
-- Name: action_items action_items_measure_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.action_items
    ADD CONSTRAINT action_items_measure_id_fkey FOREIGN KEY (measure_id) REFERENCES public.remediation_measures(id) ON DELETE CASCADE;


--
-- Name: approvals approvals_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.approvals
    ADD CONSTRAINT approvals_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: approvals approvals_op_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.approvals
    ADD CONSTRAINT approvals_op_fkey FOREIGN KEY (op) REFERENCES public.warroom_operations(op);


--
-- Name: audit_chain audit_chain_audit_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chain
    ADD CONSTRAINT audit_chain_audit_id_fkey FOREIGN KEY (audit_id) REFERENCES public.audit_log(id);


--
-- Name: contributions contributions_contributor_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributions
    ADD CONSTRAINT contributions_contributor_id_fkey FOREIGN KEY (contributor_id) REFERENCES public.contributors(id) ON DELETE CASCADE;


--
-- Name: contributors contributors_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributors
    ADD CONSTRAINT contributors_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.funds(incident_id) ON DELETE CASCADE;


--
-- Name: contributors contributors_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.contributors
    ADD CONSTRAINT contributors_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: findings findings_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT findings_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: findings findings_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.findings
    ADD CONSTRAINT findings_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: funds funds_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.funds
    ADD CONSTRAINT funds_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: incident_roles incident_roles_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.incident_roles
    ADD CONSTRAINT incident_roles_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: margin_rates margin_rates_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.margin_rates
    ADD CONSTRAINT margin_rates_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: merchant_imports merchant_imports_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.merchant_imports
    ADD CONSTRAINT merchant_imports_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: milestone_domains milestone_domains_milestone_id_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestone_domains
    ADD CONSTRAINT milestone_domains_milestone_id_incident_id_fkey FOREIGN KEY (milestone_id, incident_id) REFERENCES public.milestones(id, incident_id) ON DELETE CASCADE;


--
-- Name: milestone_updates milestone_updates_milestone_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestone_updates
    ADD CONSTRAINT milestone_updates_milestone_id_fkey FOREIGN KEY (milestone_id) REFERENCES public.milestones(id) ON DELETE CASCADE;


--
-- Name: milestones milestones_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.milestones
    ADD CONSTRAINT milestones_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: payouts payouts_approval_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payouts
    ADD CONSTRAINT payouts_approval_id_fkey FOREIGN KEY (approval_id) REFERENCES public.approvals(id);


--
-- Name: payouts payouts_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.payouts
    ADD CONSTRAINT payouts_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: people people_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: remediation_measures remediation_measures_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.remediation_measures
    ADD CONSTRAINT remediation_measures_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: restore_snapshots restore_snapshots_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restore_snapshots
    ADD CONSTRAINT restore_snapshots_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: restore_totals restore_totals_snapshot_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.restore_totals
    ADD CONSTRAINT restore_totals_snapshot_id_fkey FOREIGN KEY (snapshot_id) REFERENCES public.restore_snapshots(id) ON DELETE CASCADE;


--
-- Name: sales_imports sales_imports_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sales_imports
    ADD CONSTRAINT sales_imports_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: timeline_entries timeline_entries_incident_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.timeline_entries
    ADD CONSTRAINT timeline_entries_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE;


--
-- Name: timeline_entry_versions timeline_entry_versions_entry_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.timeline_entry_versions
    ADD CONSTRAINT timeline_entry_versions_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES public.timeline_entries(id) ON DELETE CASCADE;


--
-- Name: FUNCTION warroom_analyze_import(t regclass, p_incident bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_analyze_import(t regclass, p_incident bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_analyze_import(t regclass, p_incident bigint) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_analyze_import(t regclass, p_incident bigint) TO warroom_finance;


--
-- Name: FUNCTION warroom_approve(p_id bigint, p_note text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_approve(p_id bigint, p_note text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_approve(p_id bigint, p_note text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_approve(p_id bigint, p_note text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_approve(p_id bigint, p_note text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_approve(p_id bigint, p_note text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_assign_role(p_incident bigint, p_role text, p_person text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_assign_role(p_incident bigint, p_role text, p_person text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_assign_role(p_incident bigint, p_role text, p_person text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_assign_role(p_incident bigint, p_role text, p_person text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_assign_role(p_incident bigint, p_role text, p_person text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_assign_role(p_incident bigint, p_role text, p_person text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_attach_merchants(p_incident bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_attach_merchants(p_incident bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_attach_merchants(p_incident bigint) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_attach_merchants(p_incident bigint) TO warroom_finance;


--
-- Name: FUNCTION warroom_attach_partition(parent regclass, part text, p_incident bigint, extra text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_attach_partition(parent regclass, part text, p_incident bigint, extra text) FROM PUBLIC;


--
-- Name: TABLE audit_log; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.audit_log TO warroom_commander;
GRANT SELECT ON TABLE public.audit_log TO warroom_engineer;
GRANT SELECT ON TABLE public.audit_log TO warroom_finance;
GRANT SELECT ON TABLE public.audit_log TO warroom_viewer;


--
-- Name: FUNCTION warroom_audit_chain(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_audit_chain() FROM PUBLIC;


--
-- Name: FUNCTION warroom_audit_entry(p_table text, p_op text, p_incident bigint, p_rows bigint, p_before jsonb, p_after jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_audit_entry(p_table text, p_op text, p_incident bigint, p_rows bigint, p_before jsonb, p_after jsonb) FROM PUBLIC;


--
-- Name: FUNCTION warroom_audit_rows_sql(rel text, inc text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_audit_rows_sql(rel text, inc text) FROM PUBLIC;


--
-- Name: FUNCTION warroom_audit_statement(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_audit_statement() FROM PUBLIC;


--
-- Name: FUNCTION warroom_bootstrap(p_names text[], p_verifiers text[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_bootstrap(p_names text[], p_verifiers text[]) FROM PUBLIC;


--
-- Name: FUNCTION warroom_build_claims_batch(p_incident bigint, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint, p_every boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_build_claims_batch(p_incident bigint, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint, p_every boolean) FROM PUBLIC;


--
-- Name: FUNCTION warroom_cascade_claims(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_cascade_claims() FROM PUBLIC;


--
-- Name: FUNCTION warroom_cascade_delete(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_cascade_delete() FROM PUBLIC;


--
-- Name: FUNCTION warroom_check_claim_move(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_check_claim_move() FROM PUBLIC;


--
-- Name: FUNCTION warroom_check_claim_refs(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_check_claim_refs() FROM PUBLIC;


--
-- Name: FUNCTION warroom_check_ref_row(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_check_ref_row() FROM PUBLIC;


--
-- Name: FUNCTION warroom_check_refs(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_check_refs() FROM PUBLIC;


--
-- Name: FUNCTION warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) TO warroom_viewer;


--
-- Name: FUNCTION warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint) TO warroom_viewer;


--
-- Name: FUNCTION warroom_claims_attach_wait(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_claims_attach_wait() FROM PUBLIC;


--
-- Name: FUNCTION warroom_claims_counters(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_claims_counters() FROM PUBLIC;


--
-- Name: FUNCTION warroom_claims_incident_table(p_incident bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_claims_incident_table(p_incident bigint) FROM PUBLIC;


--
-- Name: FUNCTION warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric) TO warroom_finance;


--
-- Name: FUNCTION warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric) TO warroom_finance;


--
-- Name: FUNCTION warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_declare_incident(p_title text, p_severity text, p_zone text, p_started_at timestamp with time zone, p_slug text, p_summary text) TO warroom_viewer;


--
-- Name: TABLE approvals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.approvals TO warroom_commander;
GRANT SELECT ON TABLE public.approvals TO warroom_engineer;
GRANT SELECT ON TABLE public.approvals TO warroom_finance;
GRANT SELECT ON TABLE public.approvals TO warroom_viewer;


--
-- Name: FUNCTION warroom_exec_contribution(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_contribution(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_fund_terms(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_fund_terms(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_inkind_value(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_inkind_value(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_margin_rate(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_margin_rate(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_payout(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_payout(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_payout_threshold(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_payout_threshold(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_role_grant(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_role_grant(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_void_entry(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_void_entry(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_exec_void_milestone(r public.approvals); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_exec_void_milestone(r public.approvals) FROM PUBLIC;


--
-- Name: FUNCTION warroom_fund_claims_add(p_incident bigint, p_claims bigint, p_committed bigint, p_paid bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_fund_claims_add(p_incident bigint, p_claims bigint, p_committed bigint, p_paid bigint) FROM PUBLIC;


--
-- Name: FUNCTION warroom_fund_follow_resolution(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_fund_follow_resolution() FROM PUBLIC;


--
-- Name: FUNCTION warroom_fund_recompute(p_incident bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_fund_recompute(p_incident bigint) FROM PUBLIC;


--
-- Name: FUNCTION warroom_guard_lifecycle_entry(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_guard_lifecycle_entry() FROM PUBLIC;


--
-- Name: FUNCTION warroom_insert_only(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_insert_only() FROM PUBLIC;


--
-- Name: FUNCTION warroom_keep_entry_version(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_keep_entry_version() FROM PUBLIC;


--
-- Name: FUNCTION warroom_lock_children(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_lock_children() FROM PUBLIC;


--
-- Name: FUNCTION warroom_lock_claim_children(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_lock_claim_children() FROM PUBLIC;


--
-- Name: TABLE incidents; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.incidents TO warroom_commander;
GRANT SELECT ON TABLE public.incidents TO warroom_engineer;
GRANT SELECT ON TABLE public.incidents TO warroom_finance;
GRANT SELECT ON TABLE public.incidents TO warroom_viewer;


--
-- Name: COLUMN incidents.title; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(title) ON TABLE public.incidents TO warroom_commander;


--
-- Name: COLUMN incidents.summary; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(summary) ON TABLE public.incidents TO warroom_commander;


--
-- Name: COLUMN incidents.time_zone; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(time_zone) ON TABLE public.incidents TO warroom_commander;


--
-- Name: COLUMN incidents.updated_at; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(updated_at) ON TABLE public.incidents TO warroom_commander;


--
-- Name: COLUMN incidents.updated_by; Type: ACL; Schema: public; Owner: -
--

GRANT UPDATE(updated_by) ON TABLE public.incidents TO warroom_commander;


--
-- Name: FUNCTION warroom_money(p_fen bigint); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.warroom_money(p_fen bigint) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_money(p_fen bigint) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_money(p_fen bigint) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_money(p_fen bigint) TO warroom_viewer;


--
-- Name: FUNCTION warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_open_fund(p_incident bigint, p_currency text, p_baseline_start timestamp with time zone, p_baseline_end timestamp with time zone, p_outage_start timestamp with time zone, p_outage_end timestamp with time zone, p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_payouts_counters(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_payouts_counters() FROM PUBLIC;


--
-- Name: FUNCTION warroom_payouts_identity(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_payouts_identity() FROM PUBLIC;


--
-- Name: FUNCTION warroom_pledge_counter(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_pledge_counter() FROM PUBLIC;


--
-- Name: FUNCTION warroom_protect_table(t regclass, writers text[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_protect_table(t regclass, writers text[]) FROM PUBLIC;


--
-- Name: FUNCTION warroom_received_counter(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_received_counter() FROM PUBLIC;


--
-- Name: FUNCTION warroom_refuse_key_change(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_refuse_key_change() FROM PUBLIC;


--
-- Name: FUNCTION warroom_reject(p_id bigint, p_note text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_reject(p_id bigint, p_note text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_reject(p_id bigint, p_note text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_reject(p_id bigint, p_note text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_reject(p_id bigint, p_note text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_reject(p_id bigint, p_note text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_request(p_op text, p_incident bigint, p_payload jsonb, p_reason text, p_ttl interval) TO warroom_viewer;


--
-- Name: FUNCTION warroom_restore_add_columns(rel regclass, n integer, with_at boolean, with_f boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_add_columns(rel regclass, n integer, with_at boolean, with_f boolean) FROM PUBLIC;


--
-- Name: TABLE restore_snapshots; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.restore_snapshots TO warroom_commander;
GRANT SELECT ON TABLE public.restore_snapshots TO warroom_engineer;
GRANT SELECT ON TABLE public.restore_snapshots TO warroom_finance;
GRANT SELECT ON TABLE public.restore_snapshots TO warroom_viewer;


--
-- Name: FUNCTION warroom_restore_carry(rel text, prev public.restore_snapshots, p_domains text[], p_taken timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_carry(rel text, prev public.restore_snapshots, p_domains text[], p_taken timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_restore_commit(p_snapshot bigint, p_taken_from_rows boolean, p_domains text[]) TO warroom_engineer;


--
-- Name: FUNCTION warroom_restore_committed(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_committed() FROM PUBLIC;


--
-- Name: FUNCTION warroom_restore_merchant(p_snapshot bigint, p_merchant text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_merchant(p_snapshot bigint, p_merchant text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_restore_merchant(p_snapshot bigint, p_merchant text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_restore_merchant(p_snapshot bigint, p_merchant text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_restore_merchant(p_snapshot bigint, p_merchant text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_restore_merchant(p_snapshot bigint, p_merchant text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_restore_seal(rel regclass); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_seal(rel regclass) FROM PUBLIC;


--
-- Name: FUNCTION warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_restore_short(p_snapshot bigint, p_pos integer, p_limit integer) TO warroom_viewer;


--
-- Name: FUNCTION warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamp with time zone) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_restore_stage(p_incident bigint, p_file text, p_sha text, p_taken timestamp with time zone) TO warroom_engineer;


--
-- Name: FUNCTION warroom_restore_staged(p_snapshot bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_staged(p_snapshot bigint) FROM PUBLIC;


--
-- Name: TABLE restore_totals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.restore_totals TO warroom_commander;
GRANT SELECT ON TABLE public.restore_totals TO warroom_engineer;
GRANT SELECT ON TABLE public.restore_totals TO warroom_finance;
GRANT SELECT ON TABLE public.restore_totals TO warroom_viewer;


--
-- Name: FUNCTION warroom_restore_totals(rel text, p_snapshot bigint, p_incident bigint, p_domains text[], p_taken timestamp with time zone, p_check boolean, OUT sums public.restore_totals[], OUT merchants bigint, OUT complete bigint, OUT bad text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_totals(rel text, p_snapshot bigint, p_incident bigint, p_domains text[], p_taken timestamp with time zone, p_check boolean, OUT sums public.restore_totals[], OUT merchants bigint, OUT complete bigint, OUT bad text) FROM PUBLIC;


--
-- Name: FUNCTION warroom_restore_widen(p_snapshot bigint, p_domains integer, p_with_at boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_widen(p_snapshot bigint, p_domains integer, p_with_at boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_restore_widen(p_snapshot bigint, p_domains integer, p_with_at boolean) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_restore_widen(p_snapshot bigint, p_domains integer, p_with_at boolean) TO warroom_engineer;


--
-- Name: FUNCTION warroom_restore_width(rel regclass); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_width(rel regclass) FROM PUBLIC;


--
-- Name: FUNCTION warroom_restore_writer(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_restore_writer() FROM PUBLIC;


--
-- Name: FUNCTION warroom_serve_grant(p_person text, p_authenticator text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_serve_grant(p_person text, p_authenticator text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_serve_grant(p_person text, p_authenticator text) TO warroom_commander;


--
-- Name: FUNCTION warroom_serve_grant_check(p_authenticator text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_serve_grant_check(p_authenticator text) FROM PUBLIC;


--
-- Name: FUNCTION warroom_serve_login(p_fingerprint text, p_remote text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_serve_login(p_fingerprint text, p_remote text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_serve_login(p_fingerprint text, p_remote text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_serve_login(p_fingerprint text, p_remote text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_serve_login(p_fingerprint text, p_remote text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_serve_login(p_fingerprint text, p_remote text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_serve_logout(p_id bigint, p_reason text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_serve_logout(p_id bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_serve_logout(p_id bigint, p_reason text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_serve_logout(p_id bigint, p_reason text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_serve_logout(p_id bigint, p_reason text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_serve_logout(p_id bigint, p_reason text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_serve_revoke(p_person text, p_authenticator text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_serve_revoke(p_person text, p_authenticator text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_serve_revoke(p_person text, p_authenticator text) TO warroom_commander;


--
-- Name: FUNCTION warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_set_incident_severity(p_incident bigint, p_severity text, p_note text, p_version integer) TO warroom_viewer;


--
-- Name: FUNCTION warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_set_incident_status(p_incident bigint, p_status text, p_note text, p_version integer) TO warroom_viewer;


--
-- Name: FUNCTION warroom_stage_merchants(p_incident bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_stage_merchants(p_incident bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_stage_merchants(p_incident bigint) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_stage_merchants(p_incident bigint) TO warroom_finance;


--
-- Name: FUNCTION warroom_stamp_identity(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_stamp_identity() FROM PUBLIC;


--
-- Name: FUNCTION warroom_user_add(p_name text, p_role text, p_verifier text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_user_add(p_name text, p_role text, p_verifier text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_user_add(p_name text, p_role text, p_verifier text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_user_add(p_name text, p_role text, p_verifier text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_user_add(p_name text, p_role text, p_verifier text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_user_add(p_name text, p_role text, p_verifier text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_user_revoke(p_name text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.warroom_user_revoke(p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.warroom_user_revoke(p_name text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_user_revoke(p_name text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_user_revoke(p_name text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_user_revoke(p_name text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_word(p_kind text, p_value text); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.warroom_word(p_kind text, p_value text) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_word(p_kind text, p_value text) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_word(p_kind text, p_value text) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_word(p_kind text, p_value text) TO warroom_viewer;


--
-- Name: FUNCTION warroom_words_or(p_kind text, p_values text[]); Type: ACL; Schema: public; Owner: -
--

GRANT ALL ON FUNCTION public.warroom_words_or(p_kind text, p_values text[]) TO warroom_commander;
GRANT ALL ON FUNCTION public.warroom_words_or(p_kind text, p_values text[]) TO warroom_engineer;
GRANT ALL ON FUNCTION public.warroom_words_or(p_kind text, p_values text[]) TO warroom_finance;
GRANT ALL ON FUNCTION public.warroom_words_or(p_kind text, p_values text[]) TO warroom_viewer;


--
-- Name: TABLE action_items; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.action_items TO warroom_commander;
GRANT SELECT,INSERT,UPDATE ON TABLE public.action_items TO warroom_engineer;
GRANT SELECT ON TABLE public.action_items TO warroom_finance;
GRANT SELECT ON TABLE public.action_items TO warroom_viewer;


--
-- Name: SEQUENCE action_items_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.action_items_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.action_items_id_seq TO warroom_engineer;


--
-- Name: TABLE audit_chain; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.audit_chain TO warroom_commander;
GRANT SELECT ON TABLE public.audit_chain TO warroom_engineer;
GRANT SELECT ON TABLE public.audit_chain TO warroom_finance;
GRANT SELECT ON TABLE public.audit_chain TO warroom_viewer;


--
-- Name: TABLE audit_head; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.audit_head TO warroom_commander;
GRANT SELECT ON TABLE public.audit_head TO warroom_engineer;
GRANT SELECT ON TABLE public.audit_head TO warroom_finance;
GRANT SELECT ON TABLE public.audit_head TO warroom_viewer;


--
-- Name: TABLE claims; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE public.claims TO warroom_commander;
GRANT SELECT ON TABLE public.claims TO warroom_engineer;
GRANT SELECT,UPDATE ON TABLE public.claims TO warroom_finance;
GRANT SELECT ON TABLE public.claims TO warroom_viewer;


--
-- Name: COLUMN claims.incident_id; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(incident_id) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(incident_id) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.merchant_id; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(merchant_id) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(merchant_id) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.plan; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(plan) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(plan) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.state; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(state) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(state) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.amount_fen; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(amount_fen) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(amount_fen) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.computed_at; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(computed_at) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(computed_at) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.chosen_at; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(chosen_at) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(chosen_at) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.approved_at; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(approved_at) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(approved_at) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.paid_at; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(paid_at) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(paid_at) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.updated_at; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(updated_at) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(updated_at) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.version; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(version) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(version) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.baseline_fen; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(baseline_fen) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(baseline_fen) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.margin_rate_id; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(margin_rate_id) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(margin_rate_id) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.margin_percent; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(margin_percent) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(margin_percent) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.cash_fen; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(cash_fen) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(cash_fen) ON TABLE public.claims TO warroom_finance;


--
-- Name: COLUMN claims.paid_fen; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(paid_fen) ON TABLE public.claims TO warroom_commander;
GRANT INSERT(paid_fen) ON TABLE public.claims TO warroom_finance;


--
-- Name: SEQUENCE claims_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.claims_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.claims_id_seq TO warroom_finance;


--
-- Name: TABLE claims_default; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.claims_default TO warroom_commander;
GRANT SELECT ON TABLE public.claims_default TO warroom_engineer;
GRANT SELECT ON TABLE public.claims_default TO warroom_finance;
GRANT SELECT ON TABLE public.claims_default TO warroom_viewer;


--
-- Name: TABLE contributions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE public.contributions TO warroom_commander;
GRANT SELECT ON TABLE public.contributions TO warroom_engineer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.contributions TO warroom_finance;
GRANT SELECT ON TABLE public.contributions TO warroom_viewer;


--
-- Name: SEQUENCE contributions_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.contributions_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.contributions_id_seq TO warroom_finance;


--
-- Name: TABLE contributors; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.contributors TO warroom_commander;
GRANT SELECT ON TABLE public.contributors TO warroom_engineer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.contributors TO warroom_finance;
GRANT SELECT ON TABLE public.contributors TO warroom_viewer;


--
-- Name: SEQUENCE contributors_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.contributors_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.contributors_id_seq TO warroom_finance;


--
-- Name: TABLE margin_rates; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.margin_rates TO warroom_commander;
GRANT SELECT ON TABLE public.margin_rates TO warroom_engineer;
GRANT SELECT,INSERT ON TABLE public.margin_rates TO warroom_finance;
GRANT SELECT ON TABLE public.margin_rates TO warroom_viewer;


--
-- Name: TABLE current_margin_rates; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.current_margin_rates TO warroom_commander;
GRANT SELECT ON TABLE public.current_margin_rates TO warroom_engineer;
GRANT SELECT ON TABLE public.current_margin_rates TO warroom_finance;
GRANT SELECT ON TABLE public.current_margin_rates TO warroom_viewer;


--
-- Name: TABLE findings; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.findings TO warroom_commander;
GRANT SELECT ON TABLE public.findings TO warroom_engineer;
GRANT SELECT ON TABLE public.findings TO warroom_finance;
GRANT SELECT ON TABLE public.findings TO warroom_viewer;


--
-- Name: SEQUENCE findings_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.findings_id_seq TO warroom_commander;


--
-- Name: TABLE funds; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE public.funds TO warroom_commander;
GRANT SELECT ON TABLE public.funds TO warroom_engineer;
GRANT SELECT,UPDATE ON TABLE public.funds TO warroom_finance;
GRANT SELECT ON TABLE public.funds TO warroom_viewer;


--
-- Name: TABLE incident_roles; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.incident_roles TO warroom_commander;
GRANT SELECT ON TABLE public.incident_roles TO warroom_engineer;
GRANT SELECT ON TABLE public.incident_roles TO warroom_finance;
GRANT SELECT ON TABLE public.incident_roles TO warroom_viewer;


--
-- Name: SEQUENCE incidents_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.incidents_id_seq TO warroom_commander;


--
-- Name: SEQUENCE margin_rates_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.margin_rates_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.margin_rates_id_seq TO warroom_finance;


--
-- Name: TABLE merchant_imports; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.merchant_imports TO warroom_commander;
GRANT SELECT ON TABLE public.merchant_imports TO warroom_engineer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.merchant_imports TO warroom_finance;
GRANT SELECT ON TABLE public.merchant_imports TO warroom_viewer;


--
-- Name: SEQUENCE merchant_imports_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.merchant_imports_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.merchant_imports_id_seq TO warroom_finance;


--
-- Name: TABLE merchants; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,UPDATE ON TABLE public.merchants TO warroom_commander;
GRANT SELECT ON TABLE public.merchants TO warroom_engineer;
GRANT SELECT,UPDATE ON TABLE public.merchants TO warroom_finance;
GRANT SELECT ON TABLE public.merchants TO warroom_viewer;


--
-- Name: COLUMN merchants.incident_id; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(incident_id) ON TABLE public.merchants TO warroom_commander;
GRANT INSERT(incident_id) ON TABLE public.merchants TO warroom_finance;


--
-- Name: COLUMN merchants.merchant_id; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(merchant_id) ON TABLE public.merchants TO warroom_commander;
GRANT INSERT(merchant_id) ON TABLE public.merchants TO warroom_finance;


--
-- Name: COLUMN merchants.name; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(name) ON TABLE public.merchants TO warroom_commander;
GRANT INSERT(name) ON TABLE public.merchants TO warroom_finance;


--
-- Name: COLUMN merchants.industry; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(industry) ON TABLE public.merchants TO warroom_commander;
GRANT INSERT(industry) ON TABLE public.merchants TO warroom_finance;


--
-- Name: COLUMN merchants.created_at; Type: ACL; Schema: public; Owner: -
--

GRANT INSERT(created_at) ON TABLE public.merchants TO warroom_commander;
GRANT INSERT(created_at) ON TABLE public.merchants TO warroom_finance;


--
-- Name: SEQUENCE merchants_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.merchants_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.merchants_id_seq TO warroom_finance;


--
-- Name: TABLE merchants_default; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.merchants_default TO warroom_commander;
GRANT SELECT ON TABLE public.merchants_default TO warroom_engineer;
GRANT SELECT ON TABLE public.merchants_default TO warroom_finance;
GRANT SELECT ON TABLE public.merchants_default TO warroom_viewer;


--
-- Name: TABLE milestone_domains; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.milestone_domains TO warroom_commander;
GRANT SELECT,INSERT,UPDATE ON TABLE public.milestone_domains TO warroom_engineer;
GRANT SELECT ON TABLE public.milestone_domains TO warroom_finance;
GRANT SELECT ON TABLE public.milestone_domains TO warroom_viewer;


--
-- Name: TABLE milestone_updates; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.milestone_updates TO warroom_commander;
GRANT SELECT,INSERT ON TABLE public.milestone_updates TO warroom_engineer;
GRANT SELECT ON TABLE public.milestone_updates TO warroom_finance;
GRANT SELECT ON TABLE public.milestone_updates TO warroom_viewer;


--
-- Name: SEQUENCE milestone_updates_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.milestone_updates_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.milestone_updates_id_seq TO warroom_engineer;


--
-- Name: TABLE milestones; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.milestones TO warroom_commander;
GRANT SELECT,INSERT,UPDATE ON TABLE public.milestones TO warroom_engineer;
GRANT SELECT ON TABLE public.milestones TO warroom_finance;
GRANT SELECT ON TABLE public.milestones TO warroom_viewer;


--
-- Name: SEQUENCE milestones_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.milestones_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.milestones_id_seq TO warroom_engineer;


--
-- Name: TABLE payouts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.payouts TO warroom_commander;
GRANT SELECT ON TABLE public.payouts TO warroom_engineer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.payouts TO warroom_finance;
GRANT SELECT ON TABLE public.payouts TO warroom_viewer;


--
-- Name: SEQUENCE payouts_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.payouts_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.payouts_id_seq TO warroom_finance;


--
-- Name: TABLE people; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.people TO warroom_commander;
GRANT SELECT ON TABLE public.people TO warroom_engineer;
GRANT SELECT ON TABLE public.people TO warroom_finance;
GRANT SELECT ON TABLE public.people TO warroom_viewer;


--
-- Name: SEQUENCE people_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.people_id_seq TO warroom_commander;


--
-- Name: TABLE plan_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT ON TABLE public.plan_changes TO warroom_commander;
GRANT SELECT ON TABLE public.plan_changes TO warroom_engineer;
GRANT SELECT ON TABLE public.plan_changes TO warroom_finance;
GRANT SELECT ON TABLE public.plan_changes TO warroom_viewer;


--
-- Name: SEQUENCE plan_changes_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.plan_changes_id_seq TO warroom_commander;


--
-- Name: TABLE remediation_measures; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.remediation_measures TO warroom_commander;
GRANT SELECT,INSERT,UPDATE ON TABLE public.remediation_measures TO warroom_engineer;
GRANT SELECT ON TABLE public.remediation_measures TO warroom_finance;
GRANT SELECT ON TABLE public.remediation_measures TO warroom_viewer;


--
-- Name: SEQUENCE remediation_measures_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.remediation_measures_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.remediation_measures_id_seq TO warroom_engineer;


--
-- Name: TABLE sales_imports; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.sales_imports TO warroom_commander;
GRANT SELECT ON TABLE public.sales_imports TO warroom_engineer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.sales_imports TO warroom_finance;
GRANT SELECT ON TABLE public.sales_imports TO warroom_viewer;


--
-- Name: SEQUENCE sales_imports_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.sales_imports_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.sales_imports_id_seq TO warroom_finance;


--
-- Name: TABLE sales_totals; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.sales_totals TO warroom_commander;
GRANT SELECT ON TABLE public.sales_totals TO warroom_engineer;
GRANT SELECT,INSERT,UPDATE ON TABLE public.sales_totals TO warroom_finance;
GRANT SELECT ON TABLE public.sales_totals TO warroom_viewer;


--
-- Name: TABLE serve_grants; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.serve_grants TO warroom_commander;
GRANT SELECT ON TABLE public.serve_grants TO warroom_engineer;
GRANT SELECT ON TABLE public.serve_grants TO warroom_finance;
GRANT SELECT ON TABLE public.serve_grants TO warroom_viewer;


--
-- Name: TABLE serve_sessions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.serve_sessions TO warroom_commander;
GRANT SELECT ON TABLE public.serve_sessions TO warroom_engineer;
GRANT SELECT ON TABLE public.serve_sessions TO warroom_finance;
GRANT SELECT ON TABLE public.serve_sessions TO warroom_viewer;


--
-- Name: TABLE timeline_entries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,UPDATE ON TABLE public.timeline_entries TO warroom_commander;
GRANT SELECT,INSERT,UPDATE ON TABLE public.timeline_entries TO warroom_engineer;
GRANT SELECT ON TABLE public.timeline_entries TO warroom_finance;
GRANT SELECT ON TABLE public.timeline_entries TO warroom_viewer;


--
-- Name: SEQUENCE timeline_entries_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.timeline_entries_id_seq TO warroom_commander;
GRANT USAGE ON SEQUENCE public.timeline_entries_id_seq TO warroom_engineer;


--
-- Name: TABLE timeline_entry_versions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.timeline_entry_versions TO warroom_commander;
GRANT SELECT ON TABLE public.timeline_entry_versions TO warroom_engineer;
GRANT SELECT ON TABLE public.timeline_entry_versions TO warroom_finance;
GRANT SELECT ON TABLE public.timeline_entry_versions TO warroom_viewer;


--
-- Name: TABLE warroom_operations; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.warroom_operations TO warroom_commander;
GRANT SELECT ON TABLE public.warroom_operations TO warroom_engineer;
GRANT SELECT ON TABLE public.warroom_operations TO warroom_finance;
GRANT SELECT ON TABLE public.warroom_operations TO warroom_viewer;


--
-- Name: TABLE warroom_users; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.warroom_users TO warroom_commander;
GRANT SELECT ON TABLE public.warroom_users TO warroom_engineer;
GRANT SELECT ON TABLE public.warroom_users TO warroom_finance;
GRANT SELECT ON TABLE public.warroom_users TO warroom_viewer;


--
-- Name: TABLE warroom_words; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.warroom_words TO warroom_commander;
GRANT SELECT ON TABLE public.warroom_words TO warroom_engineer;
GRANT SELECT ON TABLE public.warroom_words TO warroom_finance;
GRANT SELECT ON TABLE public.warroom_words TO warroom_viewer;


--
-- PostgreSQL database dump complete
--


