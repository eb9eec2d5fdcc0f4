package access_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"warroom/access"
	"warroom/db/dbtest"
)

// Self-approval, reached on its own: the requester is a commander, who
// holds the approver role of every operation, so the role check passes and
// only the self-approval rule can refuse. Each kind of request is filed and
// approved by the commander in plain SQL, then approved by a second
// commander to show the request itself was sound.
func TestCommanderCannotApproveOwnRequest(t *testing.T) {
	f := newFixture(t)
	boss, bossName := f.login(t, access.Commander)
	boss2, boss2Name := f.login(t, access.Commander)
	_, grantee := f.login(t, access.Viewer)

	cases := []struct {
		op      access.Op
		payload map[string]any
	}{
		{access.OpVoidEntry, map[string]any{"entry_id": f.entry}},
		{access.OpVoidMilestone, map[string]any{"milestone_id": f.milestone}},
		{access.OpContribution, map[string]any{"contribution_id": f.contrib, "amount_fen": 700}},
		{access.OpPayout, map[string]any{"claim_id": f.claim, "amount_fen": 2000000, "idempotency_key": "self-1"}},
		{access.OpPayoutThreshold, map[string]any{"threshold_fen": 500}},
		{access.OpMarginRate, map[string]any{"industry": "catering", "percent": "21", "source": "self test"}},
		{access.OpRoleGrant, map[string]any{"user": grantee, "role": access.Engineer}},
		{access.OpInKindValue, map[string]any{"inkind_value_fen": 1300000}},
		{access.OpFundTerms, map[string]any{"outage_end": "2026-01-01T00:00:00Z"}},
	}
	// Every operation warroom_operations registers is covered, and a
	// commander may request and approve each.
	var ops []string
	if err := f.admin.Select(&ops, `SELECT op FROM warroom_operations
		WHERE 'commander' = ANY (requesters) AND 'commander' = ANY (approvers) ORDER BY op`); err != nil {
		t.Fatal(err)
	}
	if len(ops) != len(cases) {
		t.Fatalf("operations a commander requests and approves: %v; the test covers %d", ops, len(cases))
	}
	for _, tc := range cases {
		t.Run(string(tc.op), func(t *testing.T) {
			body, err := json.Marshal(tc.payload)
			if err != nil {
				t.Fatal(err)
			}
			inc := any(f.incident)
			if tc.op == access.OpRoleGrant {
				inc = nil
			}
			var id int64
			if err := boss.Get(&id, `SELECT warroom_request($1, $2, $3::jsonb, 'test')`, string(tc.op), inc, string(body)); err != nil {
				t.Fatalf("request: %v", err)
			}
			_, err = boss.Exec(`SELECT warroom_approve($1)`, id)
			dbtest.WantPG(t, err, "42501", bossName+" requested "+strconv.FormatInt(id, 10)+" and cannot approve it")

			var state, result string
			if err := f.admin.QueryRow(`SELECT state, COALESCE(result::text, '') FROM approvals WHERE id = $1`, id).
				Scan(&state, &result); err != nil {
				t.Fatal(err)
			}
			if state != "pending" || result != "" {
				t.Fatalf("after the refused self-approval: state %s, result %q", state, result)
			}
			if _, err := boss2.Exec(`SELECT warroom_approve($1)`, id); err != nil {
				t.Fatalf("second commander approving: %v", err)
			}
			var decidedBy string
			if err := f.admin.Get(&decidedBy, `SELECT COALESCE(decided_by, '') FROM approvals WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			if decidedBy != boss2Name {
				t.Fatalf("approved by %q, want the second commander %s", decidedBy, boss2Name)
			}
		})
	}
	dbtest.CheckLedger(t, f.admin, f.incident)
}

// The schema's own rule, without the function in front of it: even the
// owner cannot record an approval decided by its requester. Withdrawing
// one's own request (a rejection) stays allowed.
func TestApprovalsNotSelfConstraint(t *testing.T) {
	f := newFixture(t)
	var id int64
	if err := f.admin.Get(&id, `INSERT INTO approvals (incident_id, op, payload, reason, requested_by, expires_at)
		VALUES ($1, 'void_entry', '{"entry_id": 1}', 'test', 'alice', now() + interval '1 hour') RETURNING id`, f.incident); err != nil {
		t.Fatal(err)
	}
	_, err := f.admin.Exec(`UPDATE approvals SET state = 'approved', decided_by = requested_by, decided_at = now() WHERE id = $1`, id)
	dbtest.WantConstraint(t, err, "23514", "approvals_not_self")
	_, err = f.admin.Exec(`INSERT INTO approvals (incident_id, op, payload, reason, requested_by, expires_at, state, decided_by, decided_at)
		VALUES ($1, 'void_entry', '{"entry_id": 1}', 'test', 'alice', now() + interval '1 hour', 'approved', 'alice', now())`, f.incident)
	dbtest.WantConstraint(t, err, "23514", "approvals_not_self")
	if _, err := f.admin.Exec(`UPDATE approvals SET state = 'rejected', decided_by = requested_by, decided_at = now() WHERE id = $1`, id); err != nil {
		t.Fatalf("withdrawing one's own request: %v", err)
	}
	if _, err := f.admin.Exec(`UPDATE approvals SET state = 'approved', decided_by = 'bob' WHERE id = $1`, id); err != nil {
		t.Fatalf("an approval by someone else: %v", err)
	}
}
