package main

import (
	"strings"
	"testing"
)

// user list shows times in the incident's zone, named, like every other
// command (it printed UTC, unnamed).
func TestUserListNamesItsZone(t *testing.T) {
	url, _ := demoDB(t)
	loginURL(t, url, "engineer")
	code, out, errs := cli(t, url, "user", "list")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 2 || !strings.HasSuffix(strings.TrimSpace(lines[1]), " CST") {
		t.Fatalf("want times in the demo incident's zone (CST):\n%s", out)
	}
}
