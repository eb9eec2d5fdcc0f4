package compensation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// A window change's preview says what applying it does: the claims that
// change and the fund's move, and the applied figures are what a fresh
// computation gives (computing again writes nothing).
func TestWindowPreviewMatchesApplied(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 1_000_000_00)
	importBoth(t, conn, inc)
	for ind, pct := range map[string]string{"catering": "20", "fresh food": "12"} {
		if _, err := compensation.SetRate(ctx, conn, inc, ind, mustMargin(t, pct), "test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.Choose(ctx, conn, inc, "M1", "cash"); err != nil {
		t.Fatal(err)
	}
	sum := func() int64 {
		return dbtest.Get[int64](t, conn, `SELECT COALESCE(sum(amount_fen), 0)::bigint FROM claims WHERE incident_id = $1`, inc)
	}
	before := sum()
	end := time.Date(2020, 3, 5, 9, 0, 0, 0, time.UTC)
	ch := compensation.WindowChange{OutageEnd: &end}
	imp, err := compensation.PreviewWindows(ctx, conn, inc, ch)
	if err != nil {
		t.Fatal(err)
	}
	// M1 and M2 are priced; M3 awaits a rate and keeps no figure.
	if imp.Claims != 3 || imp.Changing != 2 || imp.FundMoveFen <= 0 || imp.CashAfterFen-imp.CashBeforeFen != imp.FundMoveFen {
		t.Fatalf("preview %+v", imp)
	}
	n, err := compensation.SetWindows(ctx, conn, inc, ch)
	if err != nil {
		t.Fatal(err)
	}
	if n != imp.Changing || sum()-before != imp.FundMoveFen {
		t.Fatalf("applied: %d claims, fund moved %d; preview said %d and %d", n, sum()-before, imp.Changing, imp.FundMoveFen)
	}
	if c, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil || c.Written != 0 {
		t.Fatalf("computing after the change wrote %+v (%v), want nothing", c, err)
	}
	// An end before the start is refused by name, and nothing moves.
	bad := time.Date(2020, 2, 1, 0, 0, 0, 0, time.UTC)
	_, err = compensation.PreviewWindows(ctx, conn, inc, compensation.WindowChange{OutageEnd: &bad})
	var fe *db.FieldError
	if !errors.As(err, &fe) || fe.Field != "--outage-end" {
		t.Fatalf("an outage end before its start: %v", err)
	}
}

// A pledge names a new contributor or sets the total of one already in the
// fund (any case), and its request says which.
func TestPledgeNewOrRaised(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	inc := newIncident(t, conn, 100)
	in := compensation.PledgeInput{Name: "Acme", NativeName: "艾克米", Role: "partner", PledgedFen: 500}
	if p, err := compensation.PledgeRequest(ctx, conn, inc, in); err != nil || p["contributor_name"] != "Acme" {
		t.Fatalf("request for a new contributor: %v %v", p, err)
	}
	if err := compensation.Pledge(ctx, conn, inc, in); err != nil {
		t.Fatal(err)
	}
	in.Name, in.PledgedFen = " acme ", 800
	p, err := compensation.PledgeRequest(ctx, conn, inc, in)
	if err != nil || p["contributor_id"] == nil || p["pledged_fen"] != int64(800) {
		t.Fatalf("request for an existing contributor: %v %v", p, err)
	}
	if err := compensation.Pledge(ctx, conn, inc, in); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM contributors WHERE incident_id = $1 AND pledged_fen = 800 AND name = 'Acme'`, inc); n != 1 {
		t.Fatalf("%d Acme contributors at 800", n)
	}
	if l := dbtest.CheckLedger(t, conn, inc); l.Pledged != 900 {
		t.Fatalf("fund pledged %d, want 900", l.Pledged)
	}
}

// Opening refuses windows the wrong way round before asking the database.
func TestOpenFundRefusesBadWindows(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('o', 'O', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	err := compensation.OpenFund(ctx, conn, inc, compensation.OpenInput{BaselineStart: now, BaselineEnd: now.Add(-time.Hour), OutageStart: now})
	var fe *db.FieldError
	if !errors.As(err, &fe) || fe.Field != "--baseline-end" {
		t.Fatalf("baseline end before its start: %v", err)
	}
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM funds WHERE incident_id = $1`, inc); n != 0 {
		t.Fatalf("%d funds after a refused open", n)
	}
	if err := compensation.OpenFund(ctx, conn, inc, compensation.OpenInput{BaselineStart: now.Add(-48 * time.Hour),
		BaselineEnd: now.Add(-24 * time.Hour), OutageStart: now.Add(-time.Hour), ThresholdFen: 100}); err != nil {
		t.Fatal(err)
	}
	if tm, err := compensation.LoadTerms(ctx, conn, inc); err != nil || !tm.OutageEndFollows || tm.ThresholdFen != 100 || tm.Currency != "CNY" {
		t.Fatalf("terms %+v %v", tm, err)
	}
}
