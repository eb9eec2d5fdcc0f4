package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
)

func TestVoidNeedsADifferentCommander(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	eng, engName := f.login(t, access.Engineer)
	eng2, _ := f.login(t, access.Engineer)
	boss, bossName := f.login(t, access.Commander)

	if _, err := access.RequestVoidEntry(ctx, eng, f.incident, f.entry, " "); !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("no reason: %v", err)
	}
	id, err := access.RequestVoidEntry(ctx, eng, f.incident, f.entry, "duplicate of entry 1")
	if err != nil {
		t.Fatal(err)
	}
	pending, err := access.Pending(ctx, boss, f.incident)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != id || pending[0].RequestedBy != engName || pending[0].State != "pending" {
		t.Fatalf("queue %+v", pending)
	}
	// The requester, and another engineer (wrong role), are refused.
	if _, err := access.Approve(ctx, eng, id, ""); !errors.Is(err, db.ErrPermissionDenied) {
		t.Fatalf("self-approval: %v", err)
	}
	if _, err := access.Approve(ctx, eng2, id, ""); !errors.Is(err, db.ErrPermissionDenied) {
		t.Fatalf("engineer approving: %v", err)
	}
	if _, err := access.Approve(ctx, boss, id, "agreed"); err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, boss, id, ""); !errors.Is(err, db.ErrWrongState) {
		t.Fatalf("second approval: %v", err)
	}
	// The row stays, with who, when and why.
	var e struct {
		VoidedAt *time.Time `db:"voided_at"`
		VoidedBy string     `db:"voided_by"`
		Reason   string     `db:"void_reason"`
		Approval int64      `db:"void_approval"`
	}
	if err := f.admin.Get(&e, `SELECT voided_at, voided_by, void_reason, void_approval FROM timeline_entries WHERE id = $1`, f.entry); err != nil {
		t.Fatal(err)
	}
	if e.VoidedAt == nil || e.VoidedBy != engName || e.Reason != "duplicate of entry 1" || e.Approval != id {
		t.Fatalf("voided entry %+v", e)
	}
	a, _ := access.GetApproval(ctx, eng, id)
	if a.State != "approved" || a.DecidedBy == nil || *a.DecidedBy != bossName {
		t.Fatalf("decided %+v", a)
	}
	// A void row is frozen for everyone but the definer functions.
	if _, err := eng.Exec(`UPDATE timeline_entries SET title = 'back' WHERE id = $1`, f.entry); !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
		t.Fatalf("editing a void entry: %v", err)
	}
}

func TestExpiredAndRejectedRequests(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	fin2, _ := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)

	id, err := access.Request(ctx, fin, access.OpPayout, f.incident,
		map[string]any{"claim_id": f.claim, "amount_fen": 2000000, "idempotency_key": "big-1"}, "large shop", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Age it past its expiry (only a superuser can touch the table).
	f.admin.MustExec(`UPDATE approvals SET requested_at = requested_at - interval '2 hours',
		expires_at = expires_at - interval '2 hours' WHERE id = $1`, id)
	if _, err := access.Approve(ctx, boss, id, ""); !errors.Is(err, db.ErrWrongState) {
		t.Fatalf("expired: %v", err)
	}
	if p, _ := access.Pending(ctx, boss, 0); len(p) != 0 {
		t.Fatalf("expired request still queued: %+v", p)
	}
	if a, _ := access.GetApproval(ctx, boss, id); a.State != "expired" {
		t.Fatalf("state %q", a.State)
	}

	id, _ = access.Request(ctx, fin, access.OpPayout, f.incident,
		map[string]any{"claim_id": f.claim, "amount_fen": 2000000, "idempotency_key": "big-2"}, "large shop", 0)
	if err := access.Reject(ctx, fin2, id, "check the bank details"); err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, boss, id, ""); !errors.Is(err, db.ErrWrongState) {
		t.Fatalf("approving a rejected request: %v", err)
	}

	// The payout goes through on a different person's approval, once.
	id, _ = access.Request(ctx, fin, access.OpPayout, f.incident,
		map[string]any{"claim_id": f.claim, "amount_fen": 2000000, "idempotency_key": "big-3"}, "large shop", 0)
	res, err := access.Approve(ctx, fin2, id, "")
	if err != nil {
		t.Fatal(err)
	}
	var paid int64
	f.admin.Get(&paid, `SELECT amount_fen FROM payouts WHERE idempotency_key = 'big-3'`)
	if paid != 2000000 || len(res) == 0 {
		t.Fatalf("payout %d, result %s", paid, res)
	}
	// Paying the rest in full marks the claim paid, as compensation.Pay does.
	id, _ = access.Request(ctx, fin, access.OpPayout, f.incident,
		map[string]any{"claim_id": f.claim, "amount_fen": 3000000, "idempotency_key": "big-4"}, "rest", 0)
	if _, err := access.Approve(ctx, boss, id, ""); err != nil {
		t.Fatal(err)
	}
	var state string
	f.admin.Get(&state, `SELECT state FROM claims WHERE id = $1`, f.claim)
	if state != "paid" {
		t.Fatalf("claim %s after full payment", state)
	}
	id, _ = access.Request(ctx, fin, access.OpPayout, f.incident,
		map[string]any{"claim_id": f.claim, "amount_fen": 2000000, "idempotency_key": "big-5"}, "again", 0)
	if _, err := access.Approve(ctx, boss, id, ""); !errors.Is(err, db.ErrWrongState) {
		t.Fatalf("paying a paid claim: %v", err)
	}
}

// On the single-user embedded database everyone is the superuser: the
// --as name is the identity, and it still may not approve itself.
func TestEmbeddedActorsStillNeedTwoPeople(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var id int64
	err := db.Write(ctx, f.admin, "alice", func(tx *sqlx.Tx) error {
		var err error
		id, err = access.RequestVoidMilestone(ctx, tx, f.incident, "core", "planned twice")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, f.admin, "alice", func(tx *sqlx.Tx) error {
		_, err := access.Approve(ctx, tx, id, "")
		return err
	})
	if !errors.Is(err, db.ErrPermissionDenied) {
		t.Fatalf("alice approving her own: %v", err)
	}
	err = db.Write(ctx, f.admin, "bob", func(tx *sqlx.Tx) error {
		_, err := access.Approve(ctx, tx, id, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var by string
	f.admin.Get(&by, `SELECT voided_by FROM milestones WHERE id = $1`, f.milestone)
	if by != "alice" {
		t.Fatalf("voided_by %q", by)
	}
}
