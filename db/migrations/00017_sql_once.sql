-- One source for each piece of SQL logic (issue 11, point 4).
--
--   * The claims computation's figures are one function,
--     warroom_claim_figures: the ordinary computation (compensation/
--     compute.go) and the first computation (warroom_compute_first_claims)
--     both select from it instead of each spelling out the joins.
--   * "Needs a second authorisation" is its own SQLSTATE, WR001 (class WR
--     is not used by PostgreSQL), raised by warroom_refuse_unapproved, which
--     every approval guard calls; db/errors.go maps it to ErrNeedsApproval.
--   * The bulk paths (warroom_attach_partition, behind the first claims
--     computation and the first merchants import) write the audit entry,
--     the change notification and the fund's claim counters through the
--     same functions as the triggers they stand in for (audit_insert,
--     notify_insert, fund_counters_insert).
--
-- db/schema.sql shows the current body of every function after this.

-- +goose Up

-- +goose StatementBegin
-- The figures of each merchant of an incident (of one industry when
-- p_industry is not NULL): its baseline sales, summed per merchant first
-- (aggregating before the join keeps a million-merchant run in memory), its
-- industry's current rate, and warroom_cash_fen over the fund's windows
-- (p_outage / p_baseline, in any one unit): NULL cash when the industry has
-- no rate yet. A one-industry run sums only that industry's merchants'
-- sales.
-- Written to be inlined into the caller's statement, so that the planner
-- sees its joins (and inlines warroom_cash_fen in turn): one SQL SELECT,
-- STABLE, not STRICT, no SET clause, not SECURITY DEFINER. Without a SET
-- clause its search_path is the caller's, so every table and function is
-- named with its schema (operators are pg_catalog's, searched first).
CREATE FUNCTION warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric)
RETURNS TABLE (merchant_id bigint, baseline_fen bigint, rate_id bigint, percent numeric, cash_fen bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT m.id, COALESCE(s.fen, 0), r.id, r.percent,
           public.warroom_cash_fen(COALESCE(s.fen, 0), r.percent, p_outage, p_baseline)
    FROM public.merchants m
    LEFT JOIN (SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM public.sales_totals t
               WHERE t.incident_id = p_incident
                 AND (p_industry IS NULL OR t.merchant_id IN (
                      SELECT i.id FROM public.merchants i WHERE i.incident_id = p_incident AND i.industry = p_industry))
               GROUP BY t.merchant_id) s ON s.merchant_id = m.id
    LEFT JOIN (SELECT c.id, c.industry, c.percent FROM public.current_margin_rates c
               WHERE c.incident_id = p_incident) r ON r.industry = m.industry
    WHERE m.incident_id = p_incident AND (p_industry IS NULL OR m.industry = p_industry)
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_claim_figures(bigint, text, numeric, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_claim_figures(bigint, text, numeric, numeric)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- +goose StatementBegin
-- An incident's first claims computation, as one table built in bulk:
-- the claims of every merchant of the incident, from warroom_claim_figures
-- (the figures the ordinary computation in compensation/compute.go uses),
-- written by CREATE TABLE AS in the order the joins
-- probe the merchants (their table's order: no sort, 0.9 s less), then
-- checked, indexed and attached as the incident's partition by
-- warroom_attach_partition. The parent's statement triggers do not fire
-- for an ATTACH, so that function and this one do what they would have
-- done for the same INSERT: the audit row (same digest), the fund's claim
-- count, the change notification. Their reference check is not needed:
-- every claim comes from a merchant of the incident, read here.
--
-- Returns no row, and writes nothing, when the incident already has claims
-- or a partition: the caller then runs the ordinary computation.
-- SECURITY DEFINER: creating and attaching a partition needs the owner;
-- the caller must be allowed to insert claims.
-- No nested loops: right after an import, before autovacuum has analysed
-- it, the planner expects one merchant for the new incident, and a nested
-- loop over a million of them rescans the sales for each (it ran for
-- hours). Every join here is over all of an incident's merchants.
-- maintenance_work_mem: the three index builds sort a million keys each in
-- memory (0.1-0.2 s less than the default 64 MB, measured).
-- (A parallel plan was tried: only the scans ran in parallel, no faster.)
CREATE OR REPLACE FUNCTION warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric)
RETURNS TABLE (written bigint, awaiting bigint, cash_fen bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET jit = off SET work_mem = '128MB'
SET maintenance_work_mem = '256MB' SET enable_nestloop = off AS $$
DECLARE
    part text := 'claims_i' || p_incident;
    n    bigint;
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
    -- can hold), whatever the incident, taken before
    -- anything is read: two that both read claims_default and then both
    -- waited to ATTACH deadlocked. The second, once the first has
    -- committed, goes on (or, for the same incident, finds its claims and
    -- falls back). ROW EXCLUSIVE on claims, as an INSERT takes, queues
    -- behind a superuser's delete of merchants (warroom_lock_children), so
    -- the merchants read below are the ones left after it.
    PERFORM 1 FROM warroom_first_loads WHERE what = 'claims' FOR UPDATE;
    LOCK TABLE claims IN ROW EXCLUSIVE MODE;
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF to_regclass(format('public.%I', part)) IS NOT NULL OR EXISTS (SELECT 1 FROM claims WHERE incident_id = p_incident) THEN
        RETURN;
    END IF;

    -- Columns in the parent's order and types (ATTACH matches them exactly).
    EXECUTE format($q$
        CREATE TABLE public.%1$I AS
        SELECT nextval('claims_id_seq') AS id, %2$s::bigint AS incident_id, f.merchant_id, NULL::text AS plan,
               CASE WHEN f.cash_fen IS NULL THEN 'awaiting_rate' ELSE 'computed' END AS state,
               COALESCE(f.cash_fen, 0) AS amount_fen, now() AS computed_at,
               NULL::timestamptz AS chosen_at, NULL::timestamptz AS approved_at, NULL::timestamptz AS paid_at,
               now() AS updated_at, 1 AS version, f.baseline_fen, f.rate_id AS margin_rate_id,
               f.percent::numeric(7,4) AS margin_percent, f.cash_fen, 0::bigint AS paid_fen
        FROM (SELECT * FROM warroom_claim_figures(%2$s, NULL, %3$s::numeric, %4$s::numeric)
              OFFSET 0) f -- computed once per merchant, not once per use
        $q$, part, p_incident, p_outage, p_baseline);

    n := warroom_attach_partition('public.claims', part, p_incident, 'state');
    EXECUTE format('SELECT count(*) FILTER (WHERE state = ''awaiting_rate''), COALESCE(sum(cash_fen), 0)::bigint
                    FROM public.%I', part) INTO awaiting, cash_fen;
    written := n;
    -- What fund_counters_insert would do (after audit_insert, as there),
    -- through the function it calls. The new claims are computed or
    -- awaiting a rate (the CASE above): none approved or paid.
    IF n > 0 THEN
        PERFORM warroom_fund_claims_add(p_incident, n, 0, 0);
    END IF;
    RETURN NEXT;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- Every guard that wants a second person calls this (warroom_guard_void,
-- warroom_guard_money, warroom_guard_payouts, warroom_guard_margin_rates):
-- one SQLSTATE for "needs approval", WR001, that a client recognises
-- without reading the message (db/errors.go: ErrNeedsApproval).
CREATE OR REPLACE FUNCTION warroom_refuse_unapproved(what text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION '% needs a second authorisation', what
        USING ERRCODE = 'WR001',
              HINT = 'request it (warroom approvals, access.Request) and have a different person approve it';
END $$;
-- +goose StatementEnd

-- The bulk paths (warroom_attach_partition, behind a first claims
-- computation and a first merchants import) and the triggers they stand in
-- for share one audit, one notification and one fund-counter function.
-- What a trigger reads, its transition table, is visible only to the
-- trigger function's own statements, never to a function it calls: so the
-- audit's pass over the rows is shared as the statement that makes it
-- (warroom_audit_rows_sql), which each caller runs over its own rows.

-- +goose StatementBegin
-- The statement that audits the rows of rel (a trigger's transition table,
-- or a partition just built in bulk; a quoted name): their number, the
-- smallest and largest incident id (inc: an expression over x, or
-- NULL::bigint), and the entry's body: the rows themselves up to
-- warroom_audit_detail_rows(), else their count and digest (the sum of
-- PostgreSQL's 64-bit hash of each row, 00011). One pass over the rows; the
-- body's subquery is an InitPlan, run only when the rows are few.
CREATE FUNCTION warroom_audit_rows_sql(rel text, inc text) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT format($q$
        SELECT a.n, a.lo, a.hi,
               CASE WHEN a.n <= public.warroom_audit_detail_rows()
                    THEN (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(x)) FROM %1$s x)
                    ELSE pg_catalog.jsonb_build_object('rows', a.n, 'digest', 'sum-hash64:' || a.dig::text) END
        FROM (SELECT count(*) AS n, sum(pg_catalog.hash_record_extended(x, 0::bigint)) AS dig,
                     min(%2$s) AS lo, max(%2$s) AS hi
              FROM %1$s x) a$q$, rel, inc)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The audit entry of one statement's (or one bulk load's) rows.
CREATE FUNCTION warroom_audit_entry(p_table text, p_op text, p_incident bigint, p_rows bigint,
                                    p_before jsonb, p_after jsonb) RETURNS void LANGUAGE sql
SET search_path = pg_catalog, public, pg_temp AS $$
    INSERT INTO public.audit_log (table_name, op, incident_id, rows, before, after)
    VALUES (p_table, p_op, p_incident, p_rows, p_before, p_after)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- The change notification of a bulk table (merchants, claims, payouts):
-- one per statement and incident, with the row count.
CREATE FUNCTION warroom_notify_rows(p_table text, p_op text, p_incident bigint, p_rows bigint) RETURNS void
LANGUAGE sql SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT pg_notify('warroom_changes', json_build_object(
        't', p_table, 'op', left(p_op, 1), 'i', p_incident, 'n', p_rows, 'by', public.warroom_actor())::text)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A fund's claim counters moved by some claims: how many, what approved
-- claims among them still owe (committed), how many are paid.
CREATE FUNCTION warroom_fund_claims_add(p_incident bigint, p_claims bigint, p_committed bigint, p_paid bigint)
RETURNS void LANGUAGE sql SET search_path = pg_catalog, public, pg_temp AS $$
    UPDATE public.funds SET claims_count = claims_count + p_claims, committed_fen = committed_fen + p_committed,
                            paid_claims = paid_claims + p_paid
    WHERE incident_id = p_incident
$$;
-- +goose StatementEnd
-- Only for warroom's own functions: the audit entry and the counters run
-- as the schema owner inside the definer functions that call them.
-- warroom_notify_rows is left to everyone: its trigger runs as the writer,
-- and pg_notify itself is open to every login.
REVOKE EXECUTE ON FUNCTION warroom_audit_rows_sql(text, text),
    warroom_audit_entry(text, text, bigint, bigint, jsonb, jsonb),
    warroom_fund_claims_add(bigint, bigint, bigint, bigint) FROM PUBLIC;

-- +goose StatementBegin
-- 00011's statement audit, through the shared functions above.
CREATE OR REPLACE FUNCTION warroom_audit_statement() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
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
    inc := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = incol
                             AND NOT attisdropped) THEN format('x.%I', incol) ELSE 'NULL::bigint' END;
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
-- +goose StatementEnd

-- +goose StatementBegin
-- 00002's bulk notification, through warroom_notify_rows.
CREATE OR REPLACE FUNCTION warroom_notify_bulk() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM warroom_notify_rows(TG_TABLE_NAME, TG_OP, incident_id, count(*)) FROM changed GROUP BY incident_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- 00003's fund counters from claims, through warroom_fund_claims_add: one
-- call per statement and incident.
CREATE OR REPLACE FUNCTION warroom_claims_counters() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
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
-- +goose StatementEnd

-- +goose StatementBegin
-- 00012's attach, writing what the parent's audit_insert and notify_insert
-- triggers would have written through the functions those triggers call.
-- Attaches part, a table just filled in bulk with an incident's rows
-- (claims_i<incident>, merchants_i<incident>), as that incident's partition
-- of parent, the same way for both: the parent's NOT NULLs and CHECKs in
-- one pass, with the partition bound as a CHECK so that ATTACH need not scan
-- again; the keys both parents have, (id, incident_id) and (incident_id,
-- merchant_id), and the index on (incident_id, extra), built from sorted
-- input; the audit and no-delete triggers of every table (no writer grants:
-- writes go through the parent); statistics now, not when autovacuum comes
-- round (without them a merchant page read every claim of the incident per
-- row). Then what the parent's audit_insert and notify_insert triggers
-- would have done for the same rows (in UTC and ISO, as audit_insert).
-- Returns the number of rows.
-- Runs with its caller's rights: warroom_compute_first_claims and
-- warroom_attach_merchants, definer functions, call it.
CREATE OR REPLACE FUNCTION warroom_attach_partition(parent regclass, part text, p_incident bigint, extra text)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
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
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_refuse_unapproved(what text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION '% needs a second authorisation', what
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'request it (warroom approvals, access.Request) and have a different person approve it';
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric)
RETURNS TABLE (written bigint, awaiting bigint, cash_fen bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET jit = off SET work_mem = '128MB'
SET maintenance_work_mem = '256MB' SET enable_nestloop = off AS $$
DECLARE
    part text := 'claims_i' || p_incident;
    n    bigint;
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
    -- can hold), whatever the incident, taken before
    -- anything is read: two that both read claims_default and then both
    -- waited to ATTACH deadlocked. The second, once the first has
    -- committed, goes on (or, for the same incident, finds its claims and
    -- falls back). ROW EXCLUSIVE on claims, as an INSERT takes, queues
    -- behind a superuser's delete of merchants (warroom_lock_children), so
    -- the merchants read below are the ones left after it.
    PERFORM 1 FROM warroom_first_loads WHERE what = 'claims' FOR UPDATE;
    LOCK TABLE claims IN ROW EXCLUSIVE MODE;
    PERFORM 1 FROM incidents WHERE id = p_incident FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % does not exist', p_incident USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF to_regclass(format('public.%I', part)) IS NOT NULL OR EXISTS (SELECT 1 FROM claims WHERE incident_id = p_incident) THEN
        RETURN;
    END IF;

    -- Columns in the parent's order and types (ATTACH matches them exactly).
    EXECUTE format($q$
        CREATE TABLE public.%1$I AS
        SELECT nextval('claims_id_seq') AS id, %2$s::bigint AS incident_id, f.merchant_id, NULL::text AS plan,
               CASE WHEN f.cash IS NULL THEN 'awaiting_rate' ELSE 'computed' END AS state,
               COALESCE(f.cash, 0) AS amount_fen, now() AS computed_at,
               NULL::timestamptz AS chosen_at, NULL::timestamptz AS approved_at, NULL::timestamptz AS paid_at,
               now() AS updated_at, 1 AS version, f.baseline_fen, f.rate_id AS margin_rate_id,
               f.percent::numeric(7,4) AS margin_percent, f.cash AS cash_fen, 0::bigint AS paid_fen
        FROM (SELECT m.id AS merchant_id, COALESCE(s.fen, 0) AS baseline_fen, r.id AS rate_id, r.percent,
                     warroom_cash_fen(COALESCE(s.fen, 0), r.percent, %3$s::numeric, %4$s::numeric) AS cash
              FROM merchants m
              LEFT JOIN (SELECT t.merchant_id, sum(t.baseline_fen)::bigint AS fen FROM sales_totals t
                         WHERE t.incident_id = %2$s GROUP BY t.merchant_id) s ON s.merchant_id = m.id
              LEFT JOIN (SELECT id, industry, percent FROM current_margin_rates
                         WHERE incident_id = %2$s) r ON r.industry = m.industry
              WHERE m.incident_id = %2$s
              OFFSET 0) f -- computed once per merchant, not once per use
        $q$, part, p_incident, p_outage, p_baseline);

    n := warroom_attach_partition('public.claims', part, p_incident, 'state');
    EXECUTE format('SELECT count(*) FILTER (WHERE state = ''awaiting_rate''), COALESCE(sum(cash_fen), 0)::bigint
                    FROM public.%I', part) INTO awaiting, cash_fen;
    written := n;
    -- What fund_counters_insert would do (after audit_insert, as there).
    UPDATE funds SET claims_count = claims_count + n WHERE incident_id = p_incident AND n > 0;
    RETURN NEXT;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_attach_partition(parent regclass, part text, p_incident bigint, extra text)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    tname  text := (SELECT relname FROM pg_class WHERE oid = parent);
    alter_ text;
    n      bigint;
    dig    numeric;
    body   jsonb;
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

    EXECUTE format('SELECT count(*), sum(pg_catalog.hash_record_extended(x, 0::bigint)) FROM public.%I x', part)
        INTO n, dig;
    IF n = 0 THEN
        RETURN 0;
    END IF;
    IF n <= warroom_audit_detail_rows() THEN
        EXECUTE format('SELECT jsonb_agg(to_jsonb(x)) FROM public.%I x', part) INTO body;
    ELSE
        body := jsonb_build_object('rows', n, 'digest', 'sum-hash64:' || dig::text);
    END IF;
    INSERT INTO audit_log (table_name, op, incident_id, rows, before, after)
    VALUES (tname, 'INSERT', p_incident, n, NULL, body);
    PERFORM pg_notify('warroom_changes', json_build_object(
        't', tname, 'op', 'I', 'i', p_incident, 'n', n, 'by', warroom_actor())::text);
    RETURN n;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_audit_statement() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
DECLARE
    rel   text;
    n     bigint;
    body  jsonb;
    dig   numeric;
    lo    bigint;
    hi    bigint;
    imin  bigint;
    imax  bigint;
    bef   jsonb;
    aft   jsonb;
    incol text := CASE WHEN TG_TABLE_NAME = 'incidents' THEN 'id' ELSE 'incident_id' END;
    inc   text;
BEGIN
    inc := CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = TG_RELID AND attname = incol
                             AND NOT attisdropped) THEN format('x.%I', incol) ELSE 'NULL::bigint' END;
    FOREACH rel IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY['new_rows']
                                    WHEN 'DELETE' THEN ARRAY['old_rows']
                                    ELSE ARRAY['old_rows', 'new_rows'] END LOOP
        EXECUTE format('SELECT count(*), sum(pg_catalog.hash_record_extended(x, 0::bigint)), min(%s), max(%s) FROM %I x',
                       inc, inc, rel) INTO n, dig, lo, hi;
        IF n = 0 THEN
            RETURN NULL; -- the statement changed nothing
        END IF;
        IF n <= warroom_audit_detail_rows() THEN
            EXECUTE format('SELECT jsonb_agg(to_jsonb(x)) FROM %I x', rel) INTO body;
        ELSE
            body := jsonb_build_object('rows', n, 'digest', 'sum-hash64:' || dig::text);
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
CREATE OR REPLACE FUNCTION warroom_notify_bulk() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
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
CREATE OR REPLACE FUNCTION warroom_claims_counters() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE funds f SET committed_fen = f.committed_fen + d.committed,
                           claims_count = f.claims_count + d.n, paid_claims = f.paid_claims + d.paid
        FROM (SELECT incident_id,
                     COALESCE(sum(GREATEST(amount_fen - paid_fen, 0)) FILTER (WHERE state = 'approved'), 0) AS committed,
                     count(*) AS n, count(*) FILTER (WHERE state = 'paid') AS paid
              FROM new_rows GROUP BY incident_id) d
        WHERE f.incident_id = d.incident_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE funds f SET committed_fen = f.committed_fen - d.committed,
                           claims_count = f.claims_count - d.n, paid_claims = f.paid_claims - d.paid
        FROM (SELECT incident_id,
                     COALESCE(sum(GREATEST(amount_fen - paid_fen, 0)) FILTER (WHERE state = 'approved'), 0) AS committed,
                     count(*) AS n, count(*) FILTER (WHERE state = 'paid') AS paid
              FROM old_rows GROUP BY incident_id) d
        WHERE f.incident_id = d.incident_id;
    ELSE
        UPDATE funds f SET committed_fen = f.committed_fen + d.committed,
                           paid_claims = f.paid_claims + d.paid
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
        WHERE f.incident_id = d.incident_id AND (d.committed <> 0 OR d.paid <> 0);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
DROP FUNCTION warroom_audit_rows_sql(text, text), warroom_audit_entry(text, text, bigint, bigint, jsonb, jsonb),
    warroom_notify_rows(text, text, bigint, bigint), warroom_fund_claims_add(bigint, bigint, bigint, bigint);
DROP FUNCTION warroom_claim_figures(bigint, text, numeric, numeric);
