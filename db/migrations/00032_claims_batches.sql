-- A later batch of claims built the way the first computation builds them
-- (issue 17, point 2: at most 2x one CREATE TABLE AS of the same figures).
--
-- 00027 wrote a later batch by one INSERT ... SELECT into the incident's
-- partition. PostgreSQL never runs an INSERT's query in parallel, and the
-- INSERT then maintains three indexes row by row, with WAL, and fills the
-- transition tables: for 1M new claims into an incident with 2M, 7.6 s of
-- figures plus 5.8 s of writing, against 5.1-5.5 s for one CREATE TABLE AS
-- of the same figures (whose anti-join on the claims runs in parallel).
--
-- So an incident's claims partition, claims_i<incident>, is now itself
-- partitioned BY RANGE (merchant_id), one sub-partition per batch computed
-- in bulk, claims_i<incident>_m<lowest merchant id>, for the merchant ids
-- [lo, hi + 1) it covers, and a DEFAULT sub-partition,
-- claims_i<incident>_default, for every claim written row by row (a login's
-- own INSERT, a small batch, one industry's merchants, a merchant whose id
-- falls inside an earlier batch's range). Merchant ids come from
-- merchants' sequence, so a batch imported later has ids above every
-- earlier one: its claims are a new range. warroom_build_claims_batch
-- builds one: the claims by one CREATE TABLE AS of their figures, with
-- their ids from claims_id_seq, the parent's NOT NULLs and CHECKs and
-- the bounds as CHECKs in one pass (ATTACH then scans nothing but the
-- DEFAULT sub-partition, which holds only stray claims), the three keys
-- built in bulk, statistics, ATTACH, and the audit row, fund counters and
-- notification the parent's triggers would have written.
--
-- Keys. A unique index on a partitioned table must include its partition
-- key, so the primary key becomes (id, incident_id, merchant_id), still
-- named claims_pkey. A claim id still names one claim: no login may write
-- claims.id (column grants, 00012; access/first_claims_test.go
-- TestWritersCannotChooseIds), and every owner path, this one included,
-- takes ids from claims_id_seq. One claim per merchant is still
-- claims_merchant_id_key, UNIQUE (incident_id, merchant_id), which includes
-- the partition key and so holds across every sub-partition
-- (access/claims_batches_test.go).
--
-- Existing incidents: each claims_i<incident> becomes the first range
-- sub-partition of a new partitioned claims_i<incident> (an empty one
-- becomes its DEFAULT). claims_default, for incidents without a partition
-- of their own, stays one plain table.

-- +goose Up

ALTER TABLE claims DROP CONSTRAINT claims_pkey;
ALTER TABLE claims ADD CONSTRAINT claims_pkey PRIMARY KEY (id, incident_id, merchant_id);

-- +goose StatementBegin
-- merchant_id is now a partition key: an UPDATE that changes it may move
-- the claim to another sub-partition, as a delete and an insert, and no
-- AFTER UPDATE row trigger fires for a moved row (check_ref_update would
-- not see it). The same check, before the row is written, for every change
-- of merchant. (Logins cannot change it at all: warroom_guard_claims.)
CREATE FUNCTION warroom_check_claim_move() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM merchants WHERE id = NEW.merchant_id AND incident_id = NEW.incident_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update on table "claims" violates foreign key: merchant % does not exist in the claim''s incident',
            NEW.merchant_id USING ERRCODE = 'foreign_key_violation', TABLE = 'claims', CONSTRAINT = 'claims_merchant_id_fkey';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_check_claim_move() FROM PUBLIC;
CREATE TRIGGER check_ref_move BEFORE UPDATE OF merchant_id ON claims FOR EACH ROW
    WHEN (NEW.merchant_id IS DISTINCT FROM OLD.merchant_id) EXECUTE FUNCTION warroom_check_claim_move();

-- +goose StatementBegin
-- An incident's claims table, partitioned by merchant id, with its DEFAULT
-- sub-partition, not yet attached to claims: the caller attaches it last
-- (ATTACH holds claims_default, where incidents without a table of their
-- own keep their claims, exclusively until the commit). The parent's NOT
-- NULLs and CHECKs (LIKE), its keys (built by that ATTACH), the audit and
-- no-delete triggers of every table, SELECT only for warroom's roles:
-- writes go through claims.
CREATE FUNCTION warroom_claims_incident_table(p_incident bigint) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    part text := 'claims_i' || p_incident;
BEGIN
    EXECUTE format('CREATE TABLE public.%I (LIKE public.claims INCLUDING CONSTRAINTS) PARTITION BY RANGE (merchant_id)', part);
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I DEFAULT', part || '_default', part);
    PERFORM warroom_protect_table(format('public.%I', part)::regclass, ARRAY[]::text[]);
    PERFORM warroom_protect_table(format('public.%I', part || '_default')::regclass, ARRAY[]::text[]);
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_claims_incident_table(bigint) FROM PUBLIC;

-- Every incident's plain claims partition into the new shape.
-- +goose StatementBegin
DO $$
DECLARE
    r  record;
    lo bigint;
    hi bigint;
    b  text;
BEGIN
    FOR r IN SELECT c.relname, substring(c.relname FROM 9)::bigint AS inc
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'public.claims'::regclass AND c.relkind = 'r' AND c.relname ~ '^claims_i[0-9]+$' LOOP
        EXECUTE format('SELECT min(merchant_id), max(merchant_id) FROM public.%I', r.relname) INTO lo, hi;
        EXECUTE format('ALTER TABLE public.claims DETACH PARTITION public.%I', r.relname);
        b := CASE WHEN lo IS NULL THEN r.relname || '_old' ELSE format('%s_m%s', r.relname, lo) END;
        EXECUTE format('ALTER TABLE public.%I RENAME TO %I', r.relname, b);
        IF lo IS NULL THEN
            -- Nothing in it: a DEFAULT sub-partition made afresh will do.
            EXECUTE format('DROP TABLE public.%I', b);
        ELSE
            EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I CHECK (merchant_id >= %s AND merchant_id < %s)',
                           b, b || '_merchants', lo, hi + 1);
        END IF;
        PERFORM warroom_claims_incident_table(r.inc);
        EXECUTE format('ALTER TABLE public.claims ATTACH PARTITION public.%I FOR VALUES IN (%s)', r.relname, r.inc);
        IF lo IS NOT NULL THEN
            EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%s) TO (%s)',
                           r.relname, b, lo, hi + 1);
        END IF;
    END LOOP;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- warroom_claim_figures (00017), of the merchants with ids in [p_lo, p_hi]
-- only when p_lo is not NULL: a batch built in bulk is such a range, and
-- summing only its merchants' sales, not the whole incident's, is most of
-- what the range saves. The four-argument form is this one with no range,
-- still the one definition (both inline into the caller's statement).
CREATE FUNCTION warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric,
    p_lo bigint, p_hi bigint)
RETURNS TABLE (merchant_id bigint, baseline_fen bigint, rate_id bigint, percent numeric, cash_fen bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
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
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_claim_figures(bigint, text, numeric, numeric, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_claim_figures(bigint, text, numeric, numeric, bigint, bigint)
    TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;
CREATE OR REPLACE FUNCTION warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric)
RETURNS TABLE (merchant_id bigint, baseline_fen bigint, rate_id bigint, percent numeric, cash_fen bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT * FROM public.warroom_claim_figures(p_incident, p_industry, p_outage, p_baseline, NULL::bigint, NULL::bigint)
$$;

-- +goose StatementBegin
-- How long a later batch waits for its ATTACH's lock before giving up the
-- bulk path: 2 s, or what the owner sets for a session
-- (warroom.claims_attach_wait: the tests shorten it).
CREATE FUNCTION warroom_claims_attach_wait() RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN current_setting('warroom.claims_attach_wait', true) ~ '^[0-9]{1,6}(ms|s)$'
                     AND (SELECT r.rolsuper OR pg_has_role(r.oid, (SELECT relowner FROM pg_class WHERE oid = 'public.audit_log'::regclass), 'MEMBER')
                          FROM pg_roles r WHERE r.rolname = session_user)
                THEN current_setting('warroom.claims_attach_wait') ELSE '2s' END
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_claims_attach_wait() FROM PUBLIC;

-- +goose StatementBegin
-- Builds the claims of the incident's merchants with ids in [p_lo, p_hi]
-- (none of which has a claim: the caller has made sure) as a new
-- sub-partition of claims_i<incident>, and does what the parent's
-- statement triggers would have done for the same INSERT: the audit row
-- (same digest), the fund's counters, the change notification. Their
-- reference check is not needed: every claim comes from a merchant of the
-- incident, read here.
--
-- The claims by one CREATE TABLE AS of their figures (warroom_claim_figures,
-- the one definition) with ids from claims_id_seq, as the first
-- computation always wrote them, in the order the joins probe the
-- merchants (their table's, by id). nextval() keeps the statement serial;
-- so is the figures' costly part, the aggregate of the incident's sales,
-- whatever the plan (a CREATE TABLE AS of the figures alone runs in
-- parallel only its scans, and the ids then took a second CREATE TABLE AS:
-- 0.45 s more for 300,000 claims, measured three times in turn). Columns
-- in the parent's order and types (ATTACH matches them; the audit digest
-- hashes rows of the parent's type). The bounds and the incident as
-- CHECKs, so that ATTACH need not scan the new table; it does scan the
-- DEFAULT sub-partition, which holds only claims written row by row.
-- A later batch (p_every false) sums only its own merchants' sales (ids
-- in the range), not the whole incident's; a first computation (p_every)
-- takes every merchant of the incident.
-- Runs with its caller's rights: warroom_compute_first_claims and
-- warroom_compute_claims, SECURITY DEFINER, hold the locks it needs.
CREATE FUNCTION warroom_build_claims_batch(p_incident bigint, p_outage numeric, p_baseline numeric, p_lo bigint, p_hi bigint,
    p_every boolean)
RETURNS TABLE (written bigint, awaiting bigint, cash_fen bigint) LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres' AS $$
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
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_build_claims_batch(bigint, numeric, numeric, bigint, bigint, boolean) FROM PUBLIC;

-- +goose StatementBegin
-- An incident's first claims computation: its claims table
-- (warroom_claims_incident_table) and every merchant's claim as its first
-- batch (warroom_build_claims_batch). Returns no row, and writes nothing,
-- when the incident already has claims or a partition: the caller then
-- runs the ordinary computation. SECURITY DEFINER: creating and attaching
-- a partition needs the owner; the caller must be allowed to insert claims.
-- No nested loops: right after an import, before autovacuum has analysed
-- it, the planner expects one merchant for the new incident, and a nested
-- loop over a million of them rescans the sales for each. maintenance_work_mem:
-- the three index builds sort a million keys each in memory.
CREATE OR REPLACE FUNCTION warroom_compute_first_claims(p_incident bigint, p_outage numeric, p_baseline numeric)
RETURNS TABLE (written bigint, awaiting bigint, cash_fen bigint)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp SET jit = off SET work_mem = '128MB'
SET maintenance_work_mem = '256MB' SET enable_nestloop = off AS $$
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
-- +goose StatementEnd

-- +goose StatementBegin
-- 00027's later computation, with a later batch built in bulk when it is
-- one (warroom_build_claims_batch; see below). 00027 said:
--
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
SET maintenance_work_mem = '256MB' SET enable_nestloop = off AS $$
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
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_compute_claims(bigint, text, numeric, numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warroom_compute_claims(bigint, text, numeric, numeric) TO warroom_commander, warroom_finance;

-- +goose Down
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
DROP FUNCTION warroom_build_claims_batch(bigint, numeric, numeric, bigint, bigint, boolean);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_claim_figures(p_incident bigint, p_industry text, p_outage numeric, p_baseline numeric)
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
DROP FUNCTION warroom_claim_figures(bigint, text, numeric, numeric, bigint, bigint);
DROP FUNCTION warroom_claims_attach_wait();
-- Every incident's claims back into one plain partition.
-- +goose StatementBegin
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'public.claims'::regclass AND c.relkind = 'p' LOOP
        EXECUTE format('ALTER TABLE public.claims DETACH PARTITION public.%I', r.relname);
        EXECUTE format('CREATE TABLE public.%I AS SELECT * FROM public.%I', r.relname || '_flat', r.relname);
        EXECUTE format('DROP TABLE public.%I', r.relname);
        EXECUTE format('ALTER TABLE public.%I RENAME TO %I', r.relname || '_flat', r.relname);
    END LOOP;
END $$;
-- +goose StatementEnd
ALTER TABLE claims DROP CONSTRAINT claims_pkey;
ALTER TABLE claims ADD CONSTRAINT claims_pkey PRIMARY KEY (id, incident_id);
-- +goose StatementBegin
DO $$
DECLARE
    r      record;
    alter_ text;
BEGIN
    SELECT string_agg(format('ALTER %I SET NOT NULL', a.attname), ', ' ORDER BY a.attnum) INTO alter_
    FROM pg_attribute a WHERE a.attrelid = 'public.claims'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull;
    SELECT alter_ || COALESCE(', ' || string_agg(format('ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid)),
                                                   ', ' ORDER BY c.conname), '')
    INTO alter_ FROM pg_constraint c WHERE c.conrelid = 'public.claims'::regclass AND c.contype = 'c';
    FOR r IN SELECT c.relname, substring(c.relname FROM 9)::bigint AS inc FROM pg_class c
             JOIN pg_namespace s ON s.oid = c.relnamespace
             WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname ~ '^claims_i[0-9]+$'
               AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) LOOP
        EXECUTE format('ALTER TABLE public.%I %s, ADD CONSTRAINT %I CHECK (incident_id = %s)',
                       r.relname, alter_, r.relname || '_incident', r.inc);
        EXECUTE format('ALTER TABLE public.claims ATTACH PARTITION public.%I FOR VALUES IN (%s)', r.relname, r.inc);
        PERFORM warroom_protect_table(format('public.%I', r.relname)::regclass, ARRAY[]::text[]);
    END LOOP;
END $$;
-- +goose StatementEnd
DROP FUNCTION warroom_claims_incident_table(bigint);
DROP TRIGGER check_ref_move ON claims;
DROP FUNCTION warroom_check_claim_move();
