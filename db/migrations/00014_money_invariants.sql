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

-- +goose Down
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
