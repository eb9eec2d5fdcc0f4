package timeline

import (
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

// Flags and arguments of `timeline add`, parsed with no database.
func TestNewCmdAdd(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     AddOptions
		wantCode int
		wantErr  string
	}{
		{name: "defaults", args: []string{"--kind", "note", "Status page updated"},
			want: AddOptions{Kind: "note", Title: "Status page updated", At: "now"}},
		{name: "every flag", args: []string{"--kind", "comms", "--at", "2020-03-04 10:00", "T", "--body", "all good", "--planned"},
			want: AddOptions{Kind: "comms", Title: "T", At: "2020-03-04 10:00", Body: "all good", Planned: true}},
		{name: "no kind", args: []string{"x"}, wantCode: cmdutil.ExitUsage, wantErr: "--kind is required"},
		{name: "no title", args: []string{"--kind", "note"}, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
		{name: "two titles", args: []string{"--kind", "note", "a", "b"}, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
		{name: "unknown flag", args: []string{"--kind", "note", "--when", "now", "x"}, wantCode: cmdutil.ExitUsage, wantErr: "unknown flag: --when"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *AddOptions
			code, err := cmdutil.ParseOnly(f, NewCmdAdd(f, func(o *AddOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || code != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("exit %d, %v (run called: %v); want exit %d and %q", code, err, got != nil, tt.wantCode, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Factory = f
			if *got != tt.want {
				t.Fatalf("options %+v; want %+v", *got, tt.want)
			}
		})
	}
}
