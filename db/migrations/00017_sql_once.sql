-- One source for each piece of SQL logic (issue 11, point 4).
--
--   * The claims computation's figures are one function,
--     warroom_claim_figures: the ordinary computation (compensation/
--     compute.go) and the first computation (warroom_compute_first_claims)
--     both select from it instead of each spelling out the joins.
--   * "Needs a second authorisation" is its own SQLSTATE, WR001 (class WR
--     is not used by PostgreSQL), raised by warroom_refuse_unapproved, which
--     every approval guard calls; db/errors.go maps it to ErrNeedsApproval.
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
    -- What fund_counters_insert would do (after audit_insert, as there).
    UPDATE funds SET claims_count = claims_count + n WHERE incident_id = p_incident AND n > 0;
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
DROP FUNCTION warroom_claim_figures(bigint, text, numeric, numeric);
