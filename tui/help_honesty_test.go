package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/jmoiron/sqlx"

	"warroom/access"
)

// The help honesty test walks every view in each of its modes and presses
// every key worth trying on a fresh console in that mode. A key that acts
// (the screen changes, or it starts a command) must be in the help (the
// footer or the ? screen) for that mode, and every key the help offers
// must act. Inside a text input, typing and the input's editing keys are
// the input's own and need no line in the help.

// helpModes are the modes the test walks: the keys that lead there from
// the first screen (each key settled before the next), at the smallest
// size, where most lists scroll; the cursor is left inside the list, so
// that every key that moves it can.
var helpModes = []struct {
	name string
	keys []string
}{
	{"timeline list", []string{"j", "j"}},
	{"timeline list, filtered", []string{"/", "o", "enter", "j"}},
	{"timeline filter prompt", []string{"/", "o", "down"}},
	{"timeline add form", []string{"a"}},
	{"timeline edit form", []string{"j", "e"}},
	{"timeline update form", []string{"u"}},
	{"timeline status form", []string{"S"}},
	{"restore list", []string{"2", "j", "j"}},
	{"restore filter prompt", []string{"2", "/", "o", "down"}},
	{"restore form", []string{"2", "j", "e"}},
	{"restore data counts", []string{"2", "c"}},
	{"accountability", []string{"3", "j"}},
	{"accountability filter prompt", []string{"3", "/", "a", "down"}},
	{"accountability on an action item", []string{"3", "G", "k"}},
	{"accountability add form", []string{"3", "a"}},
	{"fund overview", []string{"4", "j"}},
	{"fund filter prompt", []string{"4", "/", "a", "down"}},
	{"fund claims", []string{"4", "c", "j"}},
	{"fund merchants", []string{"4", "m", "j", "j"}},
	{"fund merchant search", []string{"4", "m", "/", "1"}},
	{"fund merchant statement", []string{"4", "m", "enter"}},
	{"fund receive form", []string{"4", "r"}},
	{"fund pledge form", []string{"4", "j", "p"}},
	{"fund terms form", []string{"4", "s", "tab"}},
	{"approvals list", []string{"5", "j"}},
	{"approvals filter prompt", []string{"5", "/", "v", "down"}},
	{"approvals confirm", []string{"5", "j", "a"}},
	{"approvals reject reason", []string{"5", "j", "x", "n"}},
	{"audit list", []string{"6", "j", "j"}},
	{"audit entry", []string{"6", "j", "enter", "j"}},
	{"incident switcher", []string{"I"}},
	{"incident switcher declare form", []string{"I", "n"}},
}

// candidateKeys are the keys tried besides those the help names: every
// letter and digit, and the named keys a user might reach for.
func candidateKeys() []string {
	var ks []string
	for r := 'a'; r <= 'z'; r++ {
		ks = append(ks, string(r), strings.ToUpper(string(r)))
	}
	for r := '0'; r <= '9'; r++ {
		ks = append(ks, string(r))
	}
	ks = append(ks, "/", "?", "space", "enter", "esc", "tab", "shift+tab", "backspace", "delete",
		"up", "down", "left", "right", "home", "end", "pgup", "pgdown",
		"ctrl+r", "ctrl+u", "ctrl+f", "ctrl+b", "ctrl+j", "ctrl+v", "alt+enter")
	return ks
}

// keyMsg is the key press whose String() is name.
func keyMsg(name string) tea.KeyPressMsg {
	named := map[string]tea.KeyPressMsg{
		"space": {Code: tea.KeySpace, Text: " "}, "enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape},
		"tab": {Code: tea.KeyTab}, "shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
		"backspace": {Code: tea.KeyBackspace}, "delete": {Code: tea.KeyDelete},
		"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown}, "left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight},
		"home": {Code: tea.KeyHome}, "end": {Code: tea.KeyEnd}, "pgup": {Code: tea.KeyPgUp}, "pgdown": {Code: tea.KeyPgDown},
		"alt+enter": {Code: tea.KeyEnter, Mod: tea.ModAlt},
	}
	if k, ok := named[name]; ok {
		return k
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(c)[0], Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	if r >= 'A' && r <= 'Z' {
		return tea.KeyPressMsg{Code: r + 'a' - 'A', ShiftedCode: r, Mod: tea.ModShift, Text: name}
	}
	return tea.KeyPressMsg{Code: r, Text: name}
}

// editingKeys are what a text input does with keys on its own.
func editingKeys() map[string]bool {
	out := map[string]bool{}
	add := func(bs ...key.Binding) {
		for _, b := range bs {
			for _, k := range b.Keys() {
				out[k] = true
			}
		}
	}
	ti := textinput.DefaultKeyMap()
	add(ti.CharacterForward, ti.CharacterBackward, ti.WordForward, ti.WordBackward,
		ti.DeleteWordBackward, ti.DeleteWordForward, ti.DeleteAfterCursor, ti.DeleteBeforeCursor,
		ti.DeleteCharacterBackward, ti.DeleteCharacterForward, ti.LineStart, ti.LineEnd)
	ta := textarea.DefaultKeyMap()
	add(ta.CharacterForward, ta.CharacterBackward, ta.WordForward, ta.WordBackward,
		ta.DeleteWordBackward, ta.DeleteWordForward, ta.DeleteAfterCursor, ta.DeleteBeforeCursor,
		ta.DeleteCharacterBackward, ta.DeleteCharacterForward, ta.LineStart, ta.LineEnd,
		ta.LineNext, ta.LinePrevious, ta.InputBegin, ta.InputEnd)
	return out
}

// helpBindings is what the footer and the ? screen offer in the mode the
// model is in.
func helpBindings(m Model) []key.Binding {
	v := m.focus()
	bs := append([]key.Binding(nil), v.ShortHelp()...)
	for _, g := range v.FullHelp() {
		bs = append(bs, g...)
	}
	if v.Capturing() {
		bs = append(bs, globalKeys.ForceQuit)
	} else {
		for _, g := range globalFullHelp() {
			bs = append(bs, g...)
		}
	}
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() {
			out = append(out, b)
		}
	}
	return out
}

// quietAll stops every view's timers, so settling ends.
func quietAll(m Model) {
	quietSides(m)
	for _, v := range m.views {
		if f, ok := v.(*fundView); ok {
			f.tick = noTick
		}
	}
}

func honestyModel(t *testing.T, conn *sqlx.DB, keys []string) Model {
	t.Helper()
	m := New(conn, Options{Now: func() time.Time { return fixedNow }, Actor: "bob"})
	quietAll(m)
	m = step(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m = settle(t, m, m.Init())
	for _, k := range keys {
		nm, cmd := m.Update(keyMsg(k))
		m = settle(t, nm.(Model), cmd)
	}
	return m
}

// acts reports whether pressing k in the mode does anything.
func acts(t *testing.T, conn *sqlx.DB, mode []string, k string) bool {
	t.Helper()
	m := honestyModel(t, conn, mode)
	before, active, help := m.View().Content, m.active, m.showHelp
	nm, cmd := m.Update(keyMsg(k))
	m = nm.(Model)
	return cmd != nil || m.active != active || m.showHelp != help || m.View().Content != before
}

func TestHelpIsHonest(t *testing.T) {
	conn := demoDB(t)
	// Something to decide, not alice's: the console acts as bob.
	for i := 1; i <= 3; i++ {
		requestAs(t, conn, "alice", access.OpVoidEntry, map[string]any{"entry_id": i}, "wrong entry")
	}
	editing := editingKeys()
	for _, name := range candidateKeys() {
		if got := keyMsg(name).String(); got != name {
			t.Fatalf("keyMsg(%q) is %q", name, got)
		}
	}
	for _, mode := range helpModes {
		t.Run(mode.name, func(t *testing.T) {
			m := honestyModel(t, conn, mode.keys)
			capturing := m.focus().Capturing()
			offered := map[string]bool{}
			bindings := helpBindings(m)
			for _, b := range bindings {
				for _, k := range b.Keys() {
					offered[k] = true
				}
			}
			tried := map[string]bool{}
			for _, k := range candidateKeys() {
				tried[k] = true
			}
			for k := range offered {
				tried[k] = true
			}
			acting := map[string]bool{}
			for k := range tried {
				if keyMsg(k).String() != k {
					continue // a key this test cannot press (e.g. "shift+k", an alias)
				}
				acting[k] = acts(t, conn, mode.keys, k)
			}
			// A question any key answers ("any other key cancels")
			// offers every key.
			anyKey := false
			for _, b := range bindings {
				anyKey = anyKey || b.Help().Key == anyOtherKey
			}
			var missing, idle []string
			for k, a := range acting {
				text := keyMsg(k).Text != ""
				if a && !offered[k] && !anyKey && !(capturing && (text || editing[k])) {
					missing = append(missing, k)
				}
			}
			for _, b := range bindings {
				if b.Help().Key == anyOtherKey {
					continue
				}
				any := false
				for _, k := range b.Keys() {
					any = any || acting[k]
				}
				// The number of the view on screen goes where it is.
				current := slices.ContainsFunc(globalKeys.Tabs[m.active].Keys(), func(k string) bool { return slices.Contains(b.Keys(), k) }) && len(b.Keys()) == 1
				if !any && !current {
					idle = append(idle, fmt.Sprintf("%s (%s)", b.Help().Key, b.Help().Desc))
				}
			}
			sort.Strings(missing)
			sort.Strings(idle)
			if len(missing) > 0 {
				t.Errorf("keys that act but are not in the help: %v", missing)
			}
			if len(idle) > 0 {
				t.Errorf("help offers keys that do nothing: %v", idle)
			}
		})
	}
}
