package milestone

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdAdd(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdAdd, func(o *AddOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[AddOptions]{
		{Name: "title and owner", Args: []string{"failover", "--title", "Fail over to B", "--owner", "wang"},
			Want: AddOptions{Key: "failover", Title: "Fail over to B", Owner: "wang"}},
		{Name: "planned", Args: []string{"k", "--title", "T", "--owner", "o", "--planned-start", "2026-12-06 22:00", "--planned-end", "2026-12-06 23:30"},
			Want: AddOptions{Key: "k", Title: "T", Owner: "o", PlannedStart: "2026-12-06 22:00", PlannedEnd: "2026-12-06 23:30"}},
		{Name: "no title", Args: []string{"k", "--owner", "o"}, WantCode: cmdutil.ExitUsage, WantErr: "--title is required"},
		{Name: "no owner", Args: []string{"k", "--title", "T"}, WantCode: cmdutil.ExitUsage, WantErr: "--owner is required"},
		{Name: "no key", Args: []string{"--title", "T", "--owner", "o"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
}
