package root

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"warroom/internal/cli/cmdutil"
)

func TestUnknownCommandSuggestsTheNearest(t *testing.T) {
	var out, errs bytes.Buffer
	f := &cmdutil.Factory{Out: &out, ErrOut: &errs}
	code := Execute(context.Background(), f, []string{"incidnets"})
	if code != cmdutil.ExitUsage || !strings.Contains(errs.String(), "did you mean incidents?") {
		t.Fatalf("exit %d, %q", code, errs.String())
	}
}

func TestVersionFlag(t *testing.T) {
	var out, errs bytes.Buffer
	f := &cmdutil.Factory{Out: &out, ErrOut: &errs}
	if code := Execute(context.Background(), f, []string{"--version"}); code != 0 || !strings.HasPrefix(out.String(), "warroom version ") {
		t.Fatalf("exit %d, %q %q", code, out.String(), errs.String())
	}
}

// A required flag left out is a usage error (exit 2), as an unknown flag
// is: cobra checks it after parsing and returns a plain error.
func TestMissingRequiredFlagIsUsage(t *testing.T) {
	var out, errs bytes.Buffer
	f := &cmdutil.Factory{Out: &out, ErrOut: &errs}
	code := Execute(context.Background(), f, []string{"fund", "open", "--baseline-start", "2020-02-17 19:00",
		"--baseline-end", "2020-02-23 19:00", "--outage-start", "2020-02-23 19:00"})
	if code != cmdutil.ExitUsage || !strings.Contains(errs.String(), `required flag(s) "threshold" not set`) {
		t.Fatalf("exit %d, %q", code, errs.String())
	}
}
