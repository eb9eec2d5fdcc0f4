package access_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
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
	// The requester, and another engineer (wrong role), are refused, each
	// by its own rule (self-approval by a role that may approve is in
	// self_approval_test.go).
	_, err = access.Approve(ctx, eng, id, "")
	dbtest.WantPG(t, err, "42501", engName+" requested")
	_, err = access.Approve(ctx, eng2, id, "")
	dbtest.WantPG(t, err, "42501", fmt.Sprintf("may not approve request %d (void entry): needs the commander role", id))
	if _, err := access.Approve(ctx, boss, id, "agreed"); err != nil {
		t.Fatal(err)
	}
	// Someone decided it first: a conflict (exit 4), not a wrong state.
	if _, err := access.Approve(ctx, boss, id, ""); !errors.Is(err, db.ErrConflict) {
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
	a, err := access.GetApproval(ctx, eng, id)
	if err != nil {
		t.Fatal(err)
	}
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
	if p, err := access.Pending(ctx, boss, 0); err != nil || len(p) != 0 {
		t.Fatalf("expired request still queued: %+v %v", p, err)
	}
	if a, err := access.GetApproval(ctx, boss, id); err != nil || a.State != "expired" {
		t.Fatalf("state %q %v", a.State, err)
	}

	id = request(t, fin, f.incident, f.claim, 2000000, "big-2")
	if err := access.Reject(ctx, fin2, id, "check the bank details"); err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, boss, id, ""); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("approving a rejected request: %v", err)
	}
	if err := access.Reject(ctx, boss, id, ""); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("rejecting a rejected request: %v", err)
	}

	// The payout goes through on a different person's approval, once.
	id = request(t, fin, f.incident, f.claim, 2000000, "big-3")
	res, err := access.Approve(ctx, fin2, id, "")
	if err != nil {
		t.Fatal(err)
	}
	paid := dbtest.Get[int64](t, f.admin, `SELECT amount_fen FROM payouts WHERE idempotency_key = 'big-3'`)
	if paid != 2000000 || len(res) == 0 {
		t.Fatalf("payout %d, result %s", paid, res)
	}
	// Paying the rest in full marks the claim paid, as compensation.Pay does.
	id = request(t, fin, f.incident, f.claim, 3000000, "big-4")
	if _, err := access.Approve(ctx, boss, id, ""); err != nil {
		t.Fatal(err)
	}
	state := dbtest.Get[string](t, f.admin, `SELECT state FROM claims WHERE id = $1`, f.claim)
	if state != "paid" {
		t.Fatalf("claim %s after full payment", state)
	}
	id = request(t, fin, f.incident, f.claim, 2000000, "big-5")
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
	dbtest.WantPG(t, err, "42501", "alice requested")
	err = db.Write(ctx, f.admin, "bob", func(tx *sqlx.Tx) error {
		_, err := access.Approve(ctx, tx, id, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	by := dbtest.Get[string](t, f.admin, `SELECT voided_by FROM milestones WHERE id = $1`, f.milestone)
	if by != "alice" {
		t.Fatalf("voided_by %q", by)
	}
}

// request files a payout request as conn and fails t if it is refused.
func request(t *testing.T, conn *sqlx.DB, incident, claim, fen int64, key string) int64 {
	t.Helper()
	id, err := access.Request(context.Background(), conn, access.OpPayout, incident,
		map[string]any{"claim_id": claim, "amount_fen": fen, "idempotency_key": key}, "large shop", 0)
	if err != nil {
		t.Fatalf("request %s: %v", key, err)
	}
	return id
}

// The same request (operation, incident, payload) already waiting is said,
// not filed twice, to the engineer asking as to anyone; once it is decided,
// the same can be asked again.
func TestSameRequestWaitingIsNotFiledTwice(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	eng, engName := f.login(t, access.Engineer)
	eng2, _ := f.login(t, access.Engineer)
	boss, _ := f.login(t, access.Commander)
	id, err := access.RequestVoidEntry(ctx, eng, f.incident, f.entry, "duplicate of entry 1")
	if err != nil {
		t.Fatal(err)
	}
	var ce *db.ConflictError
	_, err = access.RequestVoidEntry(ctx, eng2, f.incident, f.entry, "a duplicate")
	if !errors.As(err, &ce) || !errors.Is(err, db.ErrConflict) ||
		err.Error() != fmt.Sprintf("the same request (void entry) is already waiting as request %d, filed by %s at %s; approve or reject that one (warroom approvals approve %d)",
			id, engName, ce.At.Format("2006-01-02 15:04:05 MST"), id) {
		t.Fatalf("the same request again: %v", err)
	}
	if err := access.Reject(ctx, boss, id, "not a duplicate"); err != nil {
		t.Fatal(err)
	}
	if _, err := access.RequestVoidEntry(ctx, eng2, f.incident, f.entry, "a duplicate after all"); err != nil {
		t.Fatalf("asked again once the first was decided: %v", err)
	}
}
