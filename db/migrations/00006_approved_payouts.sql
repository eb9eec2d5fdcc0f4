-- An approved payout does what compensation.Pay does: only an approved
-- claim is paid, and a claim paid in full is marked paid.

-- +goose Up
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
    WHERE id = c.id AND paid_fen >= amount_fen;
    RETURN jsonb_build_object('payout_id', pid, 'claim_id', c.id);
END $$;
-- +goose StatementEnd

-- +goose Down
-- (00005's version returns on the next Up; nothing to undo in data.)
SELECT 1;
