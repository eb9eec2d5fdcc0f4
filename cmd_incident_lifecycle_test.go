package main

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"warroom/db/dbtest"
	"warroom/demo"
)

// loginName is the login a loginURL connects as.
func loginName(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.User.Username()
}

// The next incident run from scripts, as issue 12's "Done when" walks it:
// a viewer may not declare; an engineer declares a sev1 and hands command
// over; the new commander plans three milestones, promises an update in a
// minute (which then goes overdue), takes the plan to done, adds two
// action items and closes one, and resolves. `incidents --json` shows the
// durations, and the demo incident is as it was.
func TestIncidentLifecycleFromTheCLI(t *testing.T) {
	dbURL, conn := demoDB(t)
	viewer, eng, eng2 := loginURL(t, dbURL, "viewer"), loginURL(t, dbURL, "engineer"), loginURL(t, dbURL, "engineer")
	first, second := loginName(t, eng), loginName(t, eng2)
	demoRow := func() string {
		return dbtest.Get[string](t, conn, `SELECT row(i.status, i.severity, i.resolved_at, i.version, i.updated_at,
			(SELECT count(*) FROM timeline_entries WHERE incident_id = i.id),
			(SELECT count(*) FROM milestones WHERE incident_id = i.id),
			(SELECT count(*) FROM action_items a JOIN remediation_measures m ON m.id = a.measure_id WHERE m.incident_id = i.id),
			(SELECT string_agg(role || '=' || person, ',') FROM incident_roles WHERE incident_id = i.id))::text
			FROM incidents i WHERE slug = $1`, demo.Slug())
	}
	demoBefore := demoRow()
	incidents := func() int { return dbtest.Get[int](t, conn, `SELECT count(*) FROM incidents`) }
	n0 := incidents()

	run := func(who string, want int, args ...string) string {
		t.Helper()
		code, out, errs := cli(t, who, args...)
		if code != want {
			t.Fatalf("%v: exit %d (want %d)\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}

	// A viewer is refused by the database, and nothing is declared.
	out := run(viewer, exitError, "incident", "declare", "Checkout down", "--severity", "sev1")
	if !strings.Contains(out, "may not declare an incident: needs the commander or engineer role") {
		t.Fatalf("viewer declare: %s", out)
	}
	if n := incidents(); n != n0 {
		t.Fatalf("%d incidents after a refused declare, want %d", n, n0)
	}

	// Started half an hour ago on Shanghai's clock: read in --zone, not UTC
	// (UTC would put the start eight hours in the future, refused).
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().In(sh).Add(-30 * time.Minute).Format("2006-01-02 15:04")
	slug := strings.TrimSpace(run(eng, 0, "incident", "declare", "Checkout down", "--severity", "sev1",
		"--zone", "Asia/Shanghai", "--started-at", start))
	if !strings.HasPrefix(slug, "checkout-down-") || strings.Contains(slug, "\n") {
		t.Fatalf("declare printed %q, want the new slug", slug)
	}
	on := func(who string, want int, args ...string) string {
		t.Helper()
		return run(who, want, append([]string{"--incident", slug}, args...)...)
	}

	// Command handed over: recorded with both names; the first engineer
	// may no longer steer the incident.
	on(eng, 0, "incident", "role", "commander", second)
	if n := dbtest.Get[int](t, conn, `SELECT count(*) FROM timeline_entries e JOIN incidents i ON i.id = e.incident_id
		WHERE i.slug = $1 AND e.kind = 'role' AND e.title = $2`, slug, "Command handed from "+first+" to "+second); n != 1 {
		t.Fatalf("%d handoff entries naming %s and %s", n, first, second)
	}
	if out := on(eng, exitError, "incident", "status", "resolved"); !strings.Contains(out, "may not change the status") {
		t.Fatalf("former commander resolving: %s", out)
	}

	// Three milestones; an edit against a stale version writes nothing.
	on(eng2, 0, "milestone", "add", "failover", "--title", "Fail over payments", "--owner", second)
	on(eng2, 0, "milestone", "add", "replay", "--title", "Replay queued orders", "--owner", second,
		"--planned-start", start, "--planned-end", time.Now().In(sh).Add(time.Hour).Format("2006-01-02 15:04"))
	on(eng2, 0, "milestone", "add", "verify", "--title", "Verify checkout", "--owner", first)
	if out := on(eng2, exitConflict, "milestone", "edit", "verify", "--title", "Stale", "--version", "9"); !strings.Contains(out, "milestone verify") {
		t.Fatalf("stale edit: %s", out)
	}
	on(eng2, 0, "milestone", "edit", "verify", "--title", "Verify checkout end to end")
	if got := dbtest.Get[string](t, conn, `SELECT string_agg(m.key || ':' || m.title, ',' ORDER BY m.position)
		FROM milestones m JOIN incidents i ON i.id = m.incident_id WHERE i.slug = $1`, slug); got !=
		"failover:Fail over payments,replay:Replay queued orders,verify:Verify checkout end to end" {
		t.Fatalf("milestones: %s", got)
	}

	// An update promising the next in a minute; once that minute is past
	// (moved back here rather than waited for), `updates` says overdue.
	on(eng2, 0, "update", "post", "--audience", "internal", "Payments failing over; next update in a minute", "--next-in", "1m")
	var ups struct {
		NextDueAt      *time.Time `json:"next_due_at"`
		Overdue        bool       `json:"overdue"`
		OverdueMinutes int        `json:"overdue_minutes"`
		Label          string     `json:"label"`
		Updates        []struct {
			Audience string `json:"audience"`
			Title    string `json:"title"`
		} `json:"updates"`
	}
	readUpdates := func() {
		t.Helper()
		if err := json.Unmarshal([]byte(on(eng2, 0, "updates", "--json")), &ups); err != nil {
			t.Fatal(err)
		}
	}
	readUpdates()
	if ups.NextDueAt == nil || time.Until(*ups.NextDueAt) > time.Minute || ups.Overdue || ups.Label != "next update in 1m" ||
		len(ups.Updates) != 1 || ups.Updates[0].Audience != "internal" {
		t.Fatalf("updates after posting: %+v", ups)
	}
	if _, err := conn.Exec(`UPDATE timeline_entries SET actual_start = actual_start - interval '4 minutes 10 seconds',
		next_update_at = next_update_at - interval '4 minutes 10 seconds'
		WHERE kind = 'update' AND incident_id = (SELECT id FROM incidents WHERE slug = $1)`, slug); err != nil {
		t.Fatal(err)
	}
	readUpdates()
	if !ups.Overdue || ups.OverdueMinutes != 3 || ups.Label != "update overdue 4m" {
		t.Fatalf("updates once the promise passed: %+v", ups)
	}

	for _, k := range []string{"failover", "replay", "verify"} {
		on(eng2, 0, "milestone", "set", k, "--status", "done")
	}

	// Two action items, one closed.
	on(eng2, 0, "action", "add", "--title", "Alert on payment error rate", "--owner", first, "--due", "2020-01-01")
	on(eng2, 0, "action", "add", "--title", "Runbook for failover", "--owner", second)
	var acts struct {
		Counts struct{ Open, Overdue, Done int } `json:"counts"`
		Items  []struct {
			ID      int64  `json:"id"`
			Title   string `json:"title"`
			Overdue bool   `json:"overdue"`
			Version int    `json:"version"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(on(eng2, 0, "actions", "--json")), &acts); err != nil {
		t.Fatal(err)
	}
	if len(acts.Items) != 2 || acts.Counts.Open != 2 || acts.Counts.Overdue != 1 || !acts.Items[0].Overdue {
		t.Fatalf("actions: %+v", acts)
	}
	runbook := acts.Items[1]
	on(eng2, exitConflict, "action", "set", strconv.FormatInt(runbook.ID, 10), "--status", "done", "--version", strconv.FormatInt(int64(runbook.Version+1), 10))
	on(eng2, 0, "action", "set", strconv.FormatInt(runbook.ID, 10), "--status", "done")
	if err := json.Unmarshal([]byte(on(eng2, 0, "actions", "--json")), &acts); err != nil {
		t.Fatal(err)
	}
	if acts.Counts.Open != 1 || acts.Counts.Done != 1 || acts.Counts.Overdue != 1 {
		t.Fatalf("actions after closing one: %+v", acts.Counts)
	}

	on(eng2, 0, "incident", "status", "resolved", "--note", "checkout back for every shop")

	var list []struct {
		Slug                        string     `json:"slug"`
		Severity                    string     `json:"severity"`
		Status                      string     `json:"status"`
		Commander                   string     `json:"commander"`
		StartedAt                   time.Time  `json:"started_at"`
		ResolvedAt                  *time.Time `json:"resolved_at"`
		MinutesToResolve            *int       `json:"minutes_to_resolve"`
		MinutesToFirstMilestoneDone *int       `json:"minutes_to_first_milestone_done"`
	}
	if err := json.Unmarshal([]byte(run(viewer, 0, "incidents", "--json")), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != n0+1 || list[0].Slug != slug {
		t.Fatalf("incidents: %+v", list)
	}
	got := list[0]
	// Started on the minute 30-31 minutes before the declare; the whole
	// minutes to resolve are the floor of resolved - started (a slow run
	// may cross another minute), and the first milestone was done between.
	if got.Severity != "sev1" || got.Status != "resolved" || got.Commander != second || got.ResolvedAt == nil ||
		got.MinutesToResolve == nil || got.MinutesToFirstMilestoneDone == nil {
		t.Fatalf("declared incident: %+v", got)
	}
	if want := int(got.ResolvedAt.Sub(got.StartedAt) / time.Minute); *got.MinutesToResolve != want || want < 30 {
		t.Fatalf("minutes_to_resolve %d, want %d (started %v, resolved %v)", *got.MinutesToResolve, want, got.StartedAt, got.ResolvedAt)
	}
	if m := *got.MinutesToFirstMilestoneDone; m < 30 || m > *got.MinutesToResolve {
		t.Fatalf("minutes_to_first_milestone_done %d, want 30..%d", m, *got.MinutesToResolve)
	}
	if after := demoRow(); after != demoBefore {
		t.Fatalf("the demo incident changed:\nbefore %s\nafter  %s", demoBefore, after)
	}
}
