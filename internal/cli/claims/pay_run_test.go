package claims

import (
	"strings"
	"testing"
	"time"

	"warroom/internal/cli/cmdutil"
)

// Flags and arguments of `claims pay-run`, parsed with no database.
func TestNewCmdPayRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     RunFlags
		wantAs   string
		wantCode int
		wantErr  string
	}{
		{name: "defaults", args: nil, want: RunFlags{}},
		{name: "all flags", args: []string{"--limit", "5", "--every", "200ms", "--json", "--as", "zhou"},
			want: RunFlags{Limit: 5, Every: 200 * time.Millisecond, JSON: true}, wantAs: "zhou"},
		{name: "negative limit", args: []string{"--limit", "-1"}, wantCode: cmdutil.ExitInvalid, wantErr: "--limit: -1"},
		{name: "negative pace", args: []string{"--every", "-1s"}, wantCode: cmdutil.ExitInvalid, wantErr: "--every: -1s is negative"},
		{name: "limit not a number", args: []string{"--limit", "ten"}, wantCode: cmdutil.ExitUsage, wantErr: `--limit: "ten" is not a whole number`},
		{name: "no arguments", args: []string{"M1"}, wantCode: cmdutil.ExitUsage, wantErr: "unknown command"},
		{name: "no --key on a run", args: []string{"--key", "k"}, wantCode: cmdutil.ExitUsage, wantErr: "unknown flag: --key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *PayRunOptions
			code, err := cmdutil.ParseOnly(f, NewCmdPayRun(f, func(o *PayRunOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || code != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("exit %d, %v; want exit %d and %q", code, err, tt.wantCode, tt.wantErr)
				}
				if got != nil {
					t.Fatalf("the run was called with %+v", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || got.RunFlags != tt.want || got.Factory.As != tt.wantAs {
				t.Fatalf("options %+v (as %q); want %+v (as %q)", got, f.As, tt.want, tt.wantAs)
			}
		})
	}
}
