package tui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"warroom/db"
)

// formKeys work in every form. enter always saves, even in the multi-line
// body, so a new line there is alt+enter (or ctrl+j).
var formKeys = struct {
	Next, Prev, Save, Cancel, Reload, Choice, Newline key.Binding
}{
	Next:    key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", "next field")),
	Prev:    key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", "previous field")),
	Save:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
	Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	Reload:  key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload")),
	Choice:  key.NewBinding(key.WithKeys("left", "right", "space"), key.WithHelp("←/→", "change choice")),
	Newline: key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"), key.WithHelp("alt+enter", "new line")),
}

// Shorter labels for the footer, where the globals must still fit.
var (
	formShortNext   = key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "field"))
	formShortChoice = key.NewBinding(key.WithKeys("left", "right"), key.WithHelp("←/→", "choose"))
)

// The discard question: y discards, any other key goes back to the form.
var (
	formDiscardYes = key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "discard"))
	formDiscardNo  = key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp(anyOtherKey, "back to the form"))
)

// anyOtherKey is the help line of a question any key answers.
const anyOtherKey = "any other key"

// ShortHelp is the form's keys in the footer: what works in the field
// that has the focus, reload only where the form can reload.
func (f *form) ShortHelp() []key.Binding {
	if f.discarding {
		return []key.Binding{formDiscardYes, formDiscardNo}
	}
	b := []key.Binding{formKeys.Save, formKeys.Cancel, formShortNext}
	if f.fields[f.focus].kind == fieldChoice {
		b = append(b, formShortChoice)
	}
	if f.reload {
		b = append(b, formKeys.Reload)
	}
	return b
}

// FullHelp is the form's keys on the ? screen, by the same rules: one
// column, so the ? screen still fits at 80x24.
func (f *form) FullHelp() [][]key.Binding {
	if f.discarding {
		return [][]key.Binding{{formDiscardYes, formDiscardNo}}
	}
	b := []key.Binding{formKeys.Save, formKeys.Cancel}
	if f.reload {
		b = append(b, formKeys.Reload)
	}
	b = append(b, formKeys.Next, formKeys.Prev)
	switch f.fields[f.focus].kind {
	case fieldChoice:
		b = append(b, formKeys.Choice)
	case fieldArea:
		b = append(b, formKeys.Newline)
	}
	return [][]key.Binding{b}
}

type fieldKind int

const (
	fieldText fieldKind = iota
	fieldArea           // multi-line text
	fieldChoice
)

// formField is one labelled input. name is the domain's field name (the
// Field of a *db.FieldError), so errors land beside the right input.
type formField struct {
	name, label string
	kind        fieldKind
	text        textinput.Model
	area        textarea.Model
	choices     []string // values; labels are word(value), else statusLabel(value)
	word        func(string) string
	choice      int
	orig        string // value the form started from (for reload)
	err         string
}

func (f *formField) Value() string {
	switch f.kind {
	case fieldArea:
		return f.area.Value()
	case fieldChoice:
		return f.choices[f.choice]
	}
	return f.text.Value()
}

func (f *formField) SetValue(s string) {
	switch f.kind {
	case fieldArea:
		f.area.SetValue(s)
	case fieldChoice:
		for i, c := range f.choices {
			if c == s {
				f.choice = i
			}
		}
	default:
		f.text.SetValue(s)
		f.text.CursorEnd()
	}
}

// formAction is what a key asked the form's owner to do.
type formAction int

const (
	formNone formAction = iota
	formSave
	formCancel
	formReload
)

// form is a small stack of fields with an error line under each, a message
// line for whole-form errors (a conflict, a refusal) and a saving state.
// It does no I/O: the owning view turns formSave into a write command.
type form struct {
	st       *Styles
	title    string // "Update milestone core-env"
	context  string // one muted line under the title
	fields   []*formField
	focus    int
	msg      string // form-level error, shown in red
	note     string // form-level information, shown muted
	conflict bool   // msg is a conflict: ctrl+r is offered
	saving   bool
	// discarding: esc was pressed with typed input; the next key decides
	// (y discards, anything else goes back to editing).
	discarding bool
	// errFocused: an error since the last ClearErrors has taken the focus,
	// so the cursor lands on the first field that needs fixing.
	errFocused bool
	reload     bool                        // an edit form: ctrl+r reads the current values again
	onChange   func(f *form, field string) // a choice moved (e.g. done -> 100%)
}

func newForm(st *Styles, title string) *form { return &form{st: st, title: title} }

func (f *form) addText(name, label, value, placeholder string) *formField {
	ti := newTextInput()
	ti.Placeholder = placeholder
	s := ti.Styles()
	s.Focused.Text = f.st.Header
	ti.SetStyles(s)
	fld := &formField{name: name, label: label, kind: fieldText, text: ti}
	fld.SetValue(value)
	fld.orig = value
	f.fields = append(f.fields, fld)
	return fld
}

func (f *form) addArea(name, label, value string) *formField {
	ta := textarea.New()
	ta.Prompt = ""
	ta.ShowLineNumbers = false
	ta.KeyMap.InsertNewline = formKeys.Newline
	ta.KeyMap.Paste.SetEnabled(false) // as in newTextInput: terminals paste with a bracketed paste
	s := textarea.DefaultDarkStyles()
	s.Cursor.Blink = false
	s.Focused.CursorLine = lipgloss.NewStyle()
	s.Focused.Text = f.st.Header
	s.Focused.EndOfBuffer, s.Blurred.EndOfBuffer = lipgloss.NewStyle(), lipgloss.NewStyle()
	ta.SetStyles(s)
	ta.SetHeight(3)
	fld := &formField{name: name, label: label, kind: fieldArea, area: ta}
	fld.SetValue(value)
	fld.orig = value
	f.fields = append(f.fields, fld)
	return fld
}

func (f *form) addChoice(name, label string, choices []string, value string) *formField {
	fld := &formField{name: name, label: label, kind: fieldChoice, choices: choices}
	fld.SetValue(value)
	fld.orig = fld.Value()
	f.fields = append(f.fields, fld)
	return fld
}

// Field finds a field by name; nil when there is none.
func (f *form) Field(name string) *formField {
	for _, fld := range f.fields {
		if fld.name == name {
			return fld
		}
	}
	return nil
}

func (f *form) Value(name string) string {
	if fld := f.Field(name); fld != nil {
		return fld.Value()
	}
	return ""
}

// start focuses the first field.
func (f *form) start() *form {
	f.setFocus(0)
	return f
}

func (f *form) setFocus(i int) {
	n := len(f.fields)
	f.focus = ((i % n) + n) % n
	for j, fld := range f.fields {
		switch fld.kind {
		case fieldText:
			if j == f.focus {
				fld.text.Focus()
			} else {
				fld.text.Blur()
			}
		case fieldArea:
			if j == f.focus {
				fld.area.Focus()
			} else {
				fld.area.Blur()
			}
		}
	}
}

// ClearErrors drops every error before a new attempt.
func (f *form) ClearErrors() {
	for _, fld := range f.fields {
		fld.err = ""
	}
	f.msg, f.note, f.conflict = "", "", false
	f.errFocused = false
}

// SetFieldError puts reason beside the named field, or on the message line
// when the form has no such field.
func (f *form) SetFieldError(name, reason string) {
	for i, fld := range f.fields {
		if fld.name != name {
			continue
		}
		fld.err = reason
		if !f.errFocused {
			f.errFocused = true
			f.setFocus(i)
		}
		return
	}
	f.msg = name + ": " + reason
}

// HasErrors reports whether any field carries an error.
func (f *form) HasErrors() bool {
	for _, fld := range f.fields {
		if fld.err != "" {
			return true
		}
	}
	return false
}

// Fail shows a failed save: field errors beside their field (aliases maps a
// domain field name to the form's), a conflict with its reload offer, and
// anything else on the message line. The input stays as typed.
func (f *form) Fail(err error, aliases map[string]string) {
	f.saving = false
	var fe *db.FieldError
	var ce *db.ConflictError
	switch {
	case errors.As(err, &fe):
		name := fe.Field
		if a, ok := aliases[name]; ok {
			name = a
		}
		// A reason can quote database text (a merchant id, a state).
		f.SetFieldError(name, SanitizeLine(fe.Reason))
	case errors.As(err, &ce):
		f.msg = SanitizeLine(ce.Error()) + " - reload?"
		f.conflict = true
	default:
		f.msg = "not saved: " + SanitizeLine(err.Error())
	}
}

// Update handles one key press and says what the owner should do.
func (f *form) Update(msg tea.KeyPressMsg) (formAction, tea.Cmd) {
	if f.discarding {
		f.discarding = false
		if key.Matches(msg, formDiscardYes) {
			return formCancel, nil
		}
		return formNone, nil // the key only answered the question
	}
	switch {
	case key.Matches(msg, formKeys.Cancel):
		if f.saving {
			return formNone, nil // the write is on its way; its answer decides
		}
		if f.changed() {
			f.discarding = true
			return formNone, nil
		}
		return formCancel, nil
	case key.Matches(msg, formKeys.Save):
		if f.saving {
			return formNone, nil
		}
		return formSave, nil
	case key.Matches(msg, formKeys.Reload) && f.reload:
		return formReload, nil
	case msg.String() == "tab" || msg.String() == "shift+tab":
		d := 1
		if msg.String() == "shift+tab" {
			d = -1
		}
		f.setFocus(f.focus + d)
		return formNone, nil
	}
	fld := f.fields[f.focus]
	// up/down move between fields, except inside a multi-line body.
	if fld.kind != fieldArea && (msg.String() == "up" || msg.String() == "down") {
		d := 1
		if msg.String() == "up" {
			d = -1
		}
		f.setFocus(f.focus + d)
		return formNone, nil
	}
	var cmd tea.Cmd
	switch fld.kind {
	case fieldChoice:
		n, was := len(fld.choices), fld.choice
		switch msg.String() {
		case "left", "h":
			fld.choice = (fld.choice + n - 1) % n
		case "right", "l", "space":
			fld.choice = (fld.choice + 1) % n
		default:
			// A letter picks the next choice starting with it ("b" blocked).
			if t := strings.ToLower(msg.Text); t != "" {
				for i := 1; i <= n; i++ {
					c := (fld.choice + i) % n
					if strings.HasPrefix(fld.choices[c], t) {
						fld.choice = c
						break
					}
				}
			}
		}
		if fld.choice != was {
			fld.err = ""
			if f.onChange != nil {
				f.onChange(f, fld.name)
			}
		}
	case fieldArea:
		fld.area, cmd = fld.area.Update(msg)
	default:
		before := fld.text.Value()
		fld.text, cmd = fld.text.Update(msg)
		if fld.text.Value() != before {
			fld.err = "" // the user is fixing it
		}
	}
	return formNone, cmd
}

// Paste types a bracketed paste into the focused text field; a choice
// field takes none.
func (f *form) Paste(msg tea.PasteMsg) tea.Cmd {
	if f.discarding || f.saving {
		return nil
	}
	fld := f.fields[f.focus]
	var cmd tea.Cmd
	switch fld.kind {
	case fieldArea:
		fld.area, cmd = fld.area.Update(msg)
	case fieldText:
		before := fld.text.Value()
		fld.text, cmd = fld.text.Update(msg)
		if fld.text.Value() != before {
			fld.err = "" // the user is fixing it
		}
	}
	return cmd
}

// formLabelW is the label column; inputs get the rest of the width.
const formLabelW = 14

// SetWidth sizes the inputs for a form w cells wide; the view calls it
// when the form opens and when the terminal is resized, so Render only
// draws.
func (f *form) SetWidth(w int) {
	inputW := formInputW(w)
	for _, fld := range f.fields {
		switch fld.kind {
		case fieldArea:
			fld.area.SetWidth(inputW)
		case fieldText:
			fld.text.SetWidth(inputW - 1)
			// The window over a long value follows the cursor only once
			// the width is known: set it again, so the first key pressed
			// does not scroll the text.
			fld.text.SetCursor(fld.text.Position())
		}
	}
}

func formInputW(w int) int { return max(w-formLabelW-4, 10) }

// Render draws the form in w x h cells (lines are not padded to h).
func (f *form) Render(w, h int) []string {
	st := f.st
	inputW := formInputW(w)
	lines := []string{fit(" "+st.Section.Render(f.title), w)}
	if f.context != "" {
		lines = append(lines, fit(" "+st.Muted.Render(f.context), w))
	}
	lines = append(lines, "")
	for i, fld := range f.fields {
		mark := "  "
		label := st.Muted.Render(fit(fld.label, formLabelW))
		if i == f.focus {
			mark = st.Section.Render("> ")
			label = st.Bold.Render(fit(fld.label, formLabelW))
		}
		var in []string
		switch fld.kind {
		case fieldChoice:
			in = []string{f.choiceLine(fld, inputW)}
		case fieldArea:
			in = strings.Split(fld.area.View(), "\n")
		default:
			in = []string{fld.text.View()}
		}
		for j, l := range in {
			if j == 0 {
				lines = append(lines, fit(mark+label+"  "+l, w))
			} else {
				lines = append(lines, fit(strings.Repeat(" ", formLabelW+4)+l, w))
			}
		}
		if fld.err != "" {
			for j, l := range wrapText(fld.err, inputW-2, 2) {
				mark := "! "
				if j > 0 {
					mark = "  "
				}
				lines = append(lines, fit(strings.Repeat(" ", formLabelW+4)+st.Bad.Render(mark+l), w))
			}
		}
	}
	lines = append(lines, "")
	switch {
	case f.discarding:
		lines = append(lines, fit(" "+st.Warn.Render("Discard what you typed? y discards · any other key goes back to the form"), w))
	case f.saving:
		lines = append(lines, fit(" "+st.Muted.Render("saving…"), w))
	case f.msg != "":
		for _, l := range wrapText(f.msg, w-3, 2) {
			lines = append(lines, fit(" "+st.Bad.Render("! "+l), w))
		}
		if f.conflict {
			lines = append(lines, fit(" "+st.Warn.Render("ctrl+r reloads the current values and keeps what you typed; esc cancels"), w))
		}
	case f.note != "":
		lines = append(lines, fit(" "+st.Muted.Render(f.note), w))
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

// askReload is what ctrl+r does in an edit form: it says so and asks for
// the data again; the owner rebases the form on the next snapshot.
func (f *form) askReload() tea.Cmd {
	f.ClearErrors()
	f.note = "reloading…"
	return reloadCmd
}

// changed reports whether any field differs from the value it started with.
func (f *form) changed() bool {
	for _, fld := range f.fields {
		if fld.Value() != fld.orig {
			return true
		}
	}
	return false
}

// choiceLine shows every choice with the selected one bracketed; when they
// do not all fit in w cells, the line starts late enough to keep the
// selected one on screen.
func (f *form) choiceLine(fld *formField, w int) string {
	st := f.st
	labels := make([]string, len(fld.choices))
	word := fld.word
	if word == nil {
		word = statusLabel
	}
	for j, c := range fld.choices {
		labels[j] = word(c)
	}
	from := 0
	for {
		width := 0
		if from > 0 {
			width = 2 // the "… " that says some are off to the left
		}
		for j := from; j <= fld.choice; j++ {
			width += lipgloss.Width(labels[j]) + 2
		}
		if width <= w || from == fld.choice {
			break
		}
		from++
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString(st.Muted.Render(ellipsis + " "))
	}
	for j := from; j < len(labels); j++ {
		if j == fld.choice {
			b.WriteString(st.Selected.Render("[" + labels[j] + "]"))
		} else {
			b.WriteString(st.Muted.Render(" " + labels[j] + " "))
		}
	}
	return b.String()
}
