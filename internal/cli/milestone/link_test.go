package milestone

import (
	"slices"
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

func TestNewCmdLink(t *testing.T) {
	f := &cmdutil.Factory{}
	var got *LinkOptions
	run := func(o *LinkOptions) error { got = o; return nil }
	if _, err := cmdutil.ParseOnly(f, NewCmdLink(f, run), "merge", "--domain", "orders", "--domain", "products"); err != nil {
		t.Fatal(err)
	}
	if got.Key != "merge" || !slices.Equal(got.Domains, []string{"orders", "products"}) || got.None {
		t.Fatalf("options %+v", got)
	}
	got = nil
	if _, err := cmdutil.ParseOnly(f, NewCmdLink(f, run), "merge", "--none"); err != nil || got == nil || !got.None {
		t.Fatalf("--none: %v %+v", err, got)
	}
	for _, args := range [][]string{{"merge"}, {"merge", "--none", "--domain", "orders"}} {
		got = nil
		code, err := cmdutil.ParseOnly(f, NewCmdLink(f, run), args...)
		if err == nil || code != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--domain at least once, or --none") || got != nil {
			t.Fatalf("%v: exit %d, %v", args, code, err)
		}
	}
}
