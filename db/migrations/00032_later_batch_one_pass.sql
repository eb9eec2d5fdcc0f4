-- A later batch into an incident that still has open claims (awaiting a
-- rate, computed, chosen) computes every merchant's figures once, not twice
-- (issue 17, point 2).
--
-- warroom_compute_claims (00027) ran two statements when the incident had
-- an open claim: an UPDATE of the open claims whose figures changed, then
-- the INSERT of the new merchants' claims, each over its own
-- warroom_claim_figures of the incident, that is two passes over every
-- merchant's sales totals (the sums are one aggregate over the incident,
-- which neither join could narrow). 300,000 merchants imported into an
-- incident with open claims took 2.85x one CREATE TABLE AS of the new
-- merchants' figures.
--
-- Now that case is one statement: the figures, joined once to the
-- incident's claims and kept (MATERIALIZED) for the rows either writes
-- (new merchants, and open claims whose figures changed), feed an UPDATE
-- and an INSERT through claims, each a data-modifying CTE of its own. Each
-- still fires the parent's statement triggers with its own transition
-- table: an audit row for the updated claims and one for the new ones, the
-- fund counters, a notification each (none for one that wrote nothing), as
-- the two statements did. An incident with no open claim (every claim
-- approved, paid or rejected) keeps the one INSERT of 00027.

-- +goose Up

-- +goose StatementBegin
-- Computes (or recomputes) the claims of the incident's merchants (of one
-- industry when p_industry is not NULL) from warroom_claim_figures over
-- the fund's windows (p_outage / p_baseline, in any one unit):
--
--   * claims still open (awaiting rate, computed, chosen) take the new
--     figures by an UPDATE of only those whose figures changed; approved,
--     paid and rejected claims keep theirs;
--   * merchants without a claim (a later batch) get one by a plain INSERT.
--
-- With no open claim, the INSERT alone: the figures of exactly the
-- merchants without a claim, the statement a CREATE TABLE AS of them would
-- run (an anti-join on the claims' (incident_id, merchant_id) key, the
-- sales summed and probed once). With open claims, one statement: the
-- figures left-joined once to the incident's claims, those rows kept
-- (MATERIALIZED) that either write, then the UPDATE and the INSERT as two
-- data-modifying CTEs over them (disjoint merchants: a claim or none).
--
-- No INSERT ... ON CONFLICT: its speculative insertion cost a third more
-- per row. Rows are written sorted by merchant: the hash joins hand rows
-- over in hash order, and new claims written in that order land at random
-- places in the merchant_id index (and updated ones all over the heap); in
-- merchant order the index, the heap and the ids all grow at their ends.
-- The UPDATE sets version itself so the bump_version trigger skips its
-- per-row call.
--
-- An incident's first computation is warroom_compute_first_claims (its
-- claims built as a partition of their own); compensation/compute.go calls
-- this one after it, or alone for one industry.
--
-- SECURITY DEFINER, with the caller's right to insert and update claims
-- checked first. Planned per call with the arguments as literals (a
-- one-industry run and an all-merchants run want different plans; the
-- function's joins are inlined). No JIT (its cost estimates of these joins
-- made it compile for 0.4 s), no nested loops (right after an import the
-- planner, not yet told of the incident's merchants, expects one and would
-- rescan the sales for each of a million), room to hash a million merchants
-- in memory.
CREATE OR REPLACE FUNCTION warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric)
RETURNS TABLE (written bigint, awaiting bigint, cash_fen bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET jit = off SET work_mem = '128MB'
SET enable_nestloop = off AS $$
DECLARE
    figures text := format('warroom_claim_figures(%s, %L, %s::numeric, %s::numeric)',
                           p_incident, p_industry, p_outage, p_baseline);
    n    bigint;
    part regclass;
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
                FROM %2$s f LEFT JOIN claims c ON c.merchant_id = f.merchant_id AND c.incident_id = %1$s
                WHERE c.id IS NULL
                   OR (c.state IN ('awaiting_rate', 'computed', 'chosen')
                       AND ((c.state = 'awaiting_rate') IS DISTINCT FROM (f.cash_fen IS NULL AND c.plan IS NULL)
                            OR (c.baseline_fen, c.margin_rate_id, c.cash_fen)
                               IS DISTINCT FROM (f.baseline_fen, f.rate_id, f.cash_fen)))
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
                RETURNING c.state, c.cash_fen),
            ins AS (
                INSERT INTO claims (incident_id, merchant_id, state, amount_fen, baseline_fen,
                                    margin_rate_id, margin_percent, cash_fen)
                SELECT %1$s, n.merchant_id, CASE WHEN n.cash IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
                       COALESCE(n.cash, 0), n.baseline_fen, n.rate_id, n.percent, n.cash
                FROM n WHERE n.claim_id IS NULL
                ORDER BY n.merchant_id
                RETURNING state, cash_fen),
            w AS (SELECT state, cash_fen FROM upd UNION ALL SELECT state, cash_fen FROM ins)
            SELECT count(*), count(*) FILTER (WHERE state = 'awaiting_rate'), COALESCE(sum(cash_fen), 0)::bigint,
                   (SELECT count(*) FROM ins)
            FROM w$q$, p_incident, figures) INTO written, awaiting, cash_fen, n;
    ELSE
        EXECUTE format($q$
            WITH ins AS (
                INSERT INTO claims (incident_id, merchant_id, state, amount_fen, baseline_fen,
                                    margin_rate_id, margin_percent, cash_fen)
                SELECT %1$s, f.merchant_id, CASE WHEN f.cash_fen IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
                       COALESCE(f.cash_fen, 0), f.baseline_fen, f.rate_id, f.percent, f.cash_fen
                FROM %2$s f
                WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = %1$s AND c.merchant_id = f.merchant_id)
                ORDER BY f.merchant_id
                RETURNING state, cash_fen)
            SELECT count(*), count(*) FILTER (WHERE state = 'awaiting_rate'), COALESCE(sum(cash_fen), 0)::bigint, count(*)
            FROM ins$q$, p_incident, figures) INTO written, awaiting, cash_fen, n;
    END IF;
    -- A batch of a tenth or more of the claims the planner knew of: their
    -- partition's statistics now, as the first computation's, not when
    -- autovacuum comes round (a rate preview planned on them would take
    -- the new claims for a few).
    IF n >= 1000 THEN
        SELECT c.tableoid::regclass INTO part FROM claims c WHERE c.incident_id = p_incident LIMIT 1;
        IF n * 10 >= GREATEST((SELECT reltuples FROM pg_class WHERE oid = part), 0) THEN
            EXECUTE format('ANALYZE %s', part);
        END IF;
    END IF;
    PERFORM set_config('warroom.computing_claims', '', true);
    RETURN NEXT;
END $$;
-- +goose StatementEnd

-- +goose Down
-- 00027's definition again.
-- +goose StatementBegin
-- Computes (or recomputes) the claims of the incident's merchants (of one
-- industry when p_industry is not NULL) from warroom_claim_figures over
-- the fund's windows (p_outage / p_baseline, in any one unit), in two
-- statements over disjoint merchants:
--
--   * claims still open (awaiting rate, computed, chosen) take the new
--     figures by an UPDATE of only those whose figures changed, when the
--     incident has any open claim; approved, paid and rejected claims keep
--     theirs;
--   * merchants without a claim (a later batch) get one by a plain INSERT
--     of the figures of exactly those merchants: the figures statement is
--     the one a CREATE TABLE AS of them would run (an anti-join on the
--     claims' (incident_id, merchant_id) key, the sales summed and probed
--     once), not a join of every merchant's figures to every claim, which
--     also hashed the claims and all the sums and took twice as long.
--
-- No INSERT ... ON CONFLICT: its speculative insertion cost a third more
-- per row. Rows are written sorted by merchant: the hash joins hand rows
-- over in hash order, and new claims written in that order land at random
-- places in the merchant_id index (and updated ones all over the heap); in
-- merchant order the index, the heap and the ids all grow at their ends.
-- The UPDATE sets version itself so the bump_version trigger skips its
-- per-row call.
--
-- An incident's first computation is warroom_compute_first_claims (its
-- claims built as a partition of their own); compensation/compute.go calls
-- this one after it, or alone for one industry.
--
-- SECURITY DEFINER, with the caller's right to insert and update claims
-- checked first. Planned per call with the arguments as literals (a
-- one-industry run and an all-merchants run want different plans; the
-- function's joins are inlined). No JIT (its cost estimates of these joins
-- made it compile for 0.4 s), no nested loops (right after an import the
-- planner, not yet told of the incident's merchants, expects one and would
-- rescan the sales for each of a million), room to hash a million merchants
-- in memory.
CREATE OR REPLACE FUNCTION warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric)
RETURNS TABLE (written bigint, awaiting bigint, cash_fen bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET jit = off SET work_mem = '128MB'
SET enable_nestloop = off AS $$
DECLARE
    figures text := format('warroom_claim_figures(%s, %L, %s::numeric, %s::numeric)',
                           p_incident, p_industry, p_outage, p_baseline);
    n    bigint;
    aw   bigint;
    ca   bigint;
    part regclass;
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

    EXECUTE format($q$
        WITH ins AS (
            INSERT INTO claims (incident_id, merchant_id, state, amount_fen, baseline_fen,
                                margin_rate_id, margin_percent, cash_fen)
            SELECT %1$s, f.merchant_id, CASE WHEN f.cash_fen IS NULL THEN 'awaiting_rate' ELSE 'computed' END,
                   COALESCE(f.cash_fen, 0), f.baseline_fen, f.rate_id, f.percent, f.cash_fen
            FROM %2$s f
            WHERE NOT EXISTS (SELECT 1 FROM claims c WHERE c.incident_id = %1$s AND c.merchant_id = f.merchant_id)
            ORDER BY f.merchant_id
            RETURNING state, cash_fen)
        SELECT count(*), count(*) FILTER (WHERE state = 'awaiting_rate'), COALESCE(sum(cash_fen), 0)::bigint
        FROM ins$q$, p_incident, figures) INTO n, aw, ca;
    written := written + n; awaiting := awaiting + aw; cash_fen := cash_fen + ca;
    -- A batch of a tenth or more of the claims the planner knew of: their
    -- partition's statistics now, as the first computation's, not when
    -- autovacuum comes round (a rate preview planned on them would take
    -- the new claims for a few).
    IF n >= 1000 THEN
        SELECT c.tableoid::regclass INTO part FROM claims c WHERE c.incident_id = p_incident LIMIT 1;
        IF n * 10 >= GREATEST((SELECT reltuples FROM pg_class WHERE oid = part), 0) THEN
            EXECUTE format('ANALYZE %s', part);
        END IF;
    END IF;
    PERFORM set_config('warroom.computing_claims', '', true);
    RETURN NEXT;
END $$;
-- +goose StatementEnd
