package updates

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdUpdates(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdUpdates, func(o *Options, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[Options]{
		{Name: "table", Args: nil, Want: Options{}},
		{Name: "json", Args: []string{"--json"}, Want: Options{JSON: true}},
		{Name: "an argument", Args: []string{"x"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}
