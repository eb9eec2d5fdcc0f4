package milestone

import (
	"testing"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

// editView flattens EditOptions so cases compare by value: "<nil>" is a
// flag not given (unchanged), which differs from an empty one.
type editView struct {
	Key, Title, Owner, Start, End string
	Version                       int
	Clear                         bool
}

func TestNewCmdEdit(t *testing.T) {
	view := func(o *EditOptions) editView {
		s := func(p *string) string {
			if p == nil {
				return "<nil>"
			}
			return *p
		}
		return editView{Key: o.Key, Title: s(o.Title), Owner: s(o.Owner), Start: o.PlannedStart, End: o.PlannedEnd,
			Version: o.Version, Clear: o.ClearPlanned}
	}
	build := func(f *cmdutil.Factory, runF func(*editView) error) *cobra.Command {
		return NewCmdEdit(f, func(o *EditOptions) error { v := view(o); return runF(&v) })
	}
	cmdtest.CheckParse(t, build, func(*editView, *cmdutil.Factory) {}, []cmdtest.ParseCase[editView]{
		{Name: "title only", Args: []string{"failover", "--title", "Fail over to site B"},
			Want: editView{Key: "failover", Title: "Fail over to site B", Owner: "<nil>"}},
		{Name: "empty owner is given", Args: []string{"k", "--owner", ""}, Want: editView{Key: "k", Title: "<nil>", Owner: ""}},
		{Name: "planned and version", Args: []string{"k", "--planned-start", "2026-12-06 22:00", "--planned-end", "2026-12-07", "--version", "3"},
			Want: editView{Key: "k", Title: "<nil>", Owner: "<nil>", Start: "2026-12-06 22:00", End: "2026-12-07", Version: 3}},
		{Name: "clear planned", Args: []string{"k", "--clear-planned"}, Want: editView{Key: "k", Title: "<nil>", Owner: "<nil>", Clear: true}},
		{Name: "clear with a time", Args: []string{"k", "--clear-planned", "--planned-end", "2026-12-07"},
			WantCode: cmdutil.ExitUsage, WantErr: "--clear-planned goes alone"},
		{Name: "negative version", Args: []string{"k", "--title", "T", "--version", "-2"}, WantCode: cmdutil.ExitUsage, WantErr: "--version -2"},
		{Name: "no key", Args: []string{"--title", "T"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
}
