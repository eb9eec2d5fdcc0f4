-- Money invariants held by the database against every login but the
-- schema owner (issue 10): see SECURITY.md, "Money".

-- +goose Up

-- The approved request a payout was made under (warroom_exec_payout sets
-- it; nobody else may). A claim's payouts without one are what a single
-- person paid, and together they stay within the fund's threshold.
ALTER TABLE payouts ADD COLUMN approval_id bigint REFERENCES approvals (id);
CREATE INDEX payouts_approval ON payouts (approval_id) WHERE approval_id IS NOT NULL;

-- +goose StatementBegin
-- 00006's approved payout, naming its request.
CREATE OR REPLACE FUNCTION warroom_exec_payout(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
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
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', c.id, c.state
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
-- +goose StatementEnd


-- Idempotency keys name a payment within its incident: the same merchant
-- id in two incidents (pay-run's key is pay-run-<merchant id>) is two payments.
ALTER TABLE payouts DROP CONSTRAINT payouts_idempotency_key_key,
    ADD CONSTRAINT payouts_idempotency_key_key UNIQUE (incident_id, idempotency_key);

-- +goose StatementBegin
-- Fund counters: from the ledger only. The counter triggers are SECURITY
-- DEFINER (below), so inside them warroom_privileged() holds; a login's
-- own UPDATE or INSERT of a counter is refused. Other columns (windows,
-- in-kind value) stay the writers'; the threshold stays an approved change.
CREATE OR REPLACE FUNCTION warroom_guard_money() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
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
                IF (NEW.pledged_fen, NEW.committed_fen, NEW.paid_fen, NEW.claims_count, NEW.paid_claims)
                   IS DISTINCT FROM (0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint) THEN
                    RAISE EXCEPTION 'fund counters start at 0 and follow the ledger: pledged %, committed %, paid % refused',
                        NEW.pledged_fen, NEW.committed_fen, NEW.paid_fen
                        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'funds_counters_from_ledger';
                END IF;
                -- 00005's default; any other starting threshold is a change of it.
                IF NEW.payout_approval_fen <> 1000000 THEN
                    PERFORM warroom_refuse_unapproved('a fund with a payout approval threshold other than 10,000.00');
                END IF;
            ELSE
                IF (NEW.pledged_fen, NEW.committed_fen, NEW.paid_fen, NEW.claims_count, NEW.paid_claims)
                   IS DISTINCT FROM (OLD.pledged_fen, OLD.committed_fen, OLD.paid_fen, OLD.claims_count, OLD.paid_claims) THEN
                    RAISE EXCEPTION 'fund counters follow the ledger (contributors, claims, payouts): direct change refused'
                        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'funds_counters_from_ledger';
                END IF;
                IF NEW.payout_approval_fen IS DISTINCT FROM OLD.payout_approval_fen THEN
                    PERFORM warroom_refuse_unapproved('changing the payout approval threshold');
                END IF;
            END IF;
    END CASE;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER guard_money_insert BEFORE INSERT ON contributors
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_money();
CREATE TRIGGER guard_money_insert BEFORE INSERT ON funds
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_money();

-- The counter triggers write funds and claims as the schema owner: the only
-- writers of those counters (warroom_guard_money above, warroom_guard_claims below).
ALTER FUNCTION warroom_claims_counters() SECURITY DEFINER;
ALTER FUNCTION warroom_payouts_counters() SECURITY DEFINER;
ALTER FUNCTION warroom_pledge_counter() SECURITY DEFINER;
ALTER FUNCTION warroom_cascade_claims() SECURITY DEFINER;
REVOKE EXECUTE ON FUNCTION warroom_claims_counters(), warroom_payouts_counters(), warroom_pledge_counter()
    FROM PUBLIC;

-- +goose StatementBegin
-- A payout by a login (warroom_exec_payout, the approved route, is
-- privileged): for an approved claim; never beyond what the claim owes
-- (claims_not_overpaid, checked when the counters add it); and the claim's
-- payouts made without an approved request, however split, within the
-- fund's threshold. Runs after fund_counters (trigger order is by name),
-- whose UPDATE has locked each claim's row: a concurrent payer of the same
-- claim waits there, and its sum below, read after the wait, includes ours.
CREATE OR REPLACE FUNCTION warroom_guard_payouts() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
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
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', bad.id, bad.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_claim_approved';
    END IF;
    SELECT p.claim_id, sum(p.amount_fen)::bigint AS fen, f.payout_approval_fen INTO bad
    FROM payouts p JOIN funds f ON f.incident_id = p.incident_id
    WHERE p.incident_id = ANY (incs) AND p.approval_id IS NULL
      AND (p.claim_id, p.incident_id) IN (SELECT claim_id, incident_id FROM new_rows)
    GROUP BY p.claim_id, f.payout_approval_fen
    HAVING sum(p.amount_fen) > f.payout_approval_fen LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved(format('paying %s fen on claim %s without a request (above %s)',
            bad.fen, bad.claim_id, bad.payout_approval_fen));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- A claim moves only along its lifecycle, for every login (the schema
-- owner's definer functions and superusers are trusted: the counters, the
-- approved payout, the first computation, the demo loader):
--   awaiting_rate <-> computed -> chosen -> approved -> paid (paid in full),
--   awaiting_rate, computed or chosen -> rejected;
-- paid_fen only through payouts, merchant_id never; once approved, paid or
-- rejected, the amount and what it was computed from stay; before that, the
-- amount is what the computation gives (cash: warroom_cash_fen of the
-- claim's baseline sales and its industry's current rate over the fund's
-- windows; traffic: the fund's in-kind value). Inserted claims are new:
-- awaiting_rate or computed, unpaid, computed the same way. One check per
-- statement, over the transition tables.
CREATE FUNCTION warroom_guard_claims() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
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
                bad.id, bad.state USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_lifecycle';
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
                WHEN 'amount' THEN format('claim %s is %s: its amount and plan no longer change', bad.id, bad.old_state)
                WHEN 'unpaid' THEN format('claim %s is paid only when its payouts cover its amount', bad.id)
                ELSE format('claim %s cannot go from %s to %s', bad.id, bad.old_state, bad.new_state) END
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
                                  ELSE 'amount (cash figure, or the fund''s in-kind value for traffic)' END
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_amount_computed';
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER guard_lifecycle AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_guard_claims();
CREATE TRIGGER guard_lifecycle_update AFTER UPDATE ON claims
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_guard_claims();

-- The locks a first import and a first computation take, one at a time
-- whatever the incident. An advisory lock can be taken by any login, a
-- viewer too, to hold them up; a row of this table only by its owner (the
-- definer functions below): nobody is granted anything on it.
CREATE TABLE warroom_first_loads (what text PRIMARY KEY CHECK (what IN ('claims', 'merchants')));
INSERT INTO warroom_first_loads VALUES ('claims'), ('merchants');
SELECT warroom_protect_table('warroom_first_loads', ARRAY[]::text[]);
REVOKE ALL ON warroom_first_loads FROM PUBLIC, warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- +goose StatementBegin
-- An incident's first claims computation, as one table built in bulk:
-- the claims of every merchant of the incident (the same figures as the
-- computation in compensation/compute.go, whose one formula is
-- warroom_cash_fen), written by CREATE TABLE AS in the order the joins
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
-- A first import, step one: the incident's own table, bare (no key, index,
-- check or trigger), which the importing login may fill with COPY until its
-- transaction ends. Returns its name, or NULL when the incident already
-- has merchants or a partition (the caller then imports through merchants).
CREATE OR REPLACE FUNCTION warroom_stage_merchants(p_incident bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
-- +goose StatementEnd

-- +goose StatementBegin
-- Every warroom function runs with a fixed search_path, so a login's
-- pg_temp (or any schema it puts first) cannot stand in for funds, claims
-- or payouts in a guard or counter. pg_temp comes last, after public.
-- Not warroom_cash_fen: the planner inlines it into the claims
-- computations only while it has no SET clause, and it names no table:
-- only pg_catalog's div, casts and operators, which no login can shadow
-- (pg_catalog is searched first unless named later, and pg_temp is never
-- searched for functions or operators).
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.proname LIKE 'warroom\_%' AND p.proname <> 'warroom_cash_fen'
               AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%') LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', f);
    END LOOP;
END $$;
-- +goose StatementEnd
-- +goose Down
DROP TRIGGER guard_lifecycle_update ON claims;
DROP TRIGGER guard_lifecycle ON claims;
DROP FUNCTION warroom_guard_claims();
DROP TRIGGER guard_money_insert ON funds;
DROP TRIGGER guard_money_insert ON contributors;
ALTER FUNCTION warroom_claims_counters() SECURITY INVOKER;
ALTER FUNCTION warroom_payouts_counters() SECURITY INVOKER;
ALTER FUNCTION warroom_pledge_counter() SECURITY INVOKER;
ALTER FUNCTION warroom_cascade_claims() SECURITY INVOKER;
ALTER TABLE payouts DROP CONSTRAINT payouts_idempotency_key_key,
    ADD CONSTRAINT payouts_idempotency_key_key UNIQUE (idempotency_key);
-- (Functions keep their pinned search_path, and the guards their stricter
-- bodies until 00004/00005 are migrated again: nothing in data to undo.)
-- The first loads lock each other by an advisory lock again.
-- +goose StatementBegin
-- An incident's first claims computation, as one table built in bulk:
-- the claims of every merchant of the incident (the same figures as the
-- computation in compensation/compute.go, whose one formula is
-- warroom_cash_fen), written by CREATE TABLE AS in the order the joins
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
    PERFORM pg_advisory_xact_lock(hashtext('warroom_attach_partition'), hashtext('claims'));
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
-- A first import, step one: the incident's own table, bare (no key, index,
-- check or trigger), which the importing login may fill with COPY until its
-- transaction ends. Returns its name, or NULL when the incident already
-- has merchants or a partition (the caller then imports through merchants).
CREATE OR REPLACE FUNCTION warroom_stage_merchants(p_incident bigint) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
    PERFORM pg_advisory_xact_lock(hashtext('warroom_attach_partition'), hashtext('merchants'));
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
-- +goose StatementEnd
DROP TABLE warroom_first_loads;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_payout(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
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
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', c.id, c.state
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO payouts (incident_id, claim_id, amount_fen, idempotency_key, created_by)
    VALUES (c.incident_id, c.id, warroom_payload_id(r, 'amount_fen'), r.payload ->> 'idempotency_key', r.requested_by)
    RETURNING id INTO pid;
    UPDATE claims SET state = 'paid', paid_at = now(), updated_at = now()
    WHERE id = c.id AND incident_id = c.incident_id AND paid_fen >= amount_fen;
    RETURN jsonb_build_object('payout_id', pid, 'claim_id', c.id);
END $$;
-- +goose StatementEnd
DROP INDEX payouts_approval;
ALTER TABLE payouts DROP COLUMN approval_id;
