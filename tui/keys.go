package tui

import "charm.land/bubbles/v2/key"

// globalKeys work in every view unless the view is taking text (an open
// filter prompt), where only ctrl+c still quits.
var globalKeys = struct {
	Quit, ForceQuit, Help, Next, Prev, Reload key.Binding
	Tabs                                      [6]key.Binding
}{
	Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
	Next:      key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
	Prev:      key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
	Reload:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "reload")),
	Tabs: [6]key.Binding{
		key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "timeline")),
		key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "restore")),
		key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "accountability")),
		key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "fund")),
		key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "approvals")),
		key.NewBinding(key.WithKeys("6"), key.WithHelp("6", "audit")),
	},
}

// viewSwitchHelp stands for all the number keys in the help bar.
var viewSwitchHelp = key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6"), key.WithHelp("1-6", "views"))

// globalShortHelp puts ? first: when the footer is cut short, the key that
// explains all the others must survive.
func globalShortHelp() []key.Binding {
	return []key.Binding{globalKeys.Help, globalKeys.Quit, globalKeys.Next, viewSwitchHelp}
}

func globalFullHelp() [][]key.Binding {
	return [][]key.Binding{
		{globalKeys.Next, globalKeys.Prev},
		globalKeys.Tabs[:], // a column of their own: the ? screen keeps its height at 80x24
		{switcherKeys.Open, globalKeys.Reload, globalKeys.Help, globalKeys.Quit, globalKeys.ForceQuit},
	}
}
