package action

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdAdd(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdAdd, func(o *AddOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[AddOptions]{
		{Name: "title only", Args: []string{"--title", "Add a payments runbook"}, Want: AddOptions{Title: "Add a payments runbook"}},
		{Name: "every flag", Args: []string{"--title", "T", "--owner", "li", "--due", "2026-12-24", "--measure", "3"},
			Want: AddOptions{Title: "T", Owner: "li", Due: "2026-12-24", MeasureID: 3}},
		{Name: "no title", Args: []string{"--owner", "li"}, WantCode: cmdutil.ExitUsage, WantErr: "--title is required"},
		{Name: "negative measure", Args: []string{"--title", "T", "--measure", "-1"}, WantCode: cmdutil.ExitUsage, WantErr: "--measure -1"},
		{Name: "measure not a number", Args: []string{"--title", "T", "--measure", "ops"}, WantCode: cmdutil.ExitUsage, WantErr: `--measure: "ops" is not a whole number`},
		{Name: "title as argument", Args: []string{"T"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}
