package tui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
)

// quietSides stops the side views' one-second timers, so tests run their
// commands by hand without sleeping; polls are tested by calling tick.
func quietSides(m Model) {
	for _, v := range m.views {
		switch v := v.(type) {
		case *approvalsView:
			v.side.tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
		case *auditView:
			v.side.tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
		}
	}
}

// settle runs cmd and every command its messages lead to, feeding each
// message to the model, as a program would (without timers: none of the
// commands here sleep once quietSides has run).
func settle(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 500 {
			t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			nm, next := m.Update(msg)
			m = nm.(Model)
			queue = append(queue, next)
		}
	}
	return m
}

// press sends one key and settles what it starts.
func pressSettle(t *testing.T, m Model, ks ...string) Model {
	t.Helper()
	for _, k := range ks {
		nm, cmd := m.Update(press(k))
		m = settle(t, nm.(Model), cmd)
	}
	return m
}

// sideModel is the console on conn with its first load and the side
// views' first reads done.
func sideModel(t *testing.T, conn *sqlx.DB, opts Options, w, h int) Model {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	m := New(conn, opts)
	quietSides(m)
	m = step(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	return settle(t, m, m.Init())
}

func approvalsOf(m Model) *approvalsView {
	for _, v := range m.views {
		if a, ok := v.(*approvalsView); ok {
			return a
		}
	}
	return nil
}

// requestAs files a request as name (the test database is a superuser's,
// as in embedded mode, so names stand for people).
func requestAs(t *testing.T, conn *sqlx.DB, name string, op access.Op, payload any, reason string) int64 {
	t.Helper()
	var id int64
	err := db.Write(context.Background(), conn, name, func(tx *sqlx.Tx) error {
		var inc int64
		if op != access.OpRoleGrant {
			if err := tx.Get(&inc, `SELECT id FROM incidents LIMIT 1`); err != nil {
				return err
			}
		}
		var err error
		id, err = access.Request(context.Background(), tx, op, inc, payload, reason, 0)
		return err
	})
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	return id
}

func firstEntry(t *testing.T, conn *sqlx.DB) int64 {
	t.Helper()
	var id int64
	if err := conn.Get(&id, `SELECT min(id) FROM timeline_entries`); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestApprovalsApproveCarriesOut(t *testing.T) {
	conn := demoDB(t)
	entry := firstEntry(t, conn)
	id := requestAs(t, conn, "alice", access.OpVoidEntry, map[string]int64{"entry_id": entry}, "duplicate of a later entry")
	m := sideModel(t, conn, Options{Actor: "bob"}, 120, 40)
	m = keys(t, m, "5")
	s := screen(m)
	for _, want := range []string{"1 pending request", "you: bob", "void entry", "alice", "duplicate of a later entry",
		fmt.Sprintf("entry_id=%d", entry), "5 Approvals", "6 Audit"} {
		if !strings.Contains(s, want) {
			t.Fatalf("queue lacks %q:\n%s", want, s)
		}
	}
	m = keys(t, m, "a")
	if s := screen(m); !strings.Contains(s, fmt.Sprintf("Approve #%d void entry", id)) || !strings.Contains(s, "y approves") {
		t.Fatalf("approve asks to confirm:\n%s", s)
	}
	// While the confirmation is open, q is an answer (no), not quit.
	nm, cmd := m.Update(press("q"))
	m = nm.(Model)
	if isQuit(cmd) || !strings.Contains(screen(m), "not approved") {
		t.Fatalf("q must cancel the confirmation:\n%s", screen(m))
	}
	m = pressSettle(t, m, "a", "y")
	s = screen(m)
	// What changed, in words, not the executor's ids ("entry_id=16 → entry_id=16").
	if !strings.Contains(s, fmt.Sprintf("approved and carried out: #%d void entry: timeline entry %d voided", id, entry)) ||
		!strings.Contains(s, "No pending requests") || strings.Contains(s, "→") {
		t.Fatalf("after approving:\n%s", s)
	}
	a, err := access.GetApproval(context.Background(), conn, id)
	if err != nil || a.State != "approved" || a.DecidedBy == nil || *a.DecidedBy != "bob" {
		t.Fatalf("approval in the database: %+v %v", a, err)
	}
	var voided bool
	if err := conn.Get(&voided, `SELECT voided_at IS NOT NULL FROM timeline_entries WHERE id = $1`, entry); err != nil || !voided {
		t.Fatalf("entry not voided: %v", err)
	}
	// d shows decided requests too.
	m = pressSettle(t, m, "d")
	if s := screen(m); !strings.Contains(s, "approved") || !strings.Contains(s, "STATE") || !strings.Contains(s, "by bob") {
		t.Fatalf("decided requests:\n%s", s)
	}
}

func TestApprovalsSelfApprovalRefusedPlainly(t *testing.T) {
	conn := demoDB(t)
	id := requestAs(t, conn, "alice", access.OpVoidEntry, map[string]int64{"entry_id": firstEntry(t, conn)}, "mine")
	m := sideModel(t, conn, Options{Actor: "alice"}, 80, 24)
	m = keys(t, m, "5")
	if s := screen(m); !strings.Contains(s, "yours") {
		t.Fatalf("own request not marked:\n%s", s)
	}
	m = pressSettle(t, m, "a", "y")
	s := screen(m)
	if !strings.Contains(s, "not approved:") || !strings.Contains(s, "alice requested") {
		t.Fatalf("self-approval should be refused by the database, plainly:\n%s", s)
	}
	if a, err := access.GetApproval(context.Background(), conn, id); err != nil || a.State != "pending" {
		t.Fatalf("state %s, %v", a.State, err)
	}
	checkFrame(t, s, 80, 24)
}

func TestApprovalsRejectWithReason(t *testing.T) {
	conn := demoDB(t)
	id := requestAs(t, conn, "alice", access.OpPayoutThreshold, map[string]int64{"threshold_fen": 1}, "lower it")
	m := sideModel(t, conn, Options{Actor: "bob"}, 80, 24)
	m = keys(t, m, "5", "x")
	m = typed(t, m, "not 1 fen")
	// digits and q are text in the prompt
	if m.Active() != 4 || !strings.Contains(screen(m), "reason (optional): not 1 fen") {
		t.Fatalf("reason prompt:\n%s", screen(m))
	}
	m = pressSettle(t, m, "enter")
	if s := screen(m); !strings.Contains(s, fmt.Sprintf("rejected: #%d payout threshold", id)) {
		t.Fatalf("after reject:\n%s", s)
	}
	a, err := access.GetApproval(context.Background(), conn, id)
	if err != nil || a.State != "rejected" || a.DecisionNote != "not 1 fen" {
		t.Fatalf("rejection in the database: %+v %v", a, err)
	}
}

func TestApprovalsTextIsSanitised(t *testing.T) {
	conn := demoDB(t)
	requestAs(t, conn, "alice", access.OpMarginRate,
		map[string]string{"industry": "retail\x1b]52;c;ZXZpbA==\x07", "percent": "21", "source": "x\u202e"},
		"evil \x1b[2J\x1b]8;;http://x\x07link\x1b]8;;\x07 reason")
	m := sideModel(t, conn, Options{Actor: "bob"}, 120, 40)
	m = keys(t, m, "5")
	raw := m.View().Content
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\x1b]8;", "\u202e"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("screen carries %q", bad)
		}
	}
	if s := screen(m); !strings.Contains(s, "evil link reason") {
		t.Fatalf("reason:\n%s", s)
	}
}

// A change reported by the feed re-reads the queue on screen; requests do
// not notify, so the queue is also polled while on screen.
func TestApprovalsFollowFeedAndPoll(t *testing.T) {
	conn := demoDB(t)
	m := sideModel(t, conn, Options{Actor: "bob"}, 80, 24)
	m = keys(t, m, "5")
	requestAs(t, conn, "alice", access.OpVoidEntry, map[string]int64{"entry_id": firstEntry(t, conn)}, "from the feed")
	nm, cmd := m.Update(liveMsg(db.Event{Changes: []db.Change{{Table: "approvals", Op: "I", At: time.Now()}}}))
	m = settle(t, nm.(Model), cmd)
	if s := screen(m); !strings.Contains(s, "from the feed") {
		t.Fatalf("feed change did not re-read:\n%s", s)
	}
	// Poll: a request that no change reported shows after approvalsPollEvery.
	requestAs(t, conn, "carol", access.OpVoidEntry, map[string]int64{"entry_id": firstEntry(t, conn) + 1}, "only polled")
	v := approvalsOf(m)
	m = settle(t, m, sideTick(v.side))
	if strings.Contains(screen(m), "only polled") {
		t.Fatal("polled before it was due")
	}
	v.side.now = func() time.Time { return time.Now().Add(approvalsPollEvery) }
	m = settle(t, m, sideTick(v.side))
	if s := screen(m); !strings.Contains(s, "only polled") || !strings.Contains(s, "2 pending requests") {
		t.Fatalf("poll did not re-read:\n%s", s)
	}
	// Off screen, nothing is read.
	m = keys(t, m, "1")
	v.side.now = func() time.Time { return time.Now().Add(time.Hour) }
	settle(t, m, sideTick(v.side)) // drawn since the last tick: may read once more
	if cmd := v.tick(); cmd != nil {
		t.Fatal("off screen, the tick still reads")
	}
}

// sideTick is a side view's timer firing, as the program delivers it
// (through the root, which also says which view is on screen).
func sideTick(s sideState) tea.Cmd {
	return func() tea.Msg { return sideTickMsg{view: s.view} }
}

// sideWatcher wraps the console to say when a condition on the model holds
// (checked on the program's goroutine).
type sideWatcher struct {
	Model
	ready chan struct{}
	once  *sync.Once
	cond  func(Model) bool
}

func (w sideWatcher) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd := w.Model.Update(msg)
	w.Model = nm.(Model)
	if w.cond(w.Model) {
		w.once.Do(func() { close(w.ready) })
	}
	return w, cmd
}

// runSide runs the console as a program until cond holds, presses keys,
// quits and returns the final model.
func runSide(t *testing.T, conn *sqlx.DB, setup func(Model), cond func(Model) bool, w, h int, keys ...string) Model {
	t.Helper()
	m := New(conn, Options{Now: func() time.Time { return fixedNow }})
	quietSides(m)
	if setup != nil {
		setup(m)
	}
	sw := sideWatcher{Model: m, ready: make(chan struct{}), once: &sync.Once{}, cond: cond}
	tm := teatest.NewTestModel(t, sw, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	select {
	case <-sw.ready:
	case <-time.After(15 * time.Second):
		t.Fatal("never ready")
	}
	for _, k := range keys {
		tm.Send(press(k))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(sideWatcher).Model
}

// TestGoldenApprovals pins the queue with two requests, their times fixed.
func TestGoldenApprovals(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			conn := demoDB(t)
			requestAs(t, conn, "alice", access.OpVoidEntry, map[string]int64{"entry_id": 3}, "entered twice; the later entry is the correct one")
			requestAs(t, conn, "fiona", access.OpPayout,
				map[string]any{"claim_id": 17, "amount_fen": 2500000000, "idempotency_key": "batch-7"}, "second payout batch for the retail merchants")
			// The two requests above, not the demo's approved payouts.
			mustExec(t, conn, `UPDATE approvals a SET requested_at = '2099-03-05 09:00+08'::timestamptz + p.n * interval '10 minutes',
				expires_at = '2099-03-06 09:00+08'::timestamptz + p.n * interval '10 minutes'
				FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM approvals WHERE state = 'pending') p
				WHERE a.id = p.id`)
			now := time.Date(2099, 3, 5, 10, 0, 0, 0, time.UTC)
			m := runSide(t, conn, func(m Model) { approvalsOf(m).now = func() time.Time { return now } },
				func(m Model) bool { v := approvalsOf(m); return v.loaded && len(v.list.Rows()) == 2 },
				size[0], size[1], "5", "j")
			out := ansi.Strip(m.View().Content)
			checkFrame(t, out, size[0], size[1])
			golden.RequireEqual(t, []byte(out))
		})
	}
}
