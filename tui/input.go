package tui

import (
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// lineInput is every one-line prompt outside the forms (the list filter,
// the merchant search, the rejection reason): a bubbles textinput, so the
// editing keys and a bracketed paste work as they do in a form field. The
// view draws it itself (value and a bar at the cursor), which keeps each
// prompt's line as it was.
//
// The zero value is ready to use (lists embed it), with no length limit.
type lineInput struct {
	ti    textinput.Model
	limit int // most characters; 0: no limit
	made  bool
}

// newTextInput is the textinput every input starts from. ctrl+v is off:
// bubbles would read the system clipboard in a command whose answer no
// view receives; terminals paste with a bracketed paste instead.
func newTextInput() textinput.Model {
	ti := textinput.New()
	ti.Prompt = ""
	ti.KeyMap.Paste.SetEnabled(false)
	s := textinput.DefaultDarkStyles()
	s.Cursor.Blink = false // no blink messages: the views cache their rendering
	ti.SetStyles(s)
	return ti
}

func newLineInput(limit int) lineInput { return lineInput{limit: limit} }

// Open focuses the input with value in it, the cursor at its end.
func (in *lineInput) Open(value string) {
	if !in.made {
		in.ti, in.made = newTextInput(), true
		in.ti.CharLimit = in.limit
	}
	in.ti.SetValue(value)
	in.ti.CursorEnd()
	in.ti.Focus()
}

// Close blurs it and forgets the text.
func (in *lineInput) Close() {
	if !in.made {
		return
	}
	in.ti.Blur()
	in.ti.SetValue("")
}

// Editing reports whether the prompt is taking text.
func (in *lineInput) Editing() bool { return in.ti.Focused() }

func (in *lineInput) Value() string { return in.ti.Value() }

// Update edits the text with a key press or a paste; other messages are
// ignored.
func (in *lineInput) Update(msg tea.Msg) {
	if !in.Editing() {
		return
	}
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		in.ti, _ = in.ti.Update(msg) // no blink, no clipboard: nothing to run
	}
}

// View is the text with a bar at the cursor.
func (in *lineInput) View(st *Styles) string {
	r := []rune(in.ti.Value())
	p := min(max(in.ti.Position(), 0), len(r))
	return SanitizeLine(string(r[:p])) + st.Bold.Render("▏") + SanitizeLine(string(r[p:]))
}
