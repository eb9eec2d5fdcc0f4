package restore

import (
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

// Flags and arguments, parsed with no database.
func TestNewCmdMissing(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     MissingOptions
		wantCode int
		wantErr  string
	}{
		{name: "domain", args: []string{"--domain", "orders"}, want: MissingOptions{Domain: "orders", Limit: 50}},
		{name: "limit and json", args: []string{"--domain", "orders", "--limit", "5", "--json"}, want: MissingOptions{Domain: "orders", Limit: 5, JSON: true}},
		{name: "no domain", args: nil, wantCode: cmdutil.ExitUsage, wantErr: "--domain: name the data domain"},
		{name: "limit 0", args: []string{"--domain", "orders", "--limit", "0"}, wantCode: cmdutil.ExitUsage, wantErr: "--limit 0: want 1 or more"},
		{name: "argument", args: []string{"orders"}, wantCode: cmdutil.ExitUsage, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *MissingOptions
			code, err := cmdutil.ParseOnly(f, NewCmdMissing(f, func(o *MissingOptions) error { got = o; return nil }), tt.args...)
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
				t.Fatalf("options %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestNewCmdStatusAndImport(t *testing.T) {
	f := &cmdutil.Factory{}
	var st *StatusOptions
	if _, err := cmdutil.ParseOnly(f, NewCmdStatus(f, func(o *StatusOptions) error { st = o; return nil }), "--json"); err != nil || !st.JSON {
		t.Fatalf("status --json: %v %+v", err, st)
	}
	var imp *ImportOptions
	if _, err := cmdutil.ParseOnly(f, NewCmdImport(f, func(o *ImportOptions) error { imp = o; return nil }), "c.csv"); err != nil || imp.File != "c.csv" {
		t.Fatalf("import c.csv: %v %+v", err, imp)
	}
	if code, err := cmdutil.ParseOnly(f, NewCmdImport(f, nil)); err == nil || code != cmdutil.ExitUsage {
		t.Fatalf("import without a file: exit %d, %v", code, err)
	}
}
