package db

import (
	"encoding/json"
	"sync"
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
	// to every update's latency); what follows within window is held and
	// sent together when the window ends, and that send opens a new window,
	// so a long burst becomes one delivery per window.
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
			var c Change
			if err := json.Unmarshal([]byte(n.Extra), &c); err != nil {
				continue // not ours, or from a newer schema: the next reload covers it
			}
			c.At = time.Now()
			if flush == nil {
				deliver(Event{Changes: []Change{c}})
				flush = time.After(window)
				continue
			}
			pending = append(pending, c)
		case <-flush:
			if len(pending) == 0 {
				flush = nil // quiet for a whole window: the next change goes at once
				continue
			}
			deliver(Event{Changes: pending})
			pending, flush = nil, time.After(window)
		case <-ping.C:
			go f.listener.Ping() // errors surface as a disconnect event
		}
	}
}

// Close stops the feed and its connection.
func (f *Feed) Close() error {
	close(f.done)
	err := f.listener.Close()
	f.wg.Wait()
	return err
}
