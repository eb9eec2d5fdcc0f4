package main

import (
	"strings"
	"testing"
)

// Without a terminal the console says what to do instead of Bubble Tea's
// "error opening TTY".
func TestConsoleWithoutATerminalSaysSo(t *testing.T) {
	url, _ := demoDB(t)
	code, _, errs := cli(t, url) // the test's stdin and stdout are no terminal
	if code != exitUsage || !strings.Contains(errs, "the console needs a terminal") || strings.Contains(errs, "TTY") {
		t.Fatalf("exit %d, %q; want exit %d and the plain reason", code, errs, exitUsage)
	}
}
