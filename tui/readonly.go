package tui

import (
	"errors"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// A read-only console (Options.ReadOnly: a viewer's session, over SSH or
// in a terminal of their own) shows
// no key that writes, and the keys do nothing: the help bar and the ?
// screen leave them out, the root drops them before the view sees them,
// and a write that still reached the root is refused there. The database
// refuses a viewer's writes anyway; this keeps the console from offering
// them.

// writeKeys are the bindings of v that open a form or act on the database
// (a key such as enter writes in one view and only reads in another).
func writeKeys(v view) []key.Binding {
	switch v.(type) {
	case *timelineView:
		k := timelineKeys
		return []key.Binding{k.Add, k.Edit, k.Update, k.Role, k.Status, k.Severity}
	case *restoreView:
		return []key.Binding{restoreKeys.Edit, restoreKeys.Add, restoreKeys.MoveUp, restoreKeys.MoveDown, moveHelp}
	case *approvalsView:
		return []key.Binding{approvalsKeys.Approve, approvalsKeys.Reject, approvalsKeys.Yes}
	case *accountabilityView:
		k := accKeys
		return []key.Binding{k.Add, k.Edit, k.Close}
	case *fundView:
		k := fundFormKeys
		return []key.Binding{k.Receive, k.Pledge, k.Terms, k.Open}
	case *switcher:
		return []key.Binding{switcherKeys.Declare}
	}
	return nil
}

// errReadOnly is the answer to a write in a read-only console.
var errReadOnly = errors.New("not saved: this console is read-only (a viewer's session)")

// isWriteBinding reports whether b is one of v's writeKeys (same keys,
// same help).
func isWriteBinding(v view, b key.Binding) bool {
	for _, w := range writeKeys(v) {
		if w.Help() == b.Help() && slices.Equal(w.Keys(), b.Keys()) {
			return true
		}
	}
	return false
}

// isWriteKey reports whether a key press would act through a write binding.
func isWriteKey(v view, msg tea.KeyPressMsg) bool {
	return key.Matches(msg, writeKeys(v)...)
}

// withoutWrites drops the write bindings from a help row.
func withoutWrites(v view, bs []key.Binding) []key.Binding {
	out := bs[:0:0]
	for _, b := range bs {
		if !isWriteBinding(v, b) {
			out = append(out, b)
		}
	}
	return out
}
