package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func press(s string) tea.KeyPressMsg {
	switch s {
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)
	if len(r) != 1 {
		panic("press: unknown key " + s)
	}
	return tea.KeyPressMsg{Code: r[0], Text: s}
}

func typeText(l *listState, s string) {
	for _, r := range s {
		if r == ' ' {
			l.Update(press("space"))
			continue
		}
		l.Update(press(string(r)))
	}
}

func TestListStateWindow(t *testing.T) {
	var l listState
	items := make([]string, 100)
	for i := range items {
		items[i] = "row"
	}
	l.SetItems(items)
	l.SetHeight(10)
	if from, to := l.Visible(); from != 0 || to != 10 {
		t.Fatalf("visible = %d,%d", from, to)
	}
	for range 15 {
		l.Update(press("j"))
	}
	if l.Cursor() != 15 {
		t.Fatalf("cursor = %d", l.Cursor())
	}
	if from, to := l.Visible(); from != 6 || to != 16 {
		t.Fatalf("visible after j = %d,%d", from, to)
	}
	l.Update(press("G"))
	if from, to := l.Visible(); l.Cursor() != 99 || from != 90 || to != 100 {
		t.Fatalf("G: cursor %d visible %d,%d", l.Cursor(), from, to)
	}
	l.Update(press("pgup"))
	if l.Cursor() != 90 {
		t.Fatalf("pgup: cursor %d", l.Cursor())
	}
	l.Update(press("g"))
	if l.Cursor() != 0 {
		t.Fatalf("g: cursor %d", l.Cursor())
	}
	l.Update(press("k"))
	if l.Cursor() != 0 {
		t.Fatalf("k at top: cursor %d", l.Cursor())
	}
	l.Update(press("pgdown"))
	if l.Cursor() != 9 {
		t.Fatalf("pgdown: cursor %d", l.Cursor())
	}
}

func TestListStateFilter(t *testing.T) {
	var l listState
	l.SetItems([]string{"Outage begins", "Core restored", "All restored", "Cutover 孙涛勇"})
	l.SetHeight(5)
	l.Update(press("j"))
	if !l.Update(press("/")) || !l.Capturing() {
		t.Fatal("/ should open the prompt")
	}
	typeText(&l, "RESTORED")
	if l.Len() != 2 || l.Total() != 4 {
		t.Fatalf("len %d total %d", l.Len(), l.Total())
	}
	if i, _ := l.Selected(); i != 1 {
		t.Fatalf("selection should stay on item 1, got %d", i)
	}
	l.Update(press("space"))
	typeText(&l, "all")
	if l.Len() != 1 || l.Item(0) != 2 {
		t.Fatalf("two terms: len %d", l.Len())
	}
	l.Update(press("enter"))
	if l.Capturing() || l.Filter() != "RESTORED all" {
		t.Fatalf("enter keeps filter: capturing %v filter %q", l.Capturing(), l.Filter())
	}
	l.Update(press("esc"))
	if l.Len() != 4 || l.Filtering() {
		t.Fatal("esc should clear the filter")
	}
	l.Update(press("/"))
	typeText(&l, "孙")
	if l.Len() != 1 {
		t.Fatalf("CJK filter: len %d", l.Len())
	}
	l.Update(press("backspace"))
	if l.Len() != 4 {
		t.Fatalf("backspace: len %d", l.Len())
	}
	l.Update(press("esc"))
	if l.Capturing() {
		t.Fatal("esc closes the prompt")
	}
}

func TestListStateKeepsSelectionOnReload(t *testing.T) {
	var l listState
	l.SetItems([]string{"a", "b", "c"})
	l.SetHeight(3)
	l.Update(press("G"))
	l.SetItems([]string{"a", "b", "c", "d"})
	if i, _ := l.Selected(); i != 2 {
		t.Fatalf("selected %d", i)
	}
	l.SetItems([]string{"a"})
	if i, ok := l.Selected(); !ok || i != 0 {
		t.Fatalf("clamped selection %d %v", i, ok)
	}
	l.SetItems(nil)
	if _, ok := l.Selected(); ok {
		t.Fatal("empty list has no selection")
	}
}

func TestFitPadsWideText(t *testing.T) {
	got := fit("孙涛勇", 8)
	if w := len([]rune(got)); w != 5 { // 3 wide runes (6 cells) + 2 spaces
		t.Fatalf("fit = %q", got)
	}
	if got := fit("孙涛勇 Sun Taoyong", 7); got != "孙涛勇…" {
		t.Fatalf("fit cut = %q", got)
	}
}

func TestWordWrap(t *testing.T) {
	got := wordWrap("from 2020-02-17 19:00 to 2020-02-23", 12)
	want := []string{"from", "2020-02-17", "19:00 to", "2020-02-23"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("wrap = %q", got)
	}
	got = wordWrap("孙涛勇黄骏伟方桐舒 ok", 6)
	if strings.Join(got, "|") != "孙涛勇|黄骏伟|方桐舒|ok" {
		t.Fatalf("CJK wrap = %q", got)
	}
	if got := wrapText("a b c d e f", 3, 2); strings.Join(got, "|") != "a b|c…" {
		t.Fatalf("cut = %q", got)
	}
}
