package tui

import (
	"strings"
	"testing"
)

// footer is the last line of the screen: the help bar.
func footer(m Model) string {
	lines := strings.Split(screen(m), "\n")
	return lines[len(lines)-1]
}

func TestFormFooterOffersOnlyKeysThatWork(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	m = keys(t, m, "2")
	if f := footer(m); !strings.Contains(f, "q quit") || !strings.Contains(f, "? help") {
		t.Fatalf("list footer should offer q and ?: %q", f)
	}
	m = keys(t, m, "e")
	f := footer(m)
	// In a form q, ? and the digits type into the field: offering them lies.
	for _, lie := range []string{"q quit", "? help", "1-6", "next view"} {
		if strings.Contains(f, lie) {
			t.Errorf("form footer offers %q, which types into the field: %q", lie, f)
		}
	}
	for _, want := range []string{"enter save", "esc cancel", "ctrl+c quit"} {
		if !strings.Contains(f, want) {
			t.Errorf("form footer lacks %q: %q", want, f)
		}
	}
}

func TestEscAsksBeforeDiscardingTypedInput(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)

	// Nothing typed: esc closes at once.
	m = keys(t, m, "2", "e")
	m = act(t, m, "esc")
	if openForm(m) != nil {
		t.Fatal("esc on an untouched form should close it")
	}

	m = keys(t, m, "e")
	m = fill(t, m, "note", "half an hour of notes")
	m = act(t, m, "esc")
	if openForm(m) == nil || !strings.Contains(screen(m), "Discard what you typed? y discards") {
		t.Fatalf("esc with typed input should ask:\n%s", screen(m))
	}
	// Any other key goes back to the form with the input intact, and is
	// not typed into the field.
	m = act(t, m, "n")
	f := openForm(m)
	if f == nil || f.Value("note") != "half an hour of notes" {
		t.Fatalf("input lost or changed after answering no: %+v", f)
	}
	if strings.Contains(screen(m), "Discard what you typed?") {
		t.Fatal("the question stays after it was answered")
	}
	m = act(t, m, "esc")
	m = act(t, m, "y")
	if openForm(m) != nil {
		t.Fatal("y should discard the form")
	}
}

func TestCtrlCAsksBeforeLosingTypedInput(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	m = keys(t, m, "1", "a")
	m = fill(t, m, "title", "draft statement")
	nm, cmd := m.Update(press("ctrl+c"))
	m = nm.(Model)
	if isQuit(cmd) {
		t.Fatal("ctrl+c quit and threw away a typed form without asking")
	}
	if f := footer(m); !strings.Contains(f, "ctrl+c again quits and loses what you typed") {
		t.Fatalf("no warning in the footer: %q", f)
	}
	// Another key disarms it, without typing into the field: the next
	// ctrl+c asks again.
	m = keys(t, m, "x")
	if strings.Contains(footer(m), "ctrl+c again") {
		t.Fatal("the warning outlived the next key")
	}
	if got := openForm(m).Value("title"); got != "draft statement" {
		t.Fatalf("the answering key was typed into the form: %q", got)
	}
	nm, cmd = m.Update(press("ctrl+c"))
	m = nm.(Model)
	if isQuit(cmd) {
		t.Fatal("ctrl+c after another key should ask again")
	}
	if _, cmd := m.Update(press("ctrl+c")); !isQuit(cmd) {
		t.Fatal("a second ctrl+c in a row should quit")
	}
}

func TestValidationErrorTakesTheFocus(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	m = keys(t, m, "2", "a")
	m = fill(t, m, "key", "billing-db")
	m = fill(t, m, "title", "Billing database")
	m = fill(t, m, "planned_end", "not a time")
	// Back to the first field, as someone reviewing the form would be.
	for openForm(m).fields[openForm(m).focus].name != "key" {
		m = keys(t, m, "tab")
	}
	m = act(t, m, "enter")
	f := openForm(m)
	if f == nil || f.Field("planned_end").err == "" {
		t.Fatalf("expected an error on the planned end:\n%s", screen(m))
	}
	if got := f.fields[f.focus].name; got != "planned_end" {
		t.Fatalf("focus stayed on %q; it should move to the field to fix", got)
	}
}

func TestConsoleRefusesTheTitleTheCLIRefuses(t *testing.T) {
	conn := demoDB(t)
	m := newTestModel(t, conn, 120, 40)
	before := countRowsSQL(t, conn, `SELECT count(*) FROM milestones`)
	m = keys(t, m, "2", "a")
	m = fill(t, m, "key", "long-title")
	m = fill(t, m, "title", strings.Repeat("x", 517))
	m = act(t, m, "enter")
	f := openForm(m)
	if f == nil || !strings.Contains(f.Field("title").err, "517 characters") {
		t.Fatalf("a 517-character title should be refused beside the field:\n%s", screen(m))
	}
	if n := countRowsSQL(t, conn, `SELECT count(*) FROM milestones`); n != before {
		t.Fatalf("milestone written despite the error: %d -> %d", before, n)
	}
}
