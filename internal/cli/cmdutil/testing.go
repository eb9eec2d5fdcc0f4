package cmdutil

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// ParseOnly runs args on cmd mounted under a bare root (Mount) with no
// database and no output, and returns the exit code its error maps to:
// the command's runF, given in place of its run, receives the options.
func ParseOnly(f *Factory, cmd *cobra.Command, args ...string) (int, error) {
	root := Mount(f, cmd)
	root.SetArgs(append([]string{cmd.Name()}, args...))
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	err := root.ExecuteContext(context.Background())
	return ExitCode(err), err
}

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
func CheckParse[O comparable](t *testing.T, build func(*Factory, func(*O) error) *cobra.Command,
	setFactory func(*O, *Factory), cases []ParseCase[O]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			f := &Factory{}
			var got *O
			code, err := ParseOnly(f, build(f, func(o *O) error { got = o; return nil }), tt.Args...)
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
