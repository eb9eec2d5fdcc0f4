-- The compensation engine: baseline sales, versioned industry margin rates,
-- the cash formula (its one implementation), the plan choice and a fund
-- that the database itself keeps from going below zero.
--
-- Money stays bigint fen. The formula works in exact numeric and rounds
-- once, at the end, half away from zero (see warroom_cash_fen).

-- +goose Up

-- +goose StatementBegin
-- cash = daily revenue x margin x outage, daily revenue = baseline sales /
-- baseline days; the days cancel, so
--     cash_fen = sales_fen x percent/100 x outage / baseline
-- computed as one exact fraction n/d (numeric div and mod never round) and
-- rounded once, half away from zero (inputs are never negative, so: half
-- up). Durations may be in any one unit (seconds here); only their ratio
-- counts. NULL percent (no rate yet) gives NULL: "awaiting rate", never 0.
-- LANGUAGE sql with no FROM so the planner inlines it into bulk queries.
CREATE FUNCTION warroom_cash_fen(sales_fen bigint, margin_percent numeric,
                                 outage numeric, baseline numeric)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (div(sales_fen::numeric * margin_percent * outage, baseline * 100)
          + CASE WHEN 2 * mod(sales_fen::numeric * margin_percent * outage, baseline * 100)
                      >= baseline * 100 THEN 1 ELSE 0 END)::bigint
$$;
-- +goose StatementEnd

-- The fund's running position, kept by triggers below so reading it costs
-- one row whatever the number of claims. remaining = pledged - committed -
-- paid can never go below zero: approvals and payments update this row
-- (taking its row lock), so concurrent ones queue and the CHECK sees each.
ALTER TABLE funds
    ADD COLUMN inkind_value_fen bigint NOT NULL DEFAULT 1200000 CHECK (inkind_value_fen >= 0),
    ADD COLUMN pledged_fen   bigint NOT NULL DEFAULT 0,
    ADD COLUMN committed_fen bigint NOT NULL DEFAULT 0,
    ADD COLUMN paid_fen      bigint NOT NULL DEFAULT 0,
    ADD COLUMN claims_count  bigint NOT NULL DEFAULT 0,
    ADD COLUMN paid_claims   bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN funds.inkind_value_fen IS
    'Internal cost to the fund of one in-kind (traffic) plan. Default 12,000.00 yuan: see compensation/plans.go.';

-- Industry contribution-margin rates. Rows are never changed: a new rate is
-- a new row, so every claim can name the rate (and its source) it used.
CREATE TABLE margin_rates (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    industry    text NOT NULL CHECK (btrim(industry) <> ''),
    percent     numeric(7, 4) NOT NULL CHECK (percent >= 0 AND percent <= 100),
    source      text NOT NULL CHECK (btrim(source) <> ''),
    set_at      timestamptz NOT NULL DEFAULT now(),
    set_by      text NOT NULL DEFAULT warroom_actor()
);
CREATE INDEX margin_rates_current ON margin_rates (incident_id, industry, id DESC);

CREATE VIEW current_margin_rates AS
    SELECT DISTINCT ON (incident_id, industry) id, incident_id, industry, percent, source, set_at, set_by
    FROM margin_rates ORDER BY incident_id, industry, id DESC;

-- One row per imported sales file; the file's SHA-256 makes a re-import of
-- the same file a no-op. Rows outside the baseline window are counted here.
CREATE TABLE sales_imports (
    id             bigserial PRIMARY KEY,
    incident_id    bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    file_name      text NOT NULL,
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows_total     bigint NOT NULL CHECK (rows_total >= 0),
    rows_in_window bigint NOT NULL CHECK (rows_in_window >= 0),
    rows_outside   bigint NOT NULL CHECK (rows_outside >= 0),
    in_window_fen  bigint NOT NULL CHECK (in_window_fen >= 0),
    merchants      bigint NOT NULL CHECK (merchants >= 0),
    imported_at    timestamptz NOT NULL DEFAULT now(),
    imported_by    text NOT NULL DEFAULT warroom_actor(),
    UNIQUE (incident_id, sha256),
    CHECK (rows_total = rows_in_window + rows_outside)
);

-- Each import's tax-excluded sales inside the baseline window, per merchant
-- (the importer sums the file's rows; the file itself is the record, named
-- by its hash). No foreign keys: a per-row check would double the cost of a
-- million-row COPY; the importer resolves every merchant first, and the
-- trigger below removes an import's totals with it.
CREATE TABLE sales_totals (
    import_id    bigint NOT NULL,
    incident_id  bigint NOT NULL,
    merchant_id  bigint NOT NULL,
    baseline_fen bigint NOT NULL CHECK (baseline_fen >= 0),
    sales_rows   integer NOT NULL CHECK (sales_rows > 0)
);
CREATE INDEX sales_totals_merchant ON sales_totals (merchant_id);
CREATE INDEX sales_totals_import ON sales_totals (import_id);

-- +goose StatementBegin
CREATE FUNCTION warroom_drop_sales_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM sales_totals t USING gone g WHERE t.import_id = g.id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER drop_totals AFTER DELETE ON sales_imports
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION warroom_drop_sales_totals();

-- Merchant imports, by file hash, for the same once-only rule.
CREATE TABLE merchant_imports (
    id          bigserial PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    file_name   text NOT NULL,
    sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    merchants   bigint NOT NULL CHECK (merchants >= 0),
    imported_at timestamptz NOT NULL DEFAULT now(),
    imported_by text NOT NULL DEFAULT warroom_actor(),
    UNIQUE (incident_id, sha256)
);

-- What the formula used, kept on the claim so a statement can show it.
-- cash_fen NULL means no rate for the industry yet (state awaiting_rate).
-- paid_fen is the sum of the claim's payouts, kept by the payouts trigger.
ALTER TABLE claims
    ADD COLUMN baseline_fen   bigint CHECK (baseline_fen >= 0),
    ADD COLUMN margin_rate_id bigint,
    ADD COLUMN margin_percent numeric(7, 4),
    ADD COLUMN cash_fen       bigint CHECK (cash_fen >= 0),
    ADD COLUMN paid_fen       bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0),
    ADD CONSTRAINT claims_not_overpaid CHECK (paid_fen <= amount_fen);
ALTER TABLE claims DROP CONSTRAINT claims_state_check;
ALTER TABLE claims ADD CONSTRAINT claims_state_check
    CHECK (state IN ('awaiting_rate', 'computed', 'chosen', 'approved', 'paid', 'rejected'));
ALTER TABLE claims DROP CONSTRAINT claims_check;
ALTER TABLE claims ADD CONSTRAINT claims_check
    CHECK (state IN ('awaiting_rate', 'computed', 'rejected') OR plan IS NOT NULL);
-- Nobody chooses between cash and traffic without knowing the cash figure.
ALTER TABLE claims ADD CONSTRAINT claims_awaiting_rate
    CHECK (state <> 'awaiting_rate' OR (cash_fen IS NULL AND plan IS NULL));

-- A merchant chooses once. Changing a made choice needs a row here, with a
-- reason, written in the same transaction (the trigger below checks).
-- Who may do it (commanders) is left to the roles migration.
CREATE TABLE plan_changes (
    id         bigserial PRIMARY KEY,
    claim_id   bigint NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    from_plan  text NOT NULL,
    to_plan    text NOT NULL CHECK (to_plan IN ('cash', 'traffic')),
    reason     text NOT NULL CHECK (btrim(reason) <> ''),
    changed_by text NOT NULL DEFAULT warroom_actor(),
    changed_at timestamptz NOT NULL DEFAULT now(),
    txid       bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX plan_changes_claim ON plan_changes (claim_id);

-- +goose StatementBegin
CREATE FUNCTION warroom_guard_plan_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM plan_changes WHERE claim_id = OLD.id AND to_plan = NEW.plan
                   AND txid = txid_current()) THEN
        RAISE EXCEPTION 'claim % already chose plan %', OLD.id, OLD.plan
            USING ERRCODE = 'check_violation', CONSTRAINT = 'claims_plan_chosen_once',
                  HINT = 'a commander can change it, giving a reason';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER plan_chosen_once BEFORE UPDATE OF plan ON claims FOR EACH ROW
    WHEN (OLD.plan IS NOT NULL AND NEW.plan IS DISTINCT FROM OLD.plan)
    EXECUTE FUNCTION warroom_guard_plan_change();

-- +goose StatementBegin
-- Fund counters from claims, one UPDATE per statement and incident: what
-- approved claims still owe (committed), the claim count and paid count.
CREATE FUNCTION warroom_claims_counters() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER fund_counters_insert AFTER INSERT ON claims
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_claims_counters();
CREATE TRIGGER fund_counters_update AFTER UPDATE ON claims
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_claims_counters();
CREATE TRIGGER fund_counters_delete AFTER DELETE ON claims
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_claims_counters();

-- +goose StatementBegin
-- A payout adds to its claim's paid_fen (which lowers what the claim still
-- owes) and then to the fund's paid total, in that order, so the fund's
-- CHECK never sees the same money twice.
CREATE FUNCTION warroom_payouts_counters() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE claims c SET paid_fen = c.paid_fen + p.fen
    FROM (SELECT claim_id, sum(amount_fen)::bigint AS fen FROM new_rows GROUP BY claim_id) p
    WHERE c.id = p.claim_id;
    UPDATE funds f SET paid_fen = f.paid_fen + p.fen
    FROM (SELECT incident_id, sum(amount_fen)::bigint AS fen FROM new_rows GROUP BY incident_id) p
    WHERE f.incident_id = p.incident_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER fund_counters AFTER INSERT ON payouts
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION warroom_payouts_counters();

-- +goose StatementBegin
-- The ledger is append-only: no UPDATE, and no DELETE except the cascade
-- when a whole incident is removed (then the trigger depth is above 1).
CREATE FUNCTION warroom_payouts_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR pg_trigger_depth() <= 1 THEN
        RAISE EXCEPTION 'payouts are append-only: % refused', lower(TG_OP)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_append_only';
    END IF;
    RETURN OLD;
END $$;
-- +goose StatementEnd
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON payouts
    FOR EACH ROW EXECUTE FUNCTION warroom_payouts_append_only();

-- +goose StatementBegin
-- Pledges: the fund's capacity follows its contributors.
CREATE FUNCTION warroom_pledge_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE funds SET pledged_fen = pledged_fen - OLD.pledged_fen WHERE incident_id = OLD.incident_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE funds SET pledged_fen = pledged_fen + NEW.pledged_fen WHERE incident_id = NEW.incident_id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER pledge_counter AFTER INSERT OR UPDATE OF pledged_fen OR DELETE ON contributors
    FOR EACH ROW EXECUTE FUNCTION warroom_pledge_counter();

-- Bring funds that already exist up to date, then guard them.
UPDATE funds f SET
    pledged_fen = COALESCE((SELECT sum(pledged_fen) FROM contributors c WHERE c.incident_id = f.incident_id), 0),
    paid_fen = COALESCE((SELECT sum(amount_fen) FROM payouts p WHERE p.incident_id = f.incident_id), 0),
    claims_count = (SELECT count(*) FROM claims c WHERE c.incident_id = f.incident_id),
    paid_claims = (SELECT count(*) FROM claims c WHERE c.incident_id = f.incident_id AND c.state = 'paid');
UPDATE claims c SET paid_fen = p.fen
FROM (SELECT claim_id, sum(amount_fen)::bigint AS fen FROM payouts GROUP BY claim_id) p WHERE c.id = p.claim_id;
UPDATE funds f SET committed_fen = COALESCE((SELECT sum(GREATEST(amount_fen - paid_fen, 0)) FROM claims c
    WHERE c.incident_id = f.incident_id AND c.state = 'approved'), 0);
ALTER TABLE funds
    ADD CONSTRAINT fund_counters_positive CHECK (pledged_fen >= 0 AND committed_fen >= 0 AND paid_fen >= 0),
    ADD CONSTRAINT fund_not_overdrawn CHECK (committed_fen + paid_fen <= pledged_fen);

-- The console reloads margin rates and imports when they change.
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON margin_rates
    FOR EACH ROW EXECUTE FUNCTION warroom_notify_row();
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON sales_imports
    FOR EACH ROW EXECUTE FUNCTION warroom_notify_row();
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON merchant_imports
    FOR EACH ROW EXECUTE FUNCTION warroom_notify_row();

-- +goose Down
DROP TRIGGER notify_change ON merchant_imports;
DROP TRIGGER notify_change ON sales_imports;
DROP TRIGGER notify_change ON margin_rates;
DROP TRIGGER pledge_counter ON contributors;
DROP TRIGGER append_only ON payouts;
DROP TRIGGER fund_counters ON payouts;
DROP TRIGGER fund_counters_insert ON claims;
DROP TRIGGER fund_counters_update ON claims;
DROP TRIGGER fund_counters_delete ON claims;
DROP TRIGGER plan_chosen_once ON claims;
DROP TABLE plan_changes, merchant_imports, sales_totals, sales_imports;
DROP VIEW current_margin_rates;
DROP TABLE margin_rates;
ALTER TABLE claims DROP CONSTRAINT claims_awaiting_rate, DROP CONSTRAINT claims_check,
    DROP CONSTRAINT claims_state_check, DROP CONSTRAINT claims_not_overpaid;
UPDATE claims SET state = 'computed' WHERE state = 'awaiting_rate';
ALTER TABLE claims ADD CONSTRAINT claims_state_check
    CHECK (state IN ('computed', 'chosen', 'approved', 'paid', 'rejected')),
    ADD CONSTRAINT claims_check CHECK (state IN ('computed', 'rejected') OR plan IS NOT NULL),
    DROP COLUMN baseline_fen, DROP COLUMN margin_rate_id, DROP COLUMN margin_percent,
    DROP COLUMN cash_fen, DROP COLUMN paid_fen;
ALTER TABLE funds DROP CONSTRAINT fund_not_overdrawn, DROP CONSTRAINT fund_counters_positive,
    DROP COLUMN inkind_value_fen, DROP COLUMN pledged_fen, DROP COLUMN committed_fen,
    DROP COLUMN paid_fen, DROP COLUMN claims_count, DROP COLUMN paid_claims;
DROP FUNCTION warroom_pledge_counter, warroom_payouts_append_only, warroom_payouts_counters,
    warroom_claims_counters, warroom_guard_plan_change, warroom_drop_sales_totals, warroom_cash_fen;
