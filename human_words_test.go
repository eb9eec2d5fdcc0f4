package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"warroom/db/dbtest"
	"warroom/demo"
	"warroom/glossary/glossarytest"
)

// Every plan, status, role, audience and operation the CLI prints for a
// person comes from the glossary, never in its machine spelling; counts
// carry separators; times name their zone.
func TestCLIHumanOutputSpeaksTheGlossary(t *testing.T) {
	url, conn := demoDB(t)
	raw, words := glossarytest.Mark(t, conn)
	run := func(args ...string) string {
		t.Helper()
		code, out, errs := cli(t, url, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, out, errs)
		}
		if m := raw.FindString(out); m != "" {
			t.Errorf("%v prints the machine spelling %q:\n%s", args, m, out)
		}
		for _, w := range words {
			if strings.Contains(out, w) {
				t.Errorf("%v prints %q not taken from the glossary:\n%s", args, w, out)
			}
		}
		return out
	}
	has := func(out string, args []string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%v lacks %q:\n%s", args, w, out)
			}
		}
	}
	// The demo has no in-progress milestone nor a won't-do item: make them.
	out := run("milestone", "set", "core-env", "--status", "in progress", "--progress", "60", "--note", "reopened") // the word reads back as the value
	has(out, []string{"milestone set"}, "core-env: IN PROGRESS 60%")
	out = run("action", "set", "3", "--status", "won't do", "--reason", "superseded")
	has(out, []string{"action set"}, "action item 3: WON'T DO")
	entry := dbtest.Get[int64](t, conn, `SELECT min(id) FROM timeline_entries`)
	inc := dbtest.Get[int64](t, conn, `SELECT id FROM incidents WHERE slug = $1`, demo.Slug())
	eng := loginURL(t, url, "engineer") // another person: nobody approves their own request
	if code, o, e := cli(t, eng, "approvals", "request", "void_entry", "--payload", `{"entry_id": `+strconv.FormatInt(entry, 10)+`}`,
		"--reason", "duplicate", "--incident="+demo.Slug()); code != 0 {
		t.Fatalf("request: exit %d %s%s", code, o, e)
	}
	inKind := dbtest.Get[string](t, conn, `SELECT m.merchant_id FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.incident_id = $1 AND c.plan = 'traffic' ORDER BY m.merchant_id LIMIT 1`, inc)

	for _, c := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"actions"}, []string{"IN PROGRESS OVERDUE", "WON'T DO", "1 WON'T DO"}},
		{[]string{"milestones"}, []string{"IN PROGRESS", "2020-02-28 20:00 CST"}},
		{[]string{"claims"}, []string{"IN KIND", "1,421", "+ IN KIND "}},
		{[]string{"fund"}, []string{"times in Asia/Shanghai (CST)", "IN KIND plan", "150,000,000.00"}},
		{[]string{"incidents"}, []string{"2020-03-03 09:00 CST", "8d 14h"}},
		{[]string{"timeline"}, []string{"times in Asia/Shanghai (CST)"}},
		{[]string{"updates"}, []string{"times in Asia/Shanghai (CST)"}},
		{[]string{"approvals", "list"}, []string{"VOID ENTRY", "pending"}},
		{[]string{"approvals", "list", "--all"}, []string{"VOID ENTRY", "payout", "approved"}},
		{[]string{"merchant", "show", inKind}, []string{"plan            IN KIND"}},
		{[]string{"merchant", "show", "M000001"}, []string{"plan            not chosen"}},
		{[]string{"margins"}, []string{" CST "}},
		{[]string{"user", "whoami"}, []string{": commander, engineer, finance, viewer"}},
		{[]string{"user", "list"}, []string{"engineer", " CST"}},
	} {
		has(run(c.args...), c.args, c.wants...)
	}
	// Counts in the claims table carry separators: no run of four digits.
	if m := regexp.MustCompile(`\d{4}`).FindString(run("claims")); m != "" {
		t.Errorf("claims prints %q without separators", m)
	}

	// Writes say what they did in words, too.
	id := dbtest.Get[int64](t, conn, `SELECT max(id) FROM approvals WHERE op = 'void_entry'`)
	out = run("approvals", "approve", strconv.FormatInt(id, 10))
	has(out, []string{"approvals approve"}, "(VOID ENTRY): timeline entry "+strconv.FormatInt(entry, 10)+" voided")
	out = run("incident", "role", "comms-lead", "Zhang Wei")
	has(out, []string{"incident role"}, "Zhang Wei is COMMS LEAD")
	run("incident", "status", "monitoring", "--note", "errors again")
	run("incident", "status", "identified")
	// The entries the database wrote for these take the same words.
	out = run("timeline")
	has(out, []string{"timeline"}, "Zhang Wei is COMMS LEAD", "Status: monitoring → identified")
	if strings.Contains(out, "->") {
		t.Errorf("timeline writes an arrow of its own:\n%s", out)
	}
	// So do the database's refusals.
	viewer := loginURL(t, url, "viewer")
	code, _, errs := cli(t, viewer, "approvals", "request", "void_entry", "--payload", `{"entry_id": 1}`, "--reason", "x", "--incident="+demo.Slug())
	if code == 0 || !strings.Contains(errs, "may not request VOID ENTRY: needs the commander or engineer role") || raw.MatchString(errs) {
		t.Errorf("a viewer's request: exit %d %q", code, errs)
	}
	// A value typed wrong is answered with the words to type.
	for _, c := range []struct{ args []string }{
		{[]string{"milestone", "set", "core-env", "--status", "finished"}},
		{[]string{"action", "set", "3", "--status", "nope"}},
	} {
		code, _, errs := cli(t, url, c.args...)
		if code == 0 || !strings.Contains(errs, "IN PROGRESS") || raw.MatchString(errs) {
			t.Errorf("%v: exit %d %q", c.args, code, errs)
		}
	}
	out = run("claims", "compute")
	has(out, []string{"claims compute"}, "claims written")
}

// A flag value that does not parse names the flag and what it wants, not
// strconv's words.
func TestBadFlagValueNamesTheFlag(t *testing.T) {
	url, _ := demoDB(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"milestone", "set", "core-env", "--progress", "abc"}, `--progress: "abc" is not a whole number`},
		{[]string{"update", "post", "x", "--audience", "internal", "--next-in", "soon"}, `--next-in: "soon" is not a duration such as 90m or 2h`},
	} {
		code, _, errs := cli(t, url, c.args...)
		if code != exitUsage || !strings.Contains(errs, c.want) || strings.Contains(errs, "strconv") {
			t.Errorf("%v: exit %d %q; want exit %d and %q", c.args, code, errs, exitUsage, c.want)
		}
	}
}
