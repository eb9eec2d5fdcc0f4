package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"warroom/db/dbtest"
	"warroom/demo"
)

// TestIncidentInTwoConsoles walks issue 12's "Done when" in two real
// consoles (tmux, its own socket): A declares a sev1 "Checkout down" from
// the switcher, and it shows in B's open switcher with no key pressed; B
// goes to it and its Accountability view, and from then on presses
// nothing until the end. A hands command over, posts an update due again
// in a minute, adds two action items and closes one; a script adds three
// milestones and A a fourth from its Restore view; the script takes three
// to done and A the fourth; A resolves the incident with S. B's screen
// shows each step (milestones on its activity strip, the rest in its
// header and Accountability view), and the update goes overdue on it.
// Then B's Restore view has the four milestones done, `warroom incidents
// --json` has the durations, and the demo incident is untouched.
func TestIncidentInTwoConsoles(t *testing.T) {
	bin, _, tm := tmuxWithBinary(t, "builds the binary and waits for an update to go overdue")
	url, conn := demoDB(t)
	demoRow := func() string {
		return dbtest.Get[string](t, conn, `SELECT row(i.status, i.version, i.updated_at,
			(SELECT count(*) FROM timeline_entries WHERE incident_id = i.id),
			(SELECT count(*) FROM action_items a JOIN remediation_measures m ON m.id = a.measure_id WHERE m.incident_id = i.id),
			(SELECT count(*) FROM incident_roles WHERE incident_id = i.id))::text FROM incidents i WHERE slug = $1`, demo.Slug())
	}
	demoBefore := demoRow()
	// B is wide enough for its activity strip to show two changes.
	for w, width := range map[string]string{"a": "100", "b": "130"} {
		tm("new-session", "-d", "-s", w, "-x", width, "-y", "30", "-e", "DATABASE_URL="+url, "-e", "TERM=xterm-256color", bin)
	}

	screen := func(w string) string { return tm("capture-pane", "-p", "-t", pane(w)) }
	waitFor := func(w, what string, within time.Duration) string {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			s := screen(w)
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("console %s never showed %q:\n%s", w, what, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// Keys one at a time (tmux would otherwise read "Escape" followed by a
	// digit as alt+digit); text literally.
	press := func(w string, ks ...string) {
		for _, k := range ks {
			tm("send-keys", "-t", pane(w), k)
		}
	}
	typeIn := func(w, text string) { tm("send-keys", "-t", pane(w), "-l", text) }
	const wait = 15 * time.Second

	waitFor("a", "Baseline window opens", wait)
	waitFor("b", "Baseline window opens", wait)
	press("b", "I")
	waitFor("b", "enter switches", wait)

	// A declares from its switcher; the form starts on the title.
	press("a", "I")
	waitFor("a", "n declares a new one", wait)
	press("a", "n")
	waitFor("a", "Declare an incident", wait)
	typeIn("a", "Checkout down")
	press("a", "Tab", "Left", "Enter") // severity sev2 -> sev1, save
	waitFor("a", "SEV1 INVESTIGATING", wait)

	// B's open switcher lists it with no key pressed.
	s := waitFor("b", "Checkout down", wait)
	if !strings.Contains(s, "SEV1 investigating") {
		t.Fatalf("B's switcher:\n%s", s)
	}
	slug := dbtest.Get[string](t, conn, `SELECT slug FROM incidents WHERE title = 'Checkout down'`)
	press("b", "k", "Enter") // newest first: one up
	waitFor("b", "SEV1 INVESTIGATING", wait)
	press("b", "3")
	waitFor("b", "Action items  0 open", wait)

	// A hands command over to bob (the role form starts on commander).
	press("a", "R")
	waitFor("a", "Assign a role", wait)
	press("a", "Tab", "Tab")
	typeIn("a", "bob")
	press("a", "Enter")
	waitFor("b", "cmdr bob", wait)

	// A posts an update, the next due in a minute.
	press("a", "u")
	waitFor("a", "Post a stakeholder update", wait)
	press("a", "Tab")
	typeIn("a", "Card payments fail; failing over")
	press("a", "Tab", "C-u")
	typeIn("a", "1m")
	press("a", "Enter")
	posted := time.Now()
	waitFor("b", "next update in 1m", wait)

	// A adds two action items and closes the second.
	press("a", "3")
	waitFor("a", "Action items", wait)
	for _, title := range []string{"Alert on payment errors", "Drill the failover"} {
		press("a", "a")
		waitFor("a", "Add action item", wait)
		typeIn("a", title)
		press("a", "Tab")
		typeIn("a", "li")
		press("a", "Enter")
		waitFor("b", title, wait)
	}
	waitFor("b", "Action items  2 open · 0 overdue · 0 done", wait)
	press("a", "x") // the item just added is selected
	waitFor("b", "Action items  1 open · 0 overdue · 1 done", wait)

	// A script adds three milestones, A a fourth from its Restore view;
	// each shows on B's activity strip.
	run := func(args ...string) {
		t.Helper()
		if code, out, errs := cli(t, url, append(args, "--incident", slug)...); code != 0 {
			t.Fatalf("%v: exit %d %s%s", args, code, out, errs)
		}
	}
	scripted := []string{"card-gateway", "payments-db", "checkout-api"}
	for i, key := range scripted {
		run("milestone", "add", key, "--title", "Restore "+key, "--owner", []string{"li", "wang", "zhao"}[i])
		waitFor("b", "added milestone "+key, wait)
	}
	press("a", "2")
	waitFor("a", "Restore "+scripted[0], wait)
	press("a", "a")
	waitFor("a", "Add milestone", wait)
	typeIn("a", "smoke-test")
	press("a", "Tab")
	typeIn("a", "Smoke-test checkout")
	press("a", "Tab")
	typeIn("a", "bob")
	press("a", "Enter")
	waitFor("b", "added milestone smoke-test", wait)

	// The script takes its three to done, A the fourth (it is selected
	// after the add; d picks done, which sets 100%).
	for _, key := range scripted {
		run("milestone", "set", key, "--status", "done", "--progress", "100")
		waitFor("b", "updated milestone "+key+" v2", wait)
	}
	waitFor("a", "Smoke-test checkout", wait)
	press("a", "e")
	waitFor("a", "Update milestone smoke-test", wait)
	press("a", "Tab", "d", "Enter")
	waitFor("b", "updated milestone smoke-test v2", wait)

	// The update goes overdue on B.
	waitFor("b", "update overdue", time.Until(posted.Add(time.Minute))+wait)

	// A resolves it from its timeline with S (the choice starts on
	// identified; r picks resolved); both consoles say so.
	press("a", "1")
	waitFor("a", "a add • e edit", wait)
	press("a", "S")
	waitFor("a", "Change the incident's status", wait)
	press("a", "r", "Enter")
	waitFor("b", "SEV1 RESOLVED", wait)
	waitFor("a", "SEV1 RESOLVED", wait)

	// B's Restore view, opened only now, has all four done; the durations
	// are in `warroom incidents --json`.
	press("b", "2")
	waitFor("b", "4 done", wait)
	code, out, errs := cli(t, url, "incidents", "--json")
	if code != 0 {
		t.Fatalf("incidents --json: exit %d %s", code, errs)
	}
	var list []struct {
		Slug                    string `json:"slug"`
		Status                  string `json:"status"`
		MinutesToResolve        *int   `json:"minutes_to_resolve"`
		MinutesToFirstMilestone *int   `json:"minutes_to_first_milestone_done"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("incidents --json: %v\n%s", err, out)
	}
	found := false
	for _, inc := range list {
		if inc.Slug == slug {
			found = true
			if inc.Status != "resolved" || inc.MinutesToResolve == nil || inc.MinutesToFirstMilestone == nil {
				t.Fatalf("incidents --json for %s: %s", slug, out)
			}
		}
	}
	if !found {
		t.Fatalf("incidents --json lacks %s: %s", slug, out)
	}
	if after := demoRow(); after != demoBefore {
		t.Fatalf("the demo incident changed: %s -> %s", demoBefore, after)
	}
}
