package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lib/pq"

	"warroom/access"
	"warroom/db/dbtest"
)

// A pledge changes only through an approved request: finance asks, a
// different approver carries it out, and the fund's pledged total follows.
// A cut below what is committed is refused by fund_not_overdrawn when it
// is approved, leaving pledge and request as they were.
func TestPledgeChangeThroughApproval(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	boss, _ := f.login(t, access.Commander)
	pledged := func() int64 {
		return dbtest.Get[int64](t, f.admin, `SELECT pledged_fen FROM contributors WHERE id = $1`, f.contributor)
	}
	before := dbtest.CheckLedger(t, f.admin, f.incident)

	// Directly, in plain SQL, it is refused by name.
	_, err := fin.Exec(`UPDATE contributors SET pledged_fen = 1 WHERE id = $1`, f.contributor)
	dbtest.WantPG(t, err, "WR001", "changing the pledge of co needs a second authorisation")

	var id int64
	if err := fin.Get(&id, `SELECT warroom_request('contribution', $1, jsonb_build_object('contributor_id', $2::bigint, 'pledged_fen', 120000000), 'pledge raised')`,
		f.incident, f.contributor); err != nil {
		t.Fatal(err)
	}
	if p := pledged(); p != 100000000 {
		t.Fatalf("pledge %d before the approval, want 100000000", p)
	}
	if _, err := access.Approve(ctx, boss, id, "confirmed by letter"); err != nil {
		t.Fatal(err)
	}
	if p := pledged(); p != 120000000 {
		t.Fatalf("pledge %d after the approval, want 120000000", p)
	}
	after := dbtest.CheckLedger(t, f.admin, f.incident)
	if after.Pledged != before.Pledged+20000000 {
		t.Fatalf("fund pledged %d, want %d", after.Pledged, before.Pledged+20000000)
	}

	// The fixture's approved claim commits 5,000,000: a cut to 4,999,999 fails.
	if after.Committed != 5000000 {
		t.Fatalf("committed %d, want the fixture claim's 5000000", after.Committed)
	}
	if err := fin.Get(&id, `SELECT warroom_request('contribution', $1, jsonb_build_object('contributor_id', $2::bigint, 'pledged_fen', 4999999), 'pledge cut')`,
		f.incident, f.contributor); err != nil {
		t.Fatal(err)
	}
	_, err = access.Approve(ctx, boss, id, "")
	var pe *pq.Error
	if !errors.As(err, &pe) || pe.Code != "23514" || pe.Constraint != "fund_not_overdrawn" {
		t.Fatalf("approving a pledge cut below what is committed: %v, want fund_not_overdrawn", err)
	}
	if p := pledged(); p != 120000000 {
		t.Fatalf("pledge %d after the refused cut, want 120000000", p)
	}
	if a, err := access.GetApproval(ctx, boss, id); err != nil || a.State != "pending" {
		t.Fatalf("refused cut's request: %+v %v", a, err)
	}
	if l := dbtest.CheckLedger(t, f.admin, f.incident); l != after {
		t.Fatalf("a refused cut moved the fund: %+v, was %+v", l, after)
	}
	// Cutting exactly to what is committed fits.
	if err := fin.Get(&id, `SELECT warroom_request('contribution', $1, jsonb_build_object('contributor_id', $2::bigint, 'pledged_fen', 5000000), 'pledge cut')`,
		f.incident, f.contributor); err != nil {
		t.Fatal(err)
	}
	if _, err := access.Approve(ctx, boss, id, ""); err != nil {
		t.Fatalf("a cut to exactly what is committed: %v", err)
	}
	if l := dbtest.CheckLedger(t, f.admin, f.incident); l.Pledged != 5000000 || l.Committed != 5000000 {
		t.Fatalf("after the cut: %+v", l)
	}
}
