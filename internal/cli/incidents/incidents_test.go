package incidents

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdIncidents(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdIncidents, func(o *Options, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[Options]{
		{Name: "table", Args: nil, Want: Options{}},
		{Name: "json", Args: []string{"--json"}, Want: Options{JSON: true}},
		{Name: "an argument", Args: []string{"demo"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}
