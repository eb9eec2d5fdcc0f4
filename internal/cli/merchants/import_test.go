package merchants

import (
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

// Flags and arguments of `merchants import`, parsed with no database (the
// file is opened by the run, not the parse).
func TestNewCmdImport(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     ImportOptions
		wantDB   string
		wantInc  string
		wantCode int
		wantErr  string
	}{
		{name: "file", args: []string{"m.csv"}, want: ImportOptions{File: "m.csv"}},
		{name: "json, database and incident", args: []string{"--json", "m.csv", "--db", "postgres:///x", "--incident", "e"},
			want: ImportOptions{File: "m.csv", JSON: true}, wantDB: "postgres:///x", wantInc: "e"},
		{name: "no file", args: nil, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
		{name: "two files", args: []string{"a.csv", "b.csv"}, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
		{name: "unknown flag", args: []string{"--dry-run", "m.csv"}, wantCode: cmdutil.ExitUsage, wantErr: "unknown flag: --dry-run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *ImportOptions
			code, err := cmdutil.ParseOnly(f, NewCmdImport(f, func(o *ImportOptions) error { got = o; return nil }), tt.args...)
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
			if *got != tt.want || f.DB != tt.wantDB || f.Incident != tt.wantInc {
				t.Fatalf("options %+v, db %q, incident %q; want %+v, %q, %q", *got, f.DB, f.Incident, tt.want, tt.wantDB, tt.wantInc)
			}
		})
	}
}
