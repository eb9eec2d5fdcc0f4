package tui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestReadOnlyConsoleOffersNoWrites: a viewer's console (ReadOnly) has no
// write key in the footer or on the ? screen of the views that write, and
// pressing one changes nothing; the same console not read-only offers and
// takes them (so the test can fail).
func TestReadOnlyConsoleOffersNoWrites(t *testing.T) {
	conn := demoDB(t)
	open := func(readOnly bool) Model {
		m := New(conn, Options{Now: func() time.Time { return fixedNow }, ReadOnly: readOnly})
		m = step(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
		return step(t, m, m.Init()())
	}
	cases := []struct {
		name  string
		tab   string
		keys  []string
		offer []string // help text of the write keys
	}{
		{"timeline", "1", []string{"a", "e", "u", "R", "S", "V"},
			[]string{"a add", "e edit", "post update", "assign role", "status (resolve)"}},
		{"restore", "2", []string{"e", "a", "enter", "K", "J"}, []string{"e update", "a add", "K/J move"}},
		{"approvals", "5", []string{"a", "x"}, []string{"a approve", "x reject"}},
		{"accountability", "3", []string{"a", "e", "enter", "x"}, []string{"add action"}},
		{"fund", "4", []string{"r", "p", "s", "o"}, []string{"record money received", "pledge (approval request)", "set terms"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, readOnly := range []bool{true, false} {
				m := keys(t, open(readOnly), c.tab)
				foot := screen(m)
				full := screen(keys(t, m, "?"))
				for _, o := range c.offer {
					shown := strings.Contains(foot, o) || strings.Contains(full, o)
					if shown == readOnly {
						t.Errorf("read-only %v: %q shown %v\n%s\n%s", readOnly, o, shown, foot, full)
					}
				}
				if !readOnly {
					continue
				}
				for _, k := range c.keys {
					if after := screen(keys(t, m, k)); after != foot {
						t.Errorf("read-only: %q changed the screen:\n%s", k, after)
					}
				}
			}
		})
	}
	// A write that still reaches the root is refused there.
	m := open(true)
	cmd := m.write(writeRequestMsg{tag: "t"})
	if done, ok := cmd().(writeDoneMsg); !ok || done.err != errReadOnly {
		t.Fatalf("read-only write answered %#v", cmd())
	}
}
