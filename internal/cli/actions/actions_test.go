package actions

import (
	"testing"

	"warroom/internal/cli/cmdutil"
)

func TestNewCmdActions(t *testing.T) {
	cmdutil.CheckParse(t, NewCmdActions, func(o *Options, f *cmdutil.Factory) { o.Factory = f }, []cmdutil.ParseCase[Options]{
		{Name: "table", Args: nil, Want: Options{}},
		{Name: "json", Args: []string{"--json"}, Want: Options{JSON: true}},
		{Name: "an argument", Args: []string{"7"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}
