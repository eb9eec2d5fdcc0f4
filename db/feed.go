package db

import (
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// Channel is the NOTIFY channel the change triggers publish on.
const Channel = "warroom_changes"

// Change is one committed change, as the triggers describe it.
type Change struct {
	Table    string `json:"t"`
	Op       string `json:"op"` // I, U or D
	Incident int64  `json:"i"`
	ID       int64  `json:"id"` // 0 for bulk statements
	Version  int    `json:"v"`
	Rows     int64  `json:"n"` // rows touched, for bulk statements
	By       string `json:"by"`
	// Row is the changed row as to_jsonb wrote it (NEW; OLD for a delete),
	// for the tables whose notifications carry it (migration 00008:
	// timeline_entries, milestones, milestone_updates) when it fits in a
	// notification; nil otherwise, and then the reader must query.
	Row json.RawMessage `json:"r,omitempty"`
	// At is when this process received it (notifications carry no time).
	At time.Time `json:"-"`
}

// Event is what the feed delivers: a batch of changes, or news about the
// connection. After Reconnected, notifications sent during the outage are
// lost: reload everything.
type Event struct {
	Changes      []Change
	Disconnected bool      // the listener lost its connection
	Since        time.Time // when it was lost (with Disconnected)
	Reconnected  bool
	Err          error
}

// Feed listens for changes on a connection of its own and hands them on in
// batches, so a burst of writes becomes one reload rather than hundreds.
type Feed struct {
	listener *pq.Listener
	done     chan struct{}
	pinging  atomic.Bool
	wg       sync.WaitGroup
}

// pingEvery is how often an idle listener checks its connection, so a
// server that vanished without closing the socket is noticed quickly.
const pingEvery = 2 * time.Second

// Listen starts a feed on dsn. A change arriving after a quiet window is
// delivered at once; changes arriving within window of a delivery are
// delivered together when it ends. Connection events are delivered at once.
// deliver runs on the feed's goroutine and must not block for long (a
// tea.Program's Send is fine).
func Listen(dsn string, window time.Duration, deliver func(Event)) (*Feed, error) {
	f := &Feed{done: make(chan struct{})}
	events := make(chan Event, 16)
	f.listener = pq.NewListener(WithLibpqDefaults(dsn), 100*time.Millisecond, 2*time.Second,
		func(ev pq.ListenerEventType, err error) {
			switch ev {
			case pq.ListenerEventDisconnected:
				select {
				case events <- Event{Disconnected: true, Since: time.Now(), Err: err}:
				default:
				}
			case pq.ListenerEventConnectionAttemptFailed:
				select {
				case events <- Event{Disconnected: true, Err: err}:
				default:
				}
			}
		})
	if err := f.listener.Listen(Channel); err != nil {
		f.listener.Close()
		return nil, MapError(err)
	}
	f.wg.Add(1)
	go f.loop(window, events, deliver)
	return f, nil
}

func (f *Feed) loop(window time.Duration, events <-chan Event, deliver func(Event)) {
	defer f.wg.Done()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	// Leading-edge batching: a change that arrives when the feed is quiet
	// goes out at once (a trailing window alone would add its whole length
	// to every update's latency), with whatever has already arrived behind
	// it (a transaction's changes come together). What follows within window
	// is held and sent together when the window ends; then the feed is
	// quiet again. A long burst thus becomes at most two deliveries per
	// window, and a lone change is never held back by the one before it.
	var pending []Change
	var flush <-chan time.Time // non-nil while a window is open
	for {
		select {
		case <-f.done:
			return
		case ev := <-events:
			deliver(ev)
		case n := <-f.listener.Notify:
			if n == nil {
				// pq sends nil after re-establishing the connection.
				pending, flush = nil, nil
				deliver(Event{Reconnected: true})
				continue
			}
			if c, ok := parseChange(n); ok {
				pending = append(pending, c)
			}
			if flush != nil || len(pending) == 0 {
				continue
			}
			reconnected := f.drain(&pending)
			deliver(Event{Changes: pending})
			pending, flush = nil, time.After(window)
			if reconnected {
				pending, flush = nil, nil
				deliver(Event{Reconnected: true})
			}
		case <-flush:
			if len(pending) > 0 {
				deliver(Event{Changes: pending})
			}
			pending, flush = nil, nil
		case <-ping.C:
			// One ping at a time: on a half-open socket a ping blocks until
			// TCP gives up, and a new one every tick would pile up.
			if f.pinging.CompareAndSwap(false, true) {
				go func() {
					defer f.pinging.Store(false)
					_ = f.listener.Ping() // errors surface as a disconnect event
				}()
			}
		}
	}
}

// drain adds the notifications already waiting to pending, without
// waiting for more; it reports a reconnect found among them.
func (f *Feed) drain(pending *[]Change) (reconnected bool) {
	for {
		select {
		case n := <-f.listener.Notify:
			if n == nil {
				return true
			}
			if c, ok := parseChange(n); ok {
				*pending = append(*pending, c)
			}
		default:
			return false
		}
	}
}

func parseChange(n *pq.Notification) (Change, bool) {
	var c Change
	if err := json.Unmarshal([]byte(n.Extra), &c); err != nil {
		return c, false // not ours, or from a newer schema: the next reload covers it
	}
	c.At = time.Now()
	return c, true
}

// Close stops the feed and its connection.
func (f *Feed) Close() error {
	close(f.done)
	err := f.listener.Close()
	f.wg.Wait()
	return err
}
