-- Payouts in bulk (`claims pay-run --bulk`): the payout guard's threshold
-- check drove its join from the whole payouts table, matched against the
-- statement's rows (a transition table the planner guesses at 1 row after
-- grouping). 20,000 payouts in one statement over 220,000 existing ones
-- then compared 4.4 billion pairs: six minutes. It now starts from the
-- statement's claims and sums each one's payouts through the claim index,
-- whatever the planner guesses. The rule is unchanged.
-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION warroom_guard_payouts() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'public', 'pg_temp'
    AS $$
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
        RAISE EXCEPTION 'claim % is %: only an approved claim is paid', bad.id, warroom_word('claim state', bad.state)
            USING ERRCODE = 'check_violation', CONSTRAINT = 'payouts_claim_approved';
    END IF;
    SELECT n.claim_id, t.fen, f.payout_approval_fen INTO bad
    FROM (SELECT DISTINCT incident_id, claim_id FROM new_rows) n
    JOIN funds f ON f.incident_id = n.incident_id
    CROSS JOIN LATERAL (SELECT sum(p.amount_fen)::bigint AS fen FROM payouts p
                        WHERE p.claim_id = n.claim_id AND p.incident_id = n.incident_id
                          AND p.approval_id IS NULL) t
    WHERE t.fen > f.payout_approval_fen LIMIT 1;
    IF FOUND THEN
        PERFORM warroom_refuse_unapproved(format('paying %s on claim %s without a request (above the %s of %s)',
            warroom_money(bad.fen), bad.claim_id, warroom_word('operation', 'payout_threshold'),
            warroom_money(bad.payout_approval_fen)));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
