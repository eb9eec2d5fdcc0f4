package tui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// noTick stands in for tea.Tick: tests call poll and search themselves.
func noTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

// fundConns is the connection each fund view under test reads on: the
// root's part, which drain plays.
var fundConns sync.Map // *fundView -> *sqlx.DB

// drain runs cmd and every command its answers ask for, running the fund
// view's reads on its connection and handing the answers to v, until
// nothing is left (a Program would do the same, one message at a time).
func drain(t *testing.T, v *fundView, cmd tea.Cmd) {
	t.Helper()
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			drain(t, v, c)
		}
	case readRequestMsg:
		var conn *sqlx.DB
		if c, ok := fundConns.Load(v); ok {
			conn = c.(*sqlx.DB)
		}
		drain(t, v, v.Receive(msg.q.run(context.Background(), conn, "")))
	case viewMsg:
		drain(t, v, v.Receive(msg))
	default:
		t.Fatalf("unexpected message %T", msg)
	}
}

// fundOn is the fund view on conn's current incident, sized and loaded.
func fundOn(t *testing.T, conn *sqlx.DB, slug string, w, h int) (*fundView, *Snapshot) {
	t.Helper()
	snap, err := LoadSnapshot(context.Background(), conn, slug)
	if err != nil {
		t.Fatal(err)
	}
	st := newStyles(DefaultTheme())
	v := newFundView(&st).(*fundView)
	fundConns.Store(v, conn)
	v.tick = noTick
	v.SetSize(w, h)
	v.SetData(snap)
	return v, snap
}

func keyDrain(t *testing.T, v *fundView, ks ...string) {
	t.Helper()
	for _, k := range ks {
		drain(t, v, v.Update(press(k)))
	}
}

func selectedID(v *fundView) string {
	r, _ := v.ml.selected()
	return r.MerchantID
}

func TestFundClaimsPageOnDemoData(t *testing.T) {
	ctx := context.Background()
	conn := demoDB(t)
	v, snap := fundOn(t, conn, "", 80, 20)
	keyDrain(t, v, "c")
	out := v.Render()
	dumpView(t, out)
	checkBlock(t, out, 80, 20)
	plain := ansi.Strip(out)
	stages, err := compensation.Pipeline(ctx, conn, snap.Incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	proj, err := compensation.Project(ctx, conn, snap.Incident.ID)
	if err != nil {
		t.Fatal(err)
	}
	var all int64
	for _, s := range stages {
		all += s.Claims
	}
	for _, want := range []string{"Claims pipeline", "approved      in kind", "paid          cash", "rejected", "computed      -",
		groupInt(all), compensation.FormatFen(proj.AvailableFen), compensation.FormatFen(proj.OpenFen), "Projection", "in kind"} {
		if !strings.Contains(plain, want) {
			t.Errorf("claims page: missing %q\n%s", want, plain)
		}
	}
	// Every stage's amount is on screen, exactly.
	for _, s := range stages {
		if !strings.Contains(plain, compensation.FormatFen(s.AmountFen)) {
			t.Errorf("stage %s/%s: no %s", s.State, s.Plan, compensation.FormatFen(s.AmountFen))
		}
	}
	// Short window: the page scrolls rather than losing its last lines.
	v.SetSize(80, 10)
	keyDrain(t, v, "G")
	out = v.Render()
	checkBlock(t, out, 80, 10)
	if !strings.Contains(ansi.Strip(out), "Covered") {
		t.Errorf("scrolled to the end but no projection:\n%s", ansi.Strip(out))
	}
	keyDrain(t, v, "esc")
	if v.page != pageOverview || !strings.Contains(ansi.Strip(v.Render()), "Contributors") {
		t.Fatal("esc did not return to the overview")
	}
}

// TestMerchantListPagesBothWays walks all 3,000 demo merchants down and
// back up one row at a time: the rows met must be exactly the merchants in
// id order, while the view never holds more than a few pages.
func TestMerchantListPagesBothWays(t *testing.T) {
	ctx := context.Background()
	conn := demoDB(t)
	v, snap := fundOn(t, conn, "", 80, 20)
	var want []string
	if err := conn.Select(&want, `SELECT merchant_id FROM merchants WHERE incident_id = $1 ORDER BY merchant_id`, snap.Incident.ID); err != nil {
		t.Fatal(err)
	}
	keyDrain(t, v, "m")
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, "Merchants (3,000)  1 of 3,000") || !strings.Contains(plain, want[0]) {
		t.Fatalf("first page:\n%s", plain)
	}
	for i := range want {
		if got := selectedID(v); got != want[i] {
			t.Fatalf("down: row %d is %q, want %q", i, got, want[i])
		}
		if i == 1500 && !strings.Contains(ansi.Strip(v.Render()), "1,501 of 3,000") {
			t.Fatalf("position:\n%s", ansi.Strip(v.Render()))
		}
		keyDrain(t, v, "j")
	}
	for i := len(want) - 1; i >= 0; i-- {
		if got := selectedID(v); got != want[i] {
			t.Fatalf("up: row %d is %q, want %q", i, got, want[i])
		}
		keyDrain(t, v, "k")
	}
	limit := merchantBufPages*v.pageSize() + v.pageSize()
	if v.ml.maxRows > limit {
		t.Fatalf("held %d rows at once, want at most %d", v.ml.maxRows, limit)
	}
	// Jumps: G reads the last page only, g the first.
	before := v.ml.fetches
	keyDrain(t, v, "G")
	if got := selectedID(v); got != want[len(want)-1] {
		t.Fatalf("G: %q", got)
	}
	if v.ml.fetches-before > 3 || !strings.Contains(ansi.Strip(v.Render()), "3,000 of 3,000") {
		t.Fatalf("G: %d fetches\n%s", v.ml.fetches-before, ansi.Strip(v.Render()))
	}
	keyDrain(t, v, "pgup", "pgup", "pgup")
	if got, w := selectedID(v), want[len(want)-1-3*(v.ml.height-1)]; got != w {
		t.Fatalf("pgup from the end: %q, want %q", got, w)
	}
	keyDrain(t, v, "g")
	if got := selectedID(v); got != want[0] {
		t.Fatalf("g: %q", got)
	}
	checkBlock(t, v.Render(), 80, 20)
	_ = ctx
}

func TestMerchantSearchOnServer(t *testing.T) {
	conn := demoDB(t)
	v, snap := fundOn(t, conn, "", 80, 20)
	keyDrain(t, v, "m", "/")
	if !v.Capturing() {
		t.Fatal("the search prompt does not take keys")
	}
	for _, r := range "火锅" {
		keyDrain(t, v, string(r))
	}
	// The list follows after a pause in typing; enter does it at once.
	keyDrain(t, v, "enter")
	var n int64
	if err := conn.Get(&n, `SELECT count(*) FROM merchants WHERE incident_id = $1 AND strpos(name, '火锅') > 0`, snap.Incident.ID); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("demo data has no 火锅")
	}
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, `matching "火锅" (`+groupInt(n)+")") {
		t.Fatalf("search count:\n%s", plain)
	}
	for _, r := range v.ml.rows {
		if !strings.Contains(r.Name, "火锅") {
			t.Fatalf("row %s %s does not match", r.MerchantID, r.Name)
		}
	}
	// By id prefix, typed and left to the pause.
	keyDrain(t, v, "/")
	drain(t, v, v.Update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}))
	for _, r := range "M00299" {
		drain(t, v, v.Update(press(string(r))))
	}
	drain(t, v, v.search(strings.TrimSpace(v.ml.input.Value()))) // what the pause does
	keyDrain(t, v, "enter")
	if len(v.ml.rows) != 10 || v.ml.rows[0].MerchantID != "M002990" {
		t.Fatalf("id prefix: %d rows from %q", len(v.ml.rows), selectedID(v))
	}
	keyDrain(t, v, "esc")
	if v.ml.find != "" || !v.ml.totalKnown || v.ml.total != 3000 {
		t.Fatalf("esc did not clear the search: %q %d", v.ml.find, v.ml.total)
	}
	keyDrain(t, v, "esc")
	if v.page != pageOverview {
		t.Fatal("second esc did not leave the list")
	}
}

// workedExample is an incident with the statement's worked example: M1 sold
// 60,000.00 in the six baseline days, catering's rate is 20%, the outage
// 206 hours.
func workedExample(t *testing.T) *sqlx.DB {
	t.Helper()
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, time_zone, started_at)
		VALUES ('e', 'E', 'Asia/Shanghai', '2020-02-23T19:00:00+08:00') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	conn.MustExec(`INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-02-17T19:00:00+08:00', '2020-02-23T19:00:00+08:00',
		            '2020-02-23T19:00:00+08:00', '2020-03-03T09:00:00+08:00')`, inc)
	conn.MustExec(`INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'Company', 1, 10000000)`, inc)
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if _, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader(
			"merchant_id,name,industry\nM1,孙记面馆,Catering\nM2,Fresh Market,fresh food\n"), nil); err != nil {
			return err
		}
		_, err := compensation.ImportSales(ctx, tx, inc, "s.csv", strings.NewReader("merchant_id,at,amount\n"+
			"M1,2020-02-18 12:00,30000\nM1,2020-02-20 12:00,30000\nM2,2020-02-20 12:00,1234.56\n"), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m, err := compensation.ParseMargin("20")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.SetRate(ctx, conn, inc, "catering", m, "industry survey 2019"); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := compensation.Choose(ctx, conn, inc, "M1", "cash"); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestMerchantStatementShowsTheFormula(t *testing.T) {
	conn := workedExample(t)
	v, _ := fundOn(t, conn, "e", 80, 20)
	keyDrain(t, v, "m")
	if selectedID(v) != "M1" {
		t.Fatalf("first row %q", selectedID(v))
	}
	keyDrain(t, v, "enter")
	out := v.Render()
	dumpView(t, out)
	checkBlock(t, out, 80, 20)
	plain := ansi.Strip(out)
	for _, want := range []string{"Merchant M1", "孙记面馆", "catering", "60,000.00 over 6 d (144 h)", "10,000.00",
		"20%", "industry survey 2019", "206 h", "60,000.00 / 6 d x 20% x 206 h / 24 = 17,166.67", "chosen", "plan cash", "Payouts (0)"} {
		if !strings.Contains(plain, want) {
			t.Errorf("statement: missing %q\n%s", want, plain)
		}
	}
	// M2's industry has no rate yet: the statement says so instead of 0.
	keyDrain(t, v, "esc", "j", "enter")
	plain = ansi.Strip(v.Render())
	if !strings.Contains(plain, "awaiting the rate of fresh food") || !strings.Contains(plain, "awaiting a rate") {
		t.Errorf("awaiting rate:\n%s", plain)
	}
	keyDrain(t, v, "esc")
	if v.page != pageMerchants || selectedID(v) != "M2" {
		t.Fatal("esc from the statement lost the list position")
	}
}

// TestMerchantListSurvivesReloads: a reload of the fund (claims changed)
// keeps the cursor on its merchant, and the next poll shows the new state.
func TestMerchantListSurvivesReloads(t *testing.T) {
	ctx := context.Background()
	conn := demoDB(t)
	v, snap := fundOn(t, conn, "", 80, 20)
	keyDrain(t, v, "m")
	for range 700 {
		keyDrain(t, v, "j")
	}
	var id string
	if err := conn.Get(&id, `SELECT m.merchant_id FROM merchants m JOIN claims c ON c.merchant_id = m.id
		WHERE m.incident_id = $1 AND c.state = 'computed' AND m.merchant_id > $2 ORDER BY 1 LIMIT 1`, snap.Incident.ID, selectedID(v)); err != nil {
		t.Fatal(err)
	}
	for selectedID(v) != id {
		keyDrain(t, v, "j")
	}
	cursor, offset := v.ml.cursor, v.ml.offset
	if _, err := compensation.Choose(ctx, conn, snap.Incident.ID, id, "traffic"); err != nil {
		t.Fatal(err)
	}
	fresh, err := LoadSnapshot(ctx, conn, "")
	if err != nil {
		t.Fatal(err)
	}
	v.SetData(fresh)
	if selectedID(v) != id || v.ml.cursor != cursor || v.ml.offset != offset {
		t.Fatal("SetData moved the list")
	}
	drain(t, v, v.poll())
	r, _ := v.ml.selected()
	if r.MerchantID != id || r.State == nil || *r.State != "chosen" || planText(r.Plan) != "in kind" || v.ml.offset != offset {
		t.Fatalf("after the poll: %+v offset %d (was %d)", r, v.ml.offset, offset)
	}
	if !strings.Contains(ansi.Strip(v.Render()), "chosen        in kind") {
		t.Fatalf("row not redrawn:\n%s", ansi.Strip(v.Render()))
	}
	// The same reload again (nothing new) is not stale.
	v.SetData(fresh)
	if v.stale&staleMerchants != 0 {
		t.Fatal("an unchanged snapshot marked the list stale")
	}
}

// TestFundSubPagesThroughRoot drives the console itself: keys reach the
// fund view, its queries' answers come back through the root.
func TestFundSubPagesThroughRoot(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 80, 24)
	for _, v := range m.views {
		if f, ok := v.(*fundView); ok {
			f.tick = noTick
		}
	}
	var run func(msg tea.Msg)
	run = func(msg tea.Msg) {
		switch msg := msg.(type) {
		case nil:
			return
		case tea.BatchMsg:
			for _, c := range msg {
				if c != nil {
					run(c())
				}
			}
			return
		}
		nm, cmd := m.Update(msg)
		m = nm.(Model)
		if cmd != nil {
			run(cmd())
		}
	}
	for _, k := range []string{"4", "m", "j", "j", "enter"} {
		run(press(k))
	}
	out := screen(m)
	checkFrame(t, out, 80, 24)
	if !strings.Contains(out, "Merchant M000003") || !strings.Contains(out, "Formula") {
		t.Fatalf("statement through the root:\n%s", out)
	}
	run(press("esc"))
	run(press("/"))
	run(press("q")) // text for the prompt, not quit
	if !strings.Contains(screen(m), "/q") {
		t.Fatalf("q did not reach the prompt:\n%s", screen(m))
	}
}

func TestFundSubPagesAnySize(t *testing.T) {
	conn := workedExample(t)
	for _, w := range []int{1, 30, 80, 130} {
		for _, h := range []int{1, 3, 9, 24} {
			v, _ := fundOn(t, conn, "e", w, h)
			for _, k := range []string{"c", "j", "G", "m", "j", "G", "g", "enter", "j", "esc", "/", "x", "esc", "esc"} {
				drain(t, v, v.Update(press(k)))
				checkBlock(t, v.Render(), w, h)
			}
		}
	}
}

// TestMerchantKeysFasterThanPages: page-down pressed ten times before any
// page arrives still lands ten pages down.
func TestMerchantKeysFasterThanPages(t *testing.T) {
	conn := demoDB(t)
	v, _ := fundOn(t, conn, "", 80, 20)
	keyDrain(t, v, "m")
	var later []tea.Cmd
	for range 10 {
		later = append(later, v.Update(press("pgdown")))
	}
	for _, c := range later {
		drain(t, v, c)
	}
	if pos, want := v.ml.base+v.ml.cursor, 10*(v.ml.height-1); pos != want {
		t.Fatalf("at row %d, want %d", pos, want)
	}
	later = later[:0]
	for range 10 {
		later = append(later, v.Update(press("pgup")))
	}
	for _, c := range later {
		drain(t, v, c)
	}
	if pos := v.ml.base + v.ml.cursor; pos != 0 {
		t.Fatalf("back up at row %d", pos)
	}
}
