// Package cmdtest holds what the commands' flag tests share: a table of
// command lines parsed with no database (only tests import it, so the
// testing package stays out of the binary).
package cmdtest

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// ParseCase is one command line for CheckParse. Want is compared with the
// options the command's runF receives, Factory aside; WantErr non-empty
// means the line is refused with WantCode and never reaches the run.
type ParseCase[O comparable] struct {
	Name     string
	Args     []string
	Want     O
	WantCode int
	WantErr  string
}

// CheckParse runs each case through build's command with no database.
// setFactory puts the test's Factory into a want, so options compare whole.
func CheckParse[O comparable](t *testing.T, build func(*cmdutil.Factory, func(*O) error) *cobra.Command,
	setFactory func(*O, *cmdutil.Factory), cases []ParseCase[O]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *O
			code, err := cmdutil.ParseOnly(f, build(f, func(o *O) error { got = o; return nil }), tt.Args...)
			if tt.WantErr != "" {
				if err == nil || code != tt.WantCode || !strings.Contains(err.Error(), tt.WantErr) || got != nil {
					t.Fatalf("exit %d, %v (run called: %v); want exit %d and %q", code, err, got != nil, tt.WantCode, tt.WantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			setFactory(&tt.Want, f)
			if *got != tt.Want {
				t.Fatalf("options %+v; want %+v", *got, tt.Want)
			}
		})
	}
}
