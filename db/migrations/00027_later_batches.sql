-- Later batches of claims at the first computation's speed (issue 17,
-- point 2).
--
-- Merchants imported into an incident that already has claims had theirs
-- computed by compensation/compute.go's statement, sent as the caller: for
-- a commander or finance login, the claims guard (warroom_guard_claims)
-- then re-derived every new claim's figures from the merchants, sales,
-- rates and fund (19 s of 51 for 300,000 new claims on a busy machine),
-- and the reference check joined every new claim to the merchants again
-- (2.7-3.3 s). Both re-check what the statement itself had just read.
--
-- warroom_compute_claims is that statement, now the one definition, run
-- as the schema owner like warroom_compute_first_claims: every claim it
-- writes comes from warroom_claim_figures over the incident's merchants,
-- read in the same statement. Under its owner the claims guard lets the
-- statement through (warroom_privileged, as for any owner's write), and the
-- reference check is skipped for it alone (warroom_claims_trusted, the
-- trigger's WHEN). Audit row, fund counters and notification are still
-- the parent's statement triggers'. A login's own INSERT or UPDATE of
-- claims meets every check as before: it is not the owner, and setting
-- warroom.computing_claims itself changes nothing.

-- +goose Up

-- +goose StatementBegin
-- True only inside warroom_compute_claims, which sets
-- warroom.computing_claims for its own statements (or for an owner who sets
-- it by hand, who may disable the trigger anyway): the caller is
-- the owner, the statement is that function's, and the isolation is READ
-- COMMITTED, under which the merchants it read are those its lock on claims
-- let be (a superuser's delete of merchants locks claims first:
-- warroom_lock_children). Not SECURITY DEFINER: it judges the user the
-- trigger fires for. Never NULL (unset, the setting reads as NULL): a NULL
-- WHEN skips the trigger.
CREATE FUNCTION warroom_claims_trusted() RETURNS boolean LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT current_setting('warroom.computing_claims', true) IS NOT DISTINCT FROM 'on'
       AND current_setting('transaction_isolation') = 'read committed'
       AND public.warroom_privileged()
$$;
-- +goose StatementEnd

DROP TRIGGER check_refs ON claims;
CREATE TRIGGER check_refs AFTER INSERT ON claims REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT WHEN (NOT public.warroom_claims_trusted()) EXECUTE FUNCTION warroom_check_refs();

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
CREATE FUNCTION warroom_compute_claims(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric)
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
REVOKE EXECUTE ON FUNCTION warroom_compute_claims(bigint, text, numeric, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_compute_claims(bigint, text, numeric, numeric) TO warroom_commander, warroom_finance;

-- +goose Down
DROP FUNCTION warroom_compute_claims(bigint, text, numeric, numeric);
DROP TRIGGER check_refs ON claims;
CREATE TRIGGER check_refs AFTER INSERT ON claims REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION warroom_check_refs();
DROP FUNCTION warroom_claims_trusted();
