package report

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdReport(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdReport, func(o *Options, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[Options]{
		{Name: "html to stdout by default", Args: nil, Want: Options{Format: "html"}},
		{Name: "markdown to a file", Args: []string{"--format", "md", "-o", "r.md"}, Want: Options{Format: "md", Output: "r.md"}},
		{Name: "long output flag", Args: []string{"--output", "r.html"}, Want: Options{Format: "html", Output: "r.html"}},
		{Name: "with an incident", Args: []string{"--incident", "x", "--format=html"}, Want: Options{Format: "html"}},
		{Name: "unknown format", Args: []string{"--format", "pdf"}, WantCode: cmdutil.ExitUsage, WantErr: `--format "pdf": html or md`},
		{Name: "an argument", Args: []string{"demo"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}
