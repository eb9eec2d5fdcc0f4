package actions

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdActions(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdActions, func(o *Options, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[Options]{
		{Name: "table", Args: nil, Want: Options{}},
		{Name: "json", Args: []string{"--json"}, Want: Options{JSON: true}},
		{Name: "an argument", Args: []string{"7"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}
