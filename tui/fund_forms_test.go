package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"warroom/compensation"
	"warroom/db/dbtest"
)

// Money received from the Fund view: r on a contributor opens the form
// with its name, a bad amount stays beside its field with nothing written,
// a good one is written in one transaction, the overview says what was
// done and shows the new figures; the ledger holds.
func TestFundReceiveForm(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "zhou", 120, 40)
	m = keys(t, m, "4")
	m = act(t, m, "r")
	f := openForm(m)
	if f == nil || f.Value("contributor") != "The company" {
		t.Fatalf("r should open the receive form on the selected contributor:\n%s", screen(m))
	}
	rows := func() int { return countRowsSQL(t, conn, `SELECT count(*) FROM contributions`) }
	before := rows()
	m = fill(t, m, "amount", "abc")
	m = fill(t, m, "reference", "treasury transfer 3/3")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Amount"); got == "" || openForm(m) == nil {
		t.Fatalf("a bad amount should be refused beside its field:\n%s", screen(m))
	}
	if openForm(m).fields[openForm(m).focus].name != "amount" {
		t.Fatal("focus should move to the amount")
	}
	m = fill(t, m, "amount", "40000000")
	m = fill(t, m, "at", "2020-04-20 10:00")
	m = act(t, m, "enter")
	if openForm(m) != nil {
		t.Fatalf("valid receive failed:\n%s", screen(m))
	}
	if n := rows(); n != before+1 {
		t.Fatalf("%d transfers, want %d", n, before+1)
	}
	s := screen(m)
	for _, want := range []string{"received 40,000,000.00 from The company", "The company has now sent 100,000,000.00",
		"150,000,000.00", "Cash on hand", "104,899,459.14"} {
		if !strings.Contains(s, want) {
			t.Errorf("after receive, the screen lacks %q:\n%s", want, s)
		}
	}
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents LIMIT 1`)
	dbtest.CheckLedger(t, conn, inc)
	// The same transfer again: found, not counted twice.
	m = act(t, m, "r")
	m = fill(t, m, "amount", "40000000")
	m = fill(t, m, "at", "2020-04-20 10:00")
	m = fill(t, m, "reference", "treasury transfer 3/3")
	m = act(t, m, "enter")
	if n := rows(); n != before+1 || !strings.Contains(screen(m), "already recorded, nothing added") {
		t.Fatalf("a repeated transfer: %d rows\n%s", n, screen(m))
	}
}

// A pledge and a change of the terms from the Fund view are filed as
// approval requests; the in-kind plan's description is written at once.
func TestFundPledgeAndTermsFileRequests(t *testing.T) {
	conn := demoDB(t)
	m := newActorModel(t, conn, "chen", 120, 40)
	m = keys(t, m, "4", "j")
	m = act(t, m, "p")
	if f := openForm(m); f == nil || f.Value("contributor") != "Sun Taoyong" ||
		f.Value("pledge_note") != "more than 35,000,000 (the statement's minimum)" {
		t.Fatalf("p should open the pledge form on the selected contributor:\n%s", screen(m))
	}
	m = fill(t, m, "amount", "36000000")
	m = act(t, m, "enter")
	if got := errorBeside(screen(m), "Reason"); got == "" {
		t.Fatalf("a pledge without a reason should be refused beside it:\n%s", screen(m))
	}
	m = fill(t, m, "reason", "letter of 5 March")
	m = act(t, m, "enter")
	if openForm(m) != nil || !strings.Contains(screen(m), "(contribution) for the pledge of Sun Taoyong") {
		t.Fatalf("pledge:\n%s", screen(m))
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM approvals WHERE op = 'contribution' AND state = 'pending'
		AND payload->>'pledged_fen' = '3600000000' AND payload ? 'contributor_id'`); n != 1 {
		t.Fatalf("%d pending contribution requests", n)
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM contributors WHERE pledged_fen = 3600000000`); n != 0 {
		t.Fatal("the pledge changed before it was approved")
	}

	m = act(t, m, "s")
	m = fill(t, m, "threshold", "20000")
	m = fill(t, m, "inkind_source", "vendor price list")
	m = fill(t, m, "reason", "more payouts by one person")
	m = act(t, m, "enter")
	s := screen(m)
	if openForm(m) != nil || !strings.Contains(s, "(payout threshold)") || !strings.Contains(s, "description is saved") {
		t.Fatalf("terms:\n%s", s)
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM approvals WHERE op = 'payout_threshold' AND state = 'pending'
		AND payload->>'threshold_fen' = '2000000'`); n != 1 {
		t.Fatalf("%d pending threshold requests", n)
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM funds WHERE inkind_value_source = 'vendor price list'
		AND payout_approval_fen = 1000000`); n != 1 {
		t.Fatal("the in-kind source should be saved and the threshold kept until approved")
	}
	if !strings.Contains(s, "valued by vendor price list") {
		t.Fatalf("the overview should show who valued the plan:\n%s", s)
	}
}

// An incident without a fund says so and offers o; the open form opens it.
func TestFundOpenFormOnANewIncident(t *testing.T) {
	conn := dbtest.New(t)
	conn.MustExec(`INSERT INTO incidents (slug, title, started_at, time_zone)
		VALUES ('new', 'New incident', now() - interval '1 hour', 'Asia/Shanghai')`)
	m := newActorModel(t, conn, "chen", 100, 30)
	m = keys(t, m, "4")
	if s := screen(m); !strings.Contains(s, "No compensation fund for this incident.") || !strings.Contains(s, "A commander opens one: o") {
		t.Fatalf("no fund:\n%s", s)
	}
	// The help offers o, and o opens the form (whose help is the form's).
	if h := m.focus().ShortHelp(); len(h) != 1 || h[0].Help().Key != "o" {
		t.Fatalf("without a fund the help should offer o: %v", h)
	}
	m = act(t, m, "o")
	if f := openForm(m); f == nil || len(m.focus().ShortHelp()) != len(f.ShortHelp()) {
		t.Fatalf("o should open the open form:\n%s", screen(m))
	}
	m = fill(t, m, "baseline_start", "2026-11-01 00:00")
	m = fill(t, m, "baseline_end", "2026-11-08 00:00")
	m = fill(t, m, "outage_start", "2026-12-01 08:00")
	m = fill(t, m, "threshold", "abc")
	m = act(t, m, "enter")
	if errorBeside(screen(m), "Threshold") == "" || countRowsSQL(t, conn, `SELECT count(*) FROM funds`) != 0 {
		t.Fatalf("a bad threshold should be refused beside it, nothing written:\n%s", screen(m))
	}
	m = fill(t, m, "threshold", "10000")
	m = fill(t, m, "inkind_plan", "two free months")
	m = act(t, m, "enter")
	if openForm(m) != nil || !strings.Contains(screen(m), "opened the compensation fund") {
		t.Fatalf("open:\n%s", screen(m))
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM funds WHERE outage_end_follows AND inkind_plan = 'two free months'
		AND inkind_value_source = '' AND payout_approval_fen = 1000000`); n != 1 {
		t.Fatal("the fund is not as opened")
	}
}

// Approved claims owing more than the cash on hand: the figure turns and
// a warning line says by how much, at 80 and 120 columns alike; the source's
// facts (in-kind plan, assumed value, pledge as stated) show when there is room.
func TestFundWarnsWhenCashIsShort(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		s := accFundSnapshot()
		f := *s.Fund
		f.CommittedFen, f.CashOnHandFen, f.CashShort = 10_000_000_000, 9_000_000_000, true
		f.InKindValueFen, f.InKindValueAssumed, f.InKindPlan = 1_200_000, true, "50,000 ad impressions"
		f.Contributors = append(f.Contributors[:0:0], f.Contributors...)
		f.Contributors[0].PledgeNote = "more than 100,000,000"
		s.Fund = &f
		st := newStyles(DefaultTheme())
		v := newFundView(&st).(*fundView)
		v.SetSize(size[0], size[1])
		v.SetData(s)
		out := v.Render()
		checkBlock(t, out, size[0], size[1])
		plain := ansi.Strip(out)
		if !strings.Contains(plain, "! approved claims owe 100,000,000.00: 10,000,000.00 more than the cash on hand") {
			t.Errorf("%v: no warning:\n%s", size, plain)
		}
		if size[0] == 120 && (!strings.Contains(plain, "In-kind plan, 12,000.00 each (an assumption: no source valued it): 50,000 ad impressions") ||
			!strings.Contains(plain, "* Selected pledge, as the source states it: more than 100,000,000")) {
			t.Errorf("%v: no in-kind plan or pledge note:\n%s", size, plain)
		}
		// At 80x24 the same facts, compactly: the plan in one line, the
		// pledge marked in the list and its note on the list's title line.
		if size[0] == 80 && (!strings.Contains(plain, "In-kind plan, 12,000.00 each (assumed): 50,000 ad impressions") ||
			!regexp.MustCompile(`Contributors \(\d+\) +\* more than 100,000,000`).MatchString(plain) ||
			!regexp.MustCompile(`\d\.\d\d\* `).MatchString(plain)) {
			t.Errorf("%v: no in-kind plan, pledge note or mark:\n%s", size, plain)
		}
	}
}

// What a form did is said of its incident: switching to another drops it,
// a reload of the same incident keeps it.
func TestFundFlashStaysWithItsIncident(t *testing.T) {
	conn := demoDB(t)
	v, snap := fundOn(t, conn, "", 120, 40)
	v.flash = "filed approval request 7 (change the fund's windows)"
	v.SetData(snap)
	if !strings.Contains(ansi.Strip(v.Render()), "filed approval request 7") {
		t.Fatal("a reload of the same incident dropped the form's message")
	}
	if _, err := conn.Exec(`INSERT INTO incidents (slug, title, started_at) VALUES ('other', 'Other', now())`); err != nil {
		t.Fatal(err)
	}
	other, err := LoadSnapshot(context.Background(), conn, "other")
	if err != nil {
		t.Fatal(err)
	}
	v.SetData(other)
	if out := ansi.Strip(v.Render()); strings.Contains(out, "filed approval request 7") {
		t.Fatalf("another incident shows the form's message:\n%s", out)
	}
}

// r (money received) is offered to the logins the database lets record a
// receipt, finance, and opens nothing for anyone else; the rest of the
// Fund view's keys are unchanged.
func TestReceiveOfferedOnlyToFinance(t *testing.T) {
	u := dbtest.NewURLFrom(t, "demo", loadDemo)
	admin := dbtest.Open(t, u)
	for _, role := range []string{"finance", "commander", "engineer"} {
		m := newTestModel(t, loginConn(t, admin, u, role), 120, 40)
		m = keys(t, m, "4")
		help := screen(keys(t, m, "?"))
		if got, want := strings.Contains(help, "record money received"), role == "finance"; got != want {
			t.Fatalf("%s: r offered %v, want %v\n%s", role, got, want, help)
		}
		if !strings.Contains(help, "pledge") {
			t.Fatalf("%s: the other fund keys went too\n%s", role, help)
		}
		if form := openForm(act(t, m, "r")); (form != nil) != (role == "finance") {
			t.Fatalf("%s: r opened a form: %v", role, form != nil)
		}
	}
}

// The terms form's outage end says what a blank does (its placeholder,
// seen once the field is emptied): it keeps following the resolution while
// it does; once a time is set, a blank is no way back.
func TestTermsFormSaysWhatABlankOutageEndDoes(t *testing.T) {
	st := newStyles(DefaultTheme())
	end := time.Date(2020, 3, 3, 1, 0, 0, 0, time.UTC)
	for _, follows := range []bool{true, false} {
		fund := &compensation.Fund{}
		fund.Terms.OutageEnd, fund.Terms.OutageEndFollows = &end, follows
		hint := newFundTermsForm(&st, fund, time.UTC).f.Field("outage_end").text.Placeholder
		if got := strings.HasPrefix(hint, "blank: follows the resolution"); got != follows {
			t.Errorf("follows %v: %q", follows, hint)
		}
		if got := strings.Contains(hint, "cannot follow the resolution again"); got == follows {
			t.Errorf("follows %v: %q", follows, hint)
		}
	}
}
