package approvals

import (
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

// Flags and arguments of `approvals approve`, parsed with no database.
func TestNewCmdApprove(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     DecideOptions
		wantAs   string
		wantCode int
		wantErr  string
	}{
		{name: "id", args: []string{"12"}, want: DecideOptions{ID: 12}},
		{name: "note and login", args: []string{"7", "--note", "checked the order", "--as", "xu"},
			want: DecideOptions{ID: 7, Note: "checked the order"}, wantAs: "xu"},
		{name: "not a number", args: []string{"twelve"}, wantCode: cmdutil.ExitInvalid, wantErr: `"twelve" is not an approval number`},
		{name: "zero", args: []string{"0"}, wantCode: cmdutil.ExitInvalid, wantErr: `"0" is not an approval number`},
		{name: "negative", args: []string{"--", "-3"}, wantCode: cmdutil.ExitInvalid, wantErr: `"-3" is not an approval number`},
		{name: "no id", args: nil, wantCode: cmdutil.ExitUsage, wantErr: "accepts 1 arg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &cmdutil.Factory{}
			var got *DecideOptions
			code, err := cmdutil.ParseOnly(f, NewCmdApprove(f, func(o *DecideOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if err == nil || code != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("exit %d, %v (run called: %v); want exit %d and %q", code, err, got != nil, tt.wantCode, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.want.ID || got.Note != tt.want.Note || f.As != tt.wantAs {
				t.Fatalf("options %+v, as %q; want %+v, as %q", *got, f.As, tt.want, tt.wantAs)
			}
		})
	}
}
