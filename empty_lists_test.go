package main

import (
	"strings"
	"testing"
)

// A list with nothing in it says so and how to add the first, never a bare
// header (issue 13: "an empty approvals list prints only a header").
func TestEmptyListsSaySo(t *testing.T) {
	url, _ := demoDB(t)
	code, out, errs := cli(t, url, "incident", "declare", "Checkout down", "--severity", "sev3")
	if code != 0 {
		t.Fatalf("declare: exit %d %s%s", code, out, errs)
	}
	slug := strings.TrimSpace(out)
	for _, c := range []struct {
		cmd, want, header string
	}{
		{"milestones", "No milestones yet: add one with `warroom milestone add", "KEY  STATUS"},
		{"actions", "No action items yet: add one with `warroom action add", "ID  STATUS"},
		{"updates", "No stakeholder updates yet: post one with `warroom update post", "WHEN  AUDIENCE"},
		{"margins", "No margin rates yet: set one with `warroom margins set", "INDUSTRY  RATE"},
	} {
		code, out, errs := cli(t, url, c.cmd, "--incident="+slug)
		if code != 0 || !strings.Contains(out, c.want) || strings.Contains(out, c.header) {
			t.Errorf("%s of an empty incident: exit %d %q %q; want %q and no header", c.cmd, code, out, errs, c.want)
		}
	}
}
