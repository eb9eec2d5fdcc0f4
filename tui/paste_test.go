package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"warroom/access"
)

// paste sends a bracketed paste through the root, as the terminal does.
func paste(t *testing.T, m Model, s string) Model {
	t.Helper()
	return step(t, m, tea.PasteMsg{Content: s})
}

// focusField tabs to the named form field.
func focusField(t *testing.T, m Model, name string) Model {
	t.Helper()
	f := openForm(m)
	if f == nil || f.Field(name) == nil {
		t.Fatalf("no form field %q", name)
	}
	for i := 0; f.fields[f.focus].name != name; i++ {
		if i > len(f.fields) {
			t.Fatalf("cannot focus %q", name)
		}
		m = keys(t, m, "tab")
	}
	return m
}

// Every list's / prompt takes a paste as typed text, and the list narrows.
func TestPasteIntoEveryFilterPrompt(t *testing.T) {
	conn := demoDB(t)
	for _, tab := range []string{"1", "2", "3", "4", "5"} {
		m := sideModel(t, conn, Options{}, 120, 40)
		m = keys(t, m, tab, "/")
		if !m.views[m.active].Capturing() {
			t.Fatalf("view %s: / did not open the prompt", tab)
		}
		m = paste(t, m, "zz paste")
		if got := screen(m); !strings.Contains(got, "/zz paste▏") {
			t.Errorf("view %s: the pasted text is not in the prompt:\n%s", tab, got)
		}
		var l *listState
		switch v := m.views[m.active].(type) {
		case *timelineView:
			l = &v.list.listState
		case *restoreView:
			l = &v.list.listState
		case *accountabilityView:
			l = &v.list.listState
		case *fundView:
			l = &v.list.listState
		case *approvalsView:
			l = &v.list.listState
		}
		if l.Filter() != "zz paste" {
			t.Errorf("view %s: filter %q after the paste", tab, l.Filter())
		}
		// Typed keys go on after the pasted text, at the cursor.
		m = typed(t, m, "x")
		if l.Filter() != "zz pastex" {
			t.Errorf("view %s: filter %q after typing on", tab, l.Filter())
		}
	}
}

// A paste with no input open is text, not keys: "q" does not quit, "3"
// does not switch views.
func TestPasteWithNoInputOpenDoesNothing(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	before := screen(m)
	nm, cmd := m.Update(tea.PasteMsg{Content: "q3/"})
	m = nm.(Model)
	if cmd != nil || m.Active() != 0 || screen(m) != before {
		t.Fatalf("a paste with no prompt open acted (view %d, cmd %v)", m.Active(), cmd != nil)
	}
}

func TestPasteIntoFormFields(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)

	// The timeline's add form: a one-line field and the multi-line body.
	m = keys(t, m, "a")
	m = focusField(t, m, "title")
	m = paste(t, m, "DNS cut over")
	if got := openForm(m).Value("title"); got != "DNS cut over" {
		t.Fatalf("title after a paste: %q", got)
	}
	m = focusField(t, m, "body")
	m = paste(t, m, "first line\nsecond line")
	if got := openForm(m).Value("body"); got != "first line\nsecond line" {
		t.Fatalf("body after a paste: %q", got)
	}
	if !strings.Contains(screen(m), "DNS cut over") {
		t.Fatalf("the pasted title is not on screen:\n%s", screen(m))
	}
	// A choice field takes no paste.
	m = focusField(t, m, "kind")
	kind := openForm(m).Value("kind")
	m = paste(t, m, "zzz")
	if openForm(m).Value("kind") != kind {
		t.Fatal("a paste changed a choice field")
	}

	// The restore view's milestone form.
	m = keys(t, m, "esc", "y", "2", "e")
	m = focusField(t, m, "note")
	m = paste(t, m, "failover done")
	if got := openForm(m).Value("note"); got != "failover done" {
		t.Fatalf("note after a paste: %q", got)
	}
}

func TestPasteIntoRejectReason(t *testing.T) {
	conn := demoDB(t)
	requestAs(t, conn, "alice", access.OpVoidEntry, map[string]any{"entry_id": 1}, "wrong entry")
	m := sideModel(t, conn, Options{Actor: "bob"}, 120, 40)
	m = keys(t, m, "5", "x")
	m = paste(t, m, "not this one")
	a := approvalsOf(m)
	if a.prompt == nil || a.prompt.input.Value() != "not this one" {
		t.Fatalf("reason after a paste: %+v", a.prompt)
	}
	if !strings.Contains(screen(m), "reason (optional): not this one▏") {
		t.Fatalf("the pasted reason is not on screen:\n%s", screen(m))
	}
}

func TestPasteIntoMerchantSearch(t *testing.T) {
	conn := demoDB(t)
	v, _ := fundOn(t, conn, "", 80, 20)
	keyDrain(t, v, "m", "/")
	drain(t, v, v.Paste(tea.PasteMsg{Content: "火锅"}))
	if v.ml.input.Value() != "火锅" {
		t.Fatalf("search after a paste: %q", v.ml.input.Value())
	}
	keyDrain(t, v, "enter")
	if v.ml.find != "火锅" || len(v.ml.rows) == 0 {
		t.Fatalf("the pasted search did not run: find %q, %d rows", v.ml.find, len(v.ml.rows))
	}
}
