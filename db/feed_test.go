package db_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"warroom/db"
	"warroom/db/dbtest"
)

type collector struct {
	mu     sync.Mutex
	events []db.Event
	last   time.Time // when the latest event was delivered
	got    chan struct{}
}

func newCollector() *collector { return &collector{got: make(chan struct{}, 1000)} }

func (c *collector) deliver(ev db.Event) {
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.last = time.Now()
	c.mu.Unlock()
	c.got <- struct{}{}
}

func (c *collector) changes() []db.Change {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []db.Change
	for _, ev := range c.events {
		out = append(out, ev.Changes...)
	}
	return out
}

func (c *collector) waitChanges(t *testing.T, n int) []db.Change {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if ch := c.changes(); len(ch) >= n {
			return ch
		}
		select {
		case <-c.got:
		case <-deadline:
			t.Fatalf("got %d changes, want %d", len(c.changes()), n)
		}
	}
}

func TestFeedDeliversCommittedChangesInBatches(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	c := newCollector()
	const window = 50 * time.Millisecond
	feed, err := db.Listen(url, window, c.deliver)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()

	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('f', 'F', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	// A rolled-back change is never announced.
	tx := conn.MustBegin()
	tx.MustExec(`INSERT INTO milestones (incident_id, key, title, position) VALUES ($1, 'ghost', 'G', 1)`, inc)
	tx.Rollback()
	conn.MustExec(`BEGIN; SELECT set_config('warroom.actor', 'alice', true);
		INSERT INTO milestones (incident_id, key, title, position) VALUES (` + itoa(inc) + `, 'core', 'Core', 1); COMMIT`)
	got := c.waitChanges(t, 2)
	if got[0].Table != "incidents" || got[0].Incident != inc || got[0].Op != "I" {
		t.Fatalf("first change %+v", got[0])
	}
	if got[1].Table != "milestones" || got[1].Incident != inc || got[1].By != "alice" || got[1].Version != 1 || got[1].ID == 0 {
		t.Fatalf("second change %+v", got[1])
	}

	// A burst of separate commits arrives in batches: at most two deliveries
	// per window (the one sent at once after a quiet spell, and the held
	// rest when the window ends). The bound
	// counts the windows the burst really took, so a loaded machine whose
	// commits come slower than the window asks for no batching it cannot see.
	before := len(c.events)
	start := time.Now()
	for i := 0; i < 50; i++ {
		conn.MustExec(`UPDATE milestones SET progress = $1 WHERE key = 'core'`, i)
	}
	got = c.waitChanges(t, 52)
	c.mu.Lock()
	batches := len(c.events) - before
	elapsed := c.last.Sub(start)
	c.mu.Unlock()
	if limit := 2*int(elapsed/window) + 2; batches > limit || batches >= 50 {
		t.Fatalf("50 commits in %v came in %d deliveries, more than two per %v window (limit %d); batching is not working", elapsed, batches, window, limit)
	}
	if last := got[len(got)-1]; last.Version != 51 {
		t.Fatalf("last change version %d, want 51", last.Version)
	}

	// Bulk tables send one notification per statement, with the row count.
	conn.MustExec(`INSERT INTO merchants (incident_id, merchant_id) SELECT $1, 'M' || g FROM generate_series(1, 500) g`, inc)
	got = c.waitChanges(t, 53)
	if b := got[52]; b.Table != "merchants" || b.Rows != 500 || b.Incident != inc {
		t.Fatalf("bulk change %+v", b)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A change after a quiet spell is delivered at once, not at the end of the
// window: with an hour-long window it could not arrive otherwise.
func TestFeedDeliversFirstChangeAtOnce(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	c := newCollector()
	feed, err := db.Listen(url, time.Hour, c.deliver)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	waitListening(t, conn)
	conn.MustExec(`INSERT INTO incidents (slug, title, started_at) VALUES ('q', 'Q', now())`)
	got := c.waitChanges(t, 1)
	if len(got) != 1 || got[0].Table != "incidents" {
		t.Fatalf("changes %+v", got)
	}
}

// waitListening waits until some session LISTENs on the channel, so a
// change made next cannot slip by before the listener is connected.
func waitListening(t *testing.T, conn interface {
	Get(dest any, query string, args ...any) error
}) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen%'`); err == nil && n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the feed never started listening")
}

// The timeline's and the restore plan's notifications carry the changed row
// (NEW, or OLD for a delete) while it fits in a notification; a row too big
// for one, and every other table, come without it.
func TestFeedCarriesSmallRows(t *testing.T) {
	url := dbtest.NewURL(t)
	conn := dbtest.Open(t, url)
	c := newCollector()
	feed, err := db.Listen(url, time.Millisecond, c.deliver)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	waitListening(t, conn)

	var inc, ms int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('r', 'R', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if err := conn.Get(&ms, `INSERT INTO milestones (incident_id, key, title, position) VALUES ($1, 'core', 'Core', 1) RETURNING id`, inc); err != nil {
		t.Fatal(err)
	}
	conn.MustExec(`UPDATE milestones SET progress = 40, status = 'in_progress' WHERE id = $1`, ms)
	conn.MustExec(`INSERT INTO milestone_updates (milestone_id, to_status, to_progress, note) VALUES ($1, 'in_progress', 40, '进展')`, ms)
	small := strings.Repeat("é", 2500) // 5,000 bytes: fits
	big := strings.Repeat("x", 9000)   // more than NOTIFY takes
	edge := strings.Repeat("y", 7300)  // fits NOTIFY, not the 7,500-byte budget with the rest of the row
	for _, body := range []string{small, big, edge} {
		conn.MustExec(`INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start) VALUES ($1, 'note', 'N', $2, now())`, inc, body)
	}
	conn.MustExec(`INSERT INTO people (incident_id, name) VALUES ($1, 'Ann')`, inc)
	got := c.waitChanges(t, 8)

	byTable := func(table string, n int) db.Change {
		t.Helper()
		for _, ch := range got {
			if ch.Table == table {
				if n == 0 {
					return ch
				}
				n--
			}
		}
		t.Fatalf("no change %d of %s in %+v", n, table, got)
		return db.Change{}
	}
	if inc := byTable("incidents", 0); inc.Row != nil {
		t.Fatalf("incidents carry no row: %s", inc.Row)
	}
	var row struct {
		ID       int64  `json:"id"`
		Progress int    `json:"progress"`
		Status   string `json:"status"`
		Version  int    `json:"version"`
		Note     string `json:"note"`
		Body     string `json:"body"`
	}
	up := byTable("milestones", 1)
	if err := json.Unmarshal(up.Row, &row); err != nil || row.ID != ms || row.Progress != 40 || row.Status != "in_progress" || row.Version != 2 || up.Version != 2 {
		t.Fatalf("milestone update %+v: row %+v, %v", up, row, err)
	}
	row.Note = ""
	if err := json.Unmarshal(byTable("milestone_updates", 0).Row, &row); err != nil || row.Note != "进展" {
		t.Fatalf("milestone update row %+v, %v", row, err)
	}
	if err := json.Unmarshal(byTable("timeline_entries", 0).Row, &row); err != nil || row.Body != small {
		t.Fatalf("a 5,000-byte body should travel in the row: %v", err)
	}
	for i, what := range []string{"a 9,000-byte body", "a 7,300-byte body"} {
		if e := byTable("timeline_entries", i+1); e.Row != nil || e.ID == 0 || e.Incident != inc {
			t.Fatalf("%s: change %+v should come without its row (%d bytes)", what, e, len(e.Row))
		}
	}
	if p := byTable("people", 0); p.Row != nil {
		t.Fatalf("people carry no row: %s", p.Row)
	}

	// A delete sends the row as it was.
	before := len(c.changes())
	conn.MustExec(`DELETE FROM milestone_updates WHERE milestone_id = $1`, ms)
	got = c.waitChanges(t, before+1)
	del := got[len(got)-1]
	row.Note = ""
	if err := json.Unmarshal(del.Row, &row); del.Op != "D" || err != nil || row.Note != "进展" || del.Incident != inc {
		t.Fatalf("delete %+v: row %+v, %v", del, row, err)
	}
}
