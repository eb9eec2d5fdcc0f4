package milestone

import (
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

// Flags and arguments of `milestone set`, parsed with no database: a flag
// left out stays nil (unchanged), and "in-progress" reads as in_progress.
func TestNewCmdSet(t *testing.T) {
	type want struct {
		key, note, status string // status "" means not given
		progress          int    // -1 means not given
	}
	tests := []struct {
		name     string
		args     []string
		want     want
		wantCode int
		wantErr  string
	}{
		{name: "progress only", args: []string{"core-env", "--progress", "40"}, want: want{key: "core-env", progress: 40}},
		{name: "progress zero is given", args: []string{"core-env", "--progress", "0"}, want: want{key: "core-env", progress: 0}},
		{name: "status with dash", args: []string{"cutover", "--status", "in-progress", "--note", "redo"},
			want: want{key: "cutover", status: "in_progress", note: "redo", progress: -1}},
		{name: "nothing but the key", args: []string{"cutover"}, want: want{key: "cutover", progress: -1}},
		{name: "no key", args: nil, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
		{name: "two keys", args: []string{"a", "b"}, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
		{name: "progress not a number", args: []string{"a", "--progress", "ten"}, wantCode: cmdutil.ExitUsage, wantErr: `--progress: "ten" is not a whole number`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *SetOptions
			code, err := cmdutil.ParseOnly(f, NewCmdSet(f, func(o *SetOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || code != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("exit %d, %v (run called: %v); want exit %d and %q", code, err, got != nil, tt.wantCode, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := got.Change
			g := want{key: c.Key, note: c.Note, progress: -1}
			if c.Progress != nil {
				g.progress = *c.Progress
			}
			if c.Status != nil {
				g.status = *c.Status
			}
			if g != tt.want {
				t.Fatalf("change %+v; want %+v", g, tt.want)
			}
		})
	}
}
