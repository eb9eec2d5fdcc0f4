-- A fund for any incident. A commander opens it (warroom_open_fund: one per
-- incident, its own threshold allowed, which a plain INSERT is refused);
-- its outage end follows the incident's resolution until one is set
-- (funds.outage_end_follows: a trigger on incidents copies resolved_at and
-- recomputes the unapproved claims, so every reader of funds.outage_end,
-- the claims guard included, sees one figure). Later window changes are
-- the fund_terms operation; a new contributor's pledge joins contribution.

-- +goose Up
ALTER TABLE funds ADD COLUMN outage_end_follows boolean NOT NULL DEFAULT false;

-- +goose StatementBegin
-- Recomputes the cash figure and amount of every unapproved claim of the
-- incident over the fund's current windows, as compensation/compute.go
-- does (traffic claims keep the in-kind value). Returns how many changed.
CREATE FUNCTION warroom_fund_recompute(p_incident bigint) RETURNS bigint LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
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
-- +goose StatementEnd

-- +goose StatementBegin
-- Opens the incident's fund. Refuses (42501) a login without the warroom
-- commander role, (23505) a second fund, and bad windows by their checks.
CREATE FUNCTION warroom_open_fund(p_incident bigint, p_currency text,
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
REVOKE EXECUTE ON FUNCTION warroom_open_fund(bigint, text, timestamptz, timestamptz, timestamptz, timestamptz,
    bigint, bigint, text), warroom_fund_recompute(bigint) FROM PUBLIC;
-- Every warroom role may call it; the function itself says who is refused.
GRANT EXECUTE ON FUNCTION warroom_open_fund(bigint, text, timestamptz, timestamptz, timestamptz, timestamptz,
    bigint, bigint, text) TO warroom_commander, warroom_engineer, warroom_finance, warroom_viewer;

-- A fund is opened through warroom_open_fund only: a plain INSERT could
-- skip its commander check and its timeline entry.
REVOKE INSERT ON funds FROM warroom_commander, warroom_finance;

-- +goose StatementBegin
-- The outage end follows the resolution: resolved sets it, reopening
-- clears it, and the unapproved claims follow in the same transaction.
CREATE FUNCTION warroom_fund_follow_resolution() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    UPDATE funds SET outage_end = NEW.resolved_at
    WHERE incident_id = NEW.id AND outage_end_follows AND outage_end IS DISTINCT FROM NEW.resolved_at;
    IF FOUND THEN
        PERFORM warroom_fund_recompute(NEW.id);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_fund_follow_resolution() FROM PUBLIC;
CREATE TRIGGER fund_follow_resolution AFTER UPDATE OF resolved_at ON incidents
    FOR EACH ROW WHEN (NEW.resolved_at IS DISTINCT FROM OLD.resolved_at)
    EXECUTE FUNCTION warroom_fund_follow_resolution();

-- +goose StatementBegin
-- {"baseline_start","baseline_end","outage_start","outage_end"} (any of
-- them, RFC 3339): the fund's new windows; an outage_end stops it
-- following the resolution. The unapproved claims are recomputed.
CREATE FUNCTION warroom_exec_fund_terms(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n bigint;
    k text;
BEGIN
    FOR k IN SELECT jsonb_object_keys(r.payload) LOOP
        IF k NOT IN ('baseline_start', 'baseline_end', 'outage_start', 'outage_end') THEN
            RAISE EXCEPTION 'fund_terms payload key % is not a window bound', k USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    IF r.payload = '{}'::jsonb THEN
        RAISE EXCEPTION 'fund_terms payload names no window bound' USING ERRCODE = 'invalid_parameter_value';
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
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_exec_fund_terms(approvals) FROM PUBLIC;

-- +goose StatementBegin
-- contribution, extended: {"contributor_name","pledged_fen"[,"native_name","role"]}
-- adds a contributor with that pledge (a name already in the fund is refused:
-- raise its pledge with {"contributor_id","pledged_fen"}).
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

INSERT INTO warroom_operations (op, requesters, approvers, executor, required, description) VALUES
    ('fund_terms', '{commander,finance}', '{commander,finance}', 'warroom_exec_fund_terms(approvals)',
     '{}', 'change the fund''s baseline or outage window (recomputes the unapproved claims)');

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_exec_contribution(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    fen bigint;
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
    ELSE
        RAISE EXCEPTION 'payload names neither contribution_id nor contributor_id' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contribution or contributor not found in the incident' USING ERRCODE = 'no_data_found';
    END IF;
    RETURN r.payload;
END $$;
-- +goose StatementEnd
DELETE FROM warroom_operations WHERE op = 'fund_terms';
DROP TRIGGER fund_follow_resolution ON incidents;
DROP FUNCTION warroom_exec_fund_terms(approvals), warroom_fund_follow_resolution(),
    warroom_open_fund(bigint, text, timestamptz, timestamptz, timestamptz, timestamptz, bigint, bigint, text),
    warroom_fund_recompute(bigint);
ALTER TABLE funds DROP COLUMN outage_end_follows;
GRANT INSERT ON funds TO warroom_commander, warroom_finance;
