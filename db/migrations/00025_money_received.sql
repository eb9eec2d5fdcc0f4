-- The fund as money really stands (issue 13).
--
-- Money received: each transfer is a contributions row (00001), recorded
-- by finance only, named by its reference (one reference once per
-- contributor: a repeated receive is found, not counted twice). The fund's
-- received_fen counter follows those rows as pledged_fen follows the
-- pledges; cash on hand is received_fen - paid_fen.
--
-- Facts from the source: a contributor's pledge_note keeps how the source
-- states the pledge ("more than 35,000,000"); the fund's inkind_plan is the
-- in-kind plan's content and inkind_value_source who valued it (empty: the
-- value is an assumption); a timeline entry's precision 'approx' marks a
-- time that is not known exactly.
--
-- The audit: rows of tables without an incident_id column (milestone_updates,
-- contributions, action_items, timeline_entry_versions) name their incident
-- through their parent, so the per-incident filter finds them.

-- +goose Up
ALTER TABLE funds ADD COLUMN received_fen bigint NOT NULL DEFAULT 0,
    ADD COLUMN inkind_plan text NOT NULL DEFAULT '',
    ADD COLUMN inkind_value_source text NOT NULL DEFAULT '',
    ADD CONSTRAINT funds_received_fen_check CHECK (received_fen >= 0);
ALTER TABLE contributors ADD COLUMN pledge_note text NOT NULL DEFAULT '';

ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_precision_check,
    ADD CONSTRAINT timeline_entries_precision_check CHECK (precision IN ('minute', 'day', 'approx'));

-- One reference once per contributor (case and outer spaces aside).
CREATE UNIQUE INDEX contributions_reference_key ON contributions (contributor_id, lower(btrim(reference)))
    WHERE btrim(reference) <> '';

-- Money received is finance's record.
REVOKE INSERT ON contributions FROM warroom_commander;

-- +goose StatementBegin
-- funds.received_fen follows the contributions (the counters' pattern:
-- SECURITY DEFINER, so warroom_guard_money lets it through).
CREATE FUNCTION warroom_received_counter() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
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
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_received_counter() FROM PUBLIC;
CREATE TRIGGER received_counter AFTER INSERT OR UPDATE OF amount_fen, contributor_id OR DELETE ON contributions
    FOR EACH ROW EXECUTE FUNCTION warroom_received_counter();

UPDATE funds f SET received_fen = COALESCE((SELECT sum(r.amount_fen) FROM contributions r
    JOIN contributors c ON c.id = r.contributor_id WHERE c.incident_id = f.incident_id), 0);

-- +goose StatementBegin
-- 00014's guard, with received_fen among the counters that follow the ledger.
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
-- +goose StatementEnd

-- +goose StatementBegin
-- 00021's contribution operation; a pledge may carry its pledge_note (how
-- the source states it, e.g. "more than 35,000,000"), for a new
-- contributor and for one already in the fund alike.
CREATE OR REPLACE FUNCTION warroom_exec_contribution(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
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
-- +goose StatementEnd

-- +goose StatementBegin
-- 00021's opening of a fund; the in-kind value's source is kept with it
-- (inkind_value_source; empty: the value is an assumption).
CREATE OR REPLACE FUNCTION warroom_open_fund(p_incident bigint, p_currency text,
        p_baseline_start timestamptz, p_baseline_end timestamptz,
        p_outage_start timestamptz, p_outage_end timestamptz,
        p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
            format('Threshold %s fen; outage end %s%s', p_threshold_fen,
                   CASE WHEN p_outage_end IS NULL THEN 'follows the resolution' ELSE p_outage_end::text END,
                   CASE WHEN src = '' THEN '' ELSE format('; in-kind value %s fen (%s)', p_inkind_value_fen, src) END),
            GREATEST(now(), inc.started_at), warroom_actor());
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
-- 00017's statement audit; a table without an incident_id column names
-- its rows' incident through their parent row.
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
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
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
CREATE OR REPLACE FUNCTION warroom_open_fund(p_incident bigint, p_currency text,
        p_baseline_start timestamptz, p_baseline_end timestamptz,
        p_outage_start timestamptz, p_outage_end timestamptz,
        p_threshold_fen bigint, p_inkind_value_fen bigint, p_inkind_source text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
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
                       outage_end_follows, payout_approval_fen, inkind_value_fen)
    VALUES (p_incident, COALESCE(NULLIF(btrim(p_currency), ''), 'CNY'), p_baseline_start, p_baseline_end,
            p_outage_start, COALESCE(p_outage_end, inc.resolved_at), p_outage_end IS NULL,
            p_threshold_fen, COALESCE(p_inkind_value_fen, 1200000));
    INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start, author)
    VALUES (p_incident, 'note', 'Compensation fund opened',
            format('Threshold %s fen; outage end %s%s', p_threshold_fen,
                   CASE WHEN p_outage_end IS NULL THEN 'follows the resolution' ELSE p_outage_end::text END,
                   CASE WHEN src = '' THEN '' ELSE format('; in-kind value %s fen (%s)', p_inkind_value_fen, src) END),
            GREATEST(now(), inc.started_at), warroom_actor());
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_contribution(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    fen bigint;
    nm  text;
BEGIN
    IF r.payload ? 'contribution_id' THEN
        fen := warroom_payload_id(r, 'amount_fen');
        UPDATE contributions c SET amount_fen = fen
        FROM contributors p WHERE p.id = c.contributor_id AND c.id = warroom_payload_id(r, 'contribution_id')
          AND p.incident_id IS NOT DISTINCT FROM COALESCE(r.incident_id, p.incident_id);
    ELSIF r.payload ? 'contributor_id' THEN
        fen := warroom_payload_id(r, 'pledged_fen');
        UPDATE contributors SET pledged_fen = fen
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
        INSERT INTO contributors (incident_id, name, native_name, role, position, pledged_fen, pledged_at)
        VALUES (r.incident_id, nm, btrim(COALESCE(r.payload->>'native_name', '')), btrim(COALESCE(r.payload->>'role', '')),
                COALESCE((SELECT max(position) FROM contributors WHERE incident_id = r.incident_id), 0) + 1, fen, now());
    ELSE
        RAISE EXCEPTION 'payload names neither contribution_id, contributor_id nor contributor_name'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contribution or contributor not found in the incident' USING ERRCODE = 'no_data_found';
    END IF;
    RETURN r.payload;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
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
DROP TRIGGER received_counter ON contributions;
DROP FUNCTION warroom_received_counter();
GRANT INSERT ON contributions TO warroom_commander;
DROP INDEX contributions_reference_key;
UPDATE timeline_entries SET precision = 'minute' WHERE precision = 'approx';
ALTER TABLE timeline_entries DROP CONSTRAINT timeline_entries_precision_check,
    ADD CONSTRAINT timeline_entries_precision_check CHECK (precision IN ('minute', 'day'));
ALTER TABLE contributors DROP COLUMN pledge_note;
ALTER TABLE funds DROP COLUMN received_fen, DROP COLUMN inkind_plan, DROP COLUMN inkind_value_source;
