package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/jmoiron/sqlx"
)

func TestHeaderShowsResolvedClock(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	if m.snap == nil || m.loadErr != nil {
		t.Fatalf("not loaded: %v", m.loadErr)
	}
	s := screen(m)
	for _, want := range []string{
		"SEV1", "RESOLVED", "Production environment and data deliberately destroyed",
		"T+8d 14h", "resolved 2020-03-03 09:00 CST",
		"1 Timeline", "2 Restore", "3 Accountability", "4 Fund",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}
}

func TestClockTicksWhileOpen(t *testing.T) {
	conn := demoDB(t)
	mustExec(t, conn, `UPDATE incidents SET status = 'investigating', resolved_at = NULL`)
	now := time.Date(2020, 2, 25, 14, 3, 0, 0, time.UTC) // 22:03 in Shanghai
	m := New(conn, Options{Now: func() time.Time { return now }})
	m = step(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	nm, cmd := m.Update(m.Init()())
	m = nm.(Model)
	if cmd == nil || !m.ticking {
		t.Fatal("an open incident should start the clock")
	}
	if s := screen(m); !strings.Contains(s, "T+2d 3h") || !strings.Contains(s, "now 2020-02-25 22:03:00 CST") {
		t.Fatalf("open clock:\n%s", firstLines(s, 2))
	}
	now = now.Add(61 * time.Minute)
	nm, cmd = m.Update(tickMsg(now))
	m = nm.(Model)
	if cmd == nil {
		t.Fatal("tick should schedule the next tick while open")
	}
	if s := screen(m); !strings.Contains(s, "T+2d 4h") || !strings.Contains(s, "23:04:00 CST") {
		t.Fatalf("after tick:\n%s", firstLines(s, 2))
	}
}

func TestTabsSwitchViews(t *testing.T) {
	m := newTestModel(t, demoDB(t), 80, 24)
	cases := []struct {
		key  string
		want int
	}{
		{"tab", 1}, {"tab", 2}, {"tab", 3}, {"tab", 4}, {"tab", 5}, {"tab", 0}, {"shift+tab", 5},
		{"1", 0}, {"2", 1}, {"3", 2}, {"4", 3}, {"5", 4}, {"6", 5},
	}
	for _, c := range cases {
		m = keys(t, m, c.key)
		if m.Active() != c.want {
			t.Fatalf("after %s: active %d, want %d", c.key, m.Active(), c.want)
		}
	}
	m = keys(t, m, "2")
	if s := screen(m); !strings.Contains(s, "Overall") || !strings.Contains(s, "MILESTONE") {
		t.Fatalf("restore view not shown:\n%s", s)
	}
}

func TestFilterNarrowsTimeline(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	before := countRows(screen(m))
	m = keys(t, m, "/")
	m = typed(t, m, "cutover")
	s := screen(m)
	rows := countRows(s)
	if rows != 2 || before <= rows {
		t.Fatalf("filter: %d rows (from %d), want 2:\n%s", rows, before, s)
	}
	if !strings.Contains(s, "/cutover") || !strings.Contains(s, "2/13") {
		t.Fatalf("prompt or count missing:\n%s", s)
	}
	// While the prompt is open, q and digits are text, not commands.
	nm, cmd := m.Update(press("q"))
	m = nm.(Model)
	if isQuit(cmd) {
		t.Fatal("q in the filter prompt must not quit")
	}
	m = keys(t, m, "3")
	if m.Active() != 0 {
		t.Fatal("a digit in the filter prompt must not switch views")
	}
	m = keys(t, m, "backspace", "backspace", "enter")
	if s := screen(m); !strings.Contains(s, "filter: cutover") {
		t.Fatalf("enter keeps the filter:\n%s", s)
	}
	m = keys(t, m, "esc")
	s = screen(m)
	if rows := countRows(s); rows != before || strings.Contains(s, "filter:") {
		t.Fatalf("esc should clear the filter: %d rows\n%s", rows, s)
	}
}

func TestFilterNarrowsRestore(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	m = keys(t, m, "2", "/")
	m = typed(t, m, "DBA")
	s := screen(m)
	if !strings.Contains(s, "Rehearse the data-restore") || strings.Contains(s, "Retrieve the deleted data") {
		t.Fatalf("restore filter:\n%s", s)
	}
}

func TestHelpScreenToggles(t *testing.T) {
	m := newTestModel(t, demoDB(t), 80, 24)
	if strings.Contains(screen(m), "Global keys") {
		t.Fatal("help shown before ?")
	}
	if s := screen(m); !strings.Contains(s, "? help") || !strings.Contains(s, "q quit") {
		t.Fatalf("footer lacks the help bar:\n%s", s)
	}
	m = keys(t, m, "?")
	s := screen(m)
	for _, want := range []string{"Timeline keys", "Global keys", "filter", "shift+tab", "previous view", "ctrl+r"} {
		if !strings.Contains(s, want) {
			t.Errorf("full help lacks %q:\n%s", want, s)
		}
	}
	checkFrame(t, s, 80, 24)
	m = keys(t, m, "j") // ignored while the help is up
	m = keys(t, m, "?")
	if strings.Contains(screen(m), "Global keys") {
		t.Fatal("? should close the help")
	}
	m = keys(t, m, "?", "esc")
	if strings.Contains(screen(m), "Global keys") {
		t.Fatal("esc should close the help")
	}
}

func TestQuitKeys(t *testing.T) {
	m := newTestModel(t, demoDB(t), 80, 24)
	for _, k := range []string{"q", "ctrl+c"} {
		_, cmd := m.Update(press(k))
		if !isQuit(cmd) {
			t.Errorf("%s should quit", k)
		}
	}
	m = keys(t, m, "/")
	if _, cmd := m.Update(press("ctrl+c")); !isQuit(cmd) {
		t.Error("ctrl+c quits even from the filter prompt")
	}
}

func TestResizeRedraws(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	for _, v := range []int{0, 1, 2, 3} {
		m = keys(t, m, string(rune('1'+v)))
		checkFrame(t, screen(m), 120, 40)
		m = step(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		checkFrame(t, screen(m), 80, 24)
		m = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
		checkFrame(t, screen(m), 100, 30)
		m = step(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	}
	m = step(t, m, tea.WindowSizeMsg{Width: 70, Height: 20})
	if s := screen(m); !strings.Contains(s, "Terminal too small") || !strings.Contains(s, "70x20") {
		t.Fatalf("small terminal:\n%s", s)
	}
	m = step(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, screen(m), 80, 24)
}

func TestDatabaseTextIsSanitized(t *testing.T) {
	conn := demoDB(t)
	mustExec(t, conn, `UPDATE timeline_entries SET title = E'evil \x1b[31mred\x1b]0;x\x07 title', body = E'body \x1b[2Jcleared\r\nnext'
		WHERE kind = 'window'`)
	mustExec(t, conn, `UPDATE milestones SET title = E'ms \x1b[31mred\x1b]0;x\x07 one', owner = E'own\x1b[5mer'
		WHERE key = 'core-env'`)
	mustExec(t, conn, `UPDATE milestone_updates SET note = E'note \x1b]0;x\x07with\x1b[31m escapes'`)
	mustExec(t, conn, `UPDATE incidents SET title = E'inc \x1b[31mtitle\x1b]0;x\x07'`)
	m := newTestModel(t, conn, 120, 40)
	for _, tab := range []string{"1", "2"} {
		m = keys(t, m, tab)
		raw := m.View().Content
		for _, bad := range []string{"\x1b[31m", "\x1b]0;x\x07", "\x1b[2J", "\x1b[5m", "\r", "\x07"} {
			if strings.Contains(raw, bad) {
				t.Errorf("view %s shows %q from the database", tab, bad)
			}
		}
		s := screen(m)
		if !strings.Contains(s, "inc title") {
			t.Errorf("view %s: sanitised incident title missing:\n%s", tab, firstLines(s, 2))
		}
		if tab == "1" && (!strings.Contains(s, "evil red title") || !strings.Contains(s, "body cleared")) {
			t.Errorf("timeline: sanitised text missing:\n%s", s)
		}
		if tab == "2" && (!strings.Contains(s, "ms red one") || !strings.Contains(s, "owner")) {
			t.Errorf("restore: sanitised text missing:\n%s", s)
		}
		checkFrame(t, s, 120, 40)
	}
	if strings.Contains(m.View().WindowTitle, "\x1b") || strings.Contains(m.View().WindowTitle, "\x07") {
		t.Errorf("window title not sanitised: %q", m.View().WindowTitle)
	}
}

func TestLoadErrorShowsBanner(t *testing.T) {
	conn := demoDB(t)
	m := New(conn, Options{IncidentSlug: "no-such-incident", Now: func() time.Time { return fixedNow }})
	m = step(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	nm, cmd := m.Update(m.Init()())
	m = nm.(Model)
	if cmd == nil {
		t.Fatal("a failed load should schedule a retry")
	}
	s := screen(m)
	if !strings.Contains(s, "Could not load the incident") || !strings.Contains(s, "no-such-incident") {
		t.Fatalf("no banner:\n%s", s)
	}
	checkFrame(t, s, 80, 24)
	m = keys(t, m, "j", "2", "/", "x") // keys without data must not panic
	if m.Active() != 1 {
		t.Fatal("views switch even without data")
	}
}

func TestReloadShowsNewDataAndCoalesces(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	mustExec(t, conn, `UPDATE milestones SET status = 'blocked', progress = 42 WHERE key = 'core-env'`)

	nm, first := m.Update(ReloadMsg{})
	m = nm.(Model)
	if first == nil || !m.loading {
		t.Fatal("ReloadMsg should start a load")
	}
	nm, again := m.Update(ReloadMsg{})
	m = nm.(Model)
	if again != nil || m.pending == 0 {
		t.Fatal("a reload during a load should be queued, not run in parallel")
	}
	nm, next := m.Update(first())
	m = nm.(Model)
	if next == nil || !m.loading || m.pending != 0 {
		t.Fatal("the queued reload should run when the first one lands")
	}
	m = step(t, m, next())
	if m.loading {
		t.Fatal("still loading")
	}
	m = keys(t, m, "2")
	s := screen(m)
	if !strings.Contains(s, "blocked") || !strings.Contains(s, " 42%") {
		t.Fatalf("reload did not show the change:\n%s", s)
	}
}

func TestStaleLoadIsDropped(t *testing.T) {
	m := newTestModel(t, demoDB(t), 80, 24)
	keep := m.snap
	m = step(t, m, snapshotMsg{seq: m.seq - 1, snap: &Snapshot{}})
	if m.snap != keep {
		t.Fatal("an overtaken load replaced newer data")
	}
}

func TestViewsCacheTheirRendering(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	tl := m.views[0].(*timelineView)
	rs := m.views[1].(*restoreView)
	screen(m)
	n := tl.renders
	screen(m)
	screen(m)
	if tl.renders != n {
		t.Fatalf("timeline re-rendered without a change: %d -> %d", n, tl.renders)
	}
	m = keys(t, m, "j")
	screen(m)
	if tl.renders != n+1 {
		t.Fatalf("timeline did not re-render after the cursor moved: %d", tl.renders)
	}
	m = keys(t, m, "2")
	screen(m)
	n = rs.renders
	m = step(t, m, tickMsg(fixedNow))
	screen(m)
	if rs.renders != n {
		t.Fatal("a clock tick re-rendered the restore view")
	}
	m = step(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	screen(m)
	if rs.renders != n+1 {
		t.Fatal("a resize did not re-render")
	}
}

func TestTimelineDetailShowsPlannedAndActual(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	m = keys(t, m, "/")
	m = typed(t, m, "rehearsal")
	m = keys(t, m, "enter")
	s := screen(m)
	for _, want := range []string{
		"planned 2020-03-02 02:00 - 2020-03-02 08:00 CST (6h 0m)",
		"actual  2020-03-02 02:05 - 2020-03-02 07:40 CST (5h 35m)",
		"started 5m late, ended 20m early",
		"02:05-07:40 (plan 02:00-08:00)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("timeline lacks %q:\n%s", want, s)
		}
	}
	m = keys(t, m, "enter") // toggles the detail pane off
	if strings.Contains(screen(m), "started 5m late") {
		t.Error("enter should hide the detail pane")
	}
}

func TestDayPrecisionShowsDateOnly(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	s := screen(m)
	if !strings.Contains(s, "2020-02-25        restore") {
		t.Fatalf("day-precision entry should show the date only:\n%s", s)
	}
	// The 2020-03-01 statement's time is not known exactly.
	if !strings.Contains(s, "2020-03-01 ~22:00 comms") {
		t.Fatalf("an approximate time should be marked ~:\n%s", s)
	}
}

func TestCJKNamesLineUp(t *testing.T) {
	conn := demoDB(t)
	mustExec(t, conn, `UPDATE milestones SET owner = '孙涛勇' WHERE key = 'core-env'`)
	mustExec(t, conn, `UPDATE milestones SET owner = 'Sun Tao' WHERE key = 'all-env'`)
	for _, w := range []int{80, 120} {
		m := newTestModel(t, conn, w, 40)
		m = keys(t, m, "2")
		lines := strings.Split(screen(m), "\n")
		col := func(sub string) int {
			for _, l := range lines {
				if i := strings.Index(l, sub); i >= 0 {
					return lipgloss.Width(l[:i])
				}
			}
			return -1
		}
		a, b := col("孙涛勇"), col("Sun Tao")
		if a < 0 || a != b {
			t.Errorf("%d cols: owner column at %d and %d", w, a, b)
		}
		checkFrame(t, strings.Join(lines, "\n"), w, 40)
	}
}

// checkFrame asserts a screen is exactly w x h cells: nothing wraps and the
// footer sits on the last line.
func checkFrame(t *testing.T, s string, w, h int) {
	t.Helper()
	lines := strings.Split(s, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if lipgloss.Width(l) != w {
			t.Errorf("line %d is %d cells, want %d: %q", i, lipgloss.Width(l), w, l)
		}
	}
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func mustExec(t *testing.T, conn *sqlx.DB, q string) {
	t.Helper()
	if _, err := conn.ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
