-- A fund's terms decide every claim's amount: the baseline and outage
-- windows (the cash formula's inputs) and the in-kind plan's value. One
-- login changing them could raise every unapproved claim and then pay each
-- one under the threshold, so a change is high-risk: requested by one
-- person, carried out when another approves. The in-kind value has its
-- operation (inkind_value, which also reprices the chosen traffic claims
-- as compensation.SetInKindValue does); a window change has none yet and
-- is refused to every login (a new fund still sets its windows freely).

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION warroom_guard_fund_terms() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
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
-- +goose StatementEnd
CREATE TRIGGER guard_fund_terms BEFORE UPDATE ON funds
    FOR EACH ROW EXECUTE FUNCTION warroom_guard_fund_terms();

-- +goose StatementBegin
-- {"inkind_value_fen"}: the in-kind plan's new value; chosen traffic
-- claims take it, approved and paid ones keep theirs.
CREATE FUNCTION warroom_exec_inkind_value(r approvals) RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v bigint := warroom_payload_id(r, 'inkind_value_fen');
    n bigint;
BEGIN
    IF v < 0 THEN
        RAISE EXCEPTION 'an in-kind value of % fen is negative', v USING ERRCODE = 'check_violation';
    END IF;
    UPDATE funds SET inkind_value_fen = v WHERE incident_id = r.incident_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'incident % has no fund', r.incident_id USING ERRCODE = 'no_data_found';
    END IF;
    UPDATE claims SET amount_fen = v, updated_at = now()
    WHERE incident_id = r.incident_id AND plan = 'traffic' AND state = 'chosen' AND amount_fen <> v;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN r.payload || jsonb_build_object('claims_repriced', n);
END $$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION warroom_exec_inkind_value(approvals) FROM PUBLIC;

INSERT INTO warroom_operations (op, requesters, approvers, executor, required, description) VALUES
    ('inkind_value', '{commander,finance}', '{commander,finance}', 'warroom_exec_inkind_value(approvals)',
     '{inkind_value_fen}', 'change the in-kind plan''s value (reprices chosen traffic claims)');

-- +goose Down
DELETE FROM warroom_operations WHERE op = 'inkind_value';
DROP TRIGGER guard_fund_terms ON funds;
DROP FUNCTION warroom_exec_inkind_value(approvals), warroom_guard_fund_terms();
