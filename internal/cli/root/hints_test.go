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
