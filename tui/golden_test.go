package tui

import (
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
)

// loadWatcher wraps the console to tell the test when the first snapshot
// has been applied: teatest's WaitFor is unreliable after the first frame,
// so the test waits on this instead of on screen text.
type loadWatcher struct {
	Model
	loaded chan struct{}
	once   *sync.Once
}

func (w loadWatcher) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	nm, cmd := w.Model.Update(msg)
	w.Model = nm.(Model)
	if _, ok := msg.(snapshotMsg); ok {
		w.once.Do(func() { close(w.loaded) })
	}
	return w, cmd
}

// runProgram runs the console as a real program on the demo incident,
// presses keys once the data is in, quits and returns the final model.
func runProgram(t *testing.T, opts Options, w, h int, keys ...string) Model {
	t.Helper()
	conn := demoDB(t)
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	lw := loadWatcher{Model: New(conn, opts), loaded: make(chan struct{}), once: &sync.Once{}}
	tm := teatest.NewTestModel(t, lw,
		teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)),
	)
	select {
	case <-lw.loaded:
	case <-time.After(15 * time.Second):
		t.Fatal("snapshot never loaded")
	}
	for _, k := range keys {
		tm.Send(press(k))
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	return tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(loadWatcher).Model
}

// TestGoldenViews pins all four views on the demo incident at the smallest
// supported size and a common one. Regenerate with `go test ./tui -update`
// after an intended change, and read the diff.
func TestGoldenViews(t *testing.T) {
	views := []struct{ name, key string }{
		{"timeline", "1"}, {"restore", "2"}, {"accountability", "3"}, {"fund", "4"},
	}
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		for _, v := range views {
			t.Run(fmt.Sprintf("%s_%dx%d", v.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				m := runProgram(t, Options{}, size[0], size[1], v.key)
				out := ansi.Strip(m.View().Content)
				checkFrame(t, out, size[0], size[1])
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}

// TestGoldenHelp pins the ? screen, the other full-screen layout.
func TestGoldenHelp(t *testing.T) {
	m := runProgram(t, Options{}, 80, 24, "2", "?")
	out := ansi.Strip(m.View().Content)
	checkFrame(t, out, 80, 24)
	golden.RequireEqual(t, []byte(out))
}

func TestProgramQuitsOnQ(t *testing.T) {
	conn := demoDB(t)
	m := New(conn, Options{Now: func() time.Time { return fixedNow }})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	tm.Send(press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestProgramFilterAndResize(t *testing.T) {
	m := runProgram(t, Options{}, 120, 40, "/", "c", "u", "t", "enter")
	out := ansi.Strip(m.View().Content)
	if rows := countRows(out); rows != 2 {
		t.Fatalf("filter 'cut' shows %d rows:\n%s", rows, out)
	}
	m2 := runProgram(t, Options{}, 120, 40, "2")
	nm, _ := m2.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, ansi.Strip(nm.(Model).View().Content), 80, 24)
}

// countRows counts timeline rows: lines that start with a date, selected or not.
func countRows(screen string) int {
	return strings.Count(screen, "\n  2020-") + strings.Count(screen, "\n> 2020-")
}
