package action

import (
	"testing"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

// setView flattens SetOptions so cases compare by value: "<nil>" is a
// flag not given (unchanged), which differs from an empty one.
type setView struct {
	ID                           int64
	Version                      int
	Status, Reason, Title, Owner string
	Due                          string
	ClearDue                     bool
}

func TestNewCmdSet(t *testing.T) {
	s := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	build := func(f *cmdutil.Factory, runF func(*setView) error) *cobra.Command {
		return NewCmdSet(f, func(o *SetOptions) error {
			v := setView{ID: o.ID, Version: o.Version, Status: s(o.Status), Reason: o.Reason, Title: s(o.Title),
				Owner: s(o.Owner), Due: o.Due, ClearDue: o.ClearDue}
			return runF(&v)
		})
	}
	none := setView{Status: "<nil>", Title: "<nil>", Owner: "<nil>"}
	with := func(change func(*setView)) setView { v := none; change(&v); return v }
	cmdtest.CheckParse(t, build, func(*setView, *cmdutil.Factory) {}, []cmdtest.ParseCase[setView]{
		{Name: "close", Args: []string{"12", "--status", "done"}, Want: with(func(v *setView) { v.ID, v.Status = 12, "done" })},
		{Name: "won't do with dash", Args: []string{"3", "--status", "wont-do", "--reason", "superseded"},
			Want: with(func(v *setView) { v.ID, v.Status, v.Reason = 3, "wont_do", "superseded" })},
		{Name: "reassign and move", Args: []string{"3", "--owner", "li", "--due", "2026-12-24", "--version", "2"},
			Want: with(func(v *setView) { v.ID, v.Owner, v.Due, v.Version = 3, "li", "2026-12-24", 2 })},
		{Name: "clear due", Args: []string{"3", "--clear-due"}, Want: with(func(v *setView) { v.ID, v.ClearDue = 3, true })},
		{Name: "empty title is given", Args: []string{"3", "--title", ""}, Want: with(func(v *setView) { v.ID, v.Title = 3, "" })},
		{Name: "nothing to change", Args: []string{"3"}, WantCode: cmdutil.ExitUsage, WantErr: "nothing to change"},
		{Name: "due and clear due", Args: []string{"3", "--due", "2026-12-24", "--clear-due"}, WantCode: cmdutil.ExitUsage, WantErr: "give one"},
		{Name: "id not a number", Args: []string{"abc", "--status", "done"}, WantCode: cmdutil.ExitUsage, WantErr: `action item id "abc"`},
		{Name: "id zero", Args: []string{"0", "--status", "done"}, WantCode: cmdutil.ExitUsage, WantErr: `action item id "0"`},
		{Name: "no id", Args: []string{"--status", "done"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
}
