package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
	"warroom/demo"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// cli runs one command line against url and returns exit code and output.
func cli(t *testing.T, url string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Setenv("DATABASE_URL", url)
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func demoDB(t *testing.T) (string, *sqlx.DB) {
	t.Helper()
	url := dbtest.NewURLFrom(t, "demo", func(conn *sqlx.DB) error {
		_, err := demo.Load(context.Background(), conn)
		return err
	})
	return url, dbtest.Open(t, url)
}

func TestFundJSON(t *testing.T) {
	url, _ := demoDB(t)
	code, out, errs := cli(t, url, "fund", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var f struct {
		Incident     string `json:"incident"`
		Currency     string `json:"currency"`
		PledgedFen   int64  `json:"pledged_fen"`
		ReceivedFen  int64  `json:"received_fen"`
		CommittedFen int64  `json:"committed_fen"`
		PaidFen      int64  `json:"paid_fen"`
		RemainingFen int64  `json:"remaining_fen"`
		Contributors []struct {
			Name       string `json:"name"`
			NativeName string `json:"native_name"`
			PledgedFen int64  `json:"pledged_fen"`
		} `json:"contributors"`
	}
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if f.PledgedFen != 15_000_000_000 || len(f.Contributors) != 5 || f.Currency != "CNY" || f.Incident != demo.Slug() {
		t.Fatalf("fund %+v", f)
	}
	var sum int64
	for _, c := range f.Contributors {
		sum += c.PledgedFen
	}
	if sum != f.PledgedFen {
		t.Fatalf("contributors sum to %d, fund says %d", sum, f.PledgedFen)
	}
	if f.RemainingFen != f.PledgedFen-f.CommittedFen-f.PaidFen || f.PaidFen == 0 || f.CommittedFen == 0 {
		t.Fatalf("remaining %d != %d - %d - %d", f.RemainingFen, f.PledgedFen, f.CommittedFen, f.PaidFen)
	}
	code, out, _ = cli(t, url, "fund")
	if code != 0 || !strings.Contains(out, "150,000,000.00") || !strings.Contains(out, "孙涛勇") {
		t.Fatalf("fund table (exit %d):\n%s", code, out)
	}
}

func TestMilestonesAndTimelineReads(t *testing.T) {
	url, _ := demoDB(t)
	code, out, errs := cli(t, url, "milestones", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var ms []map[string]any
	if err := json.Unmarshal([]byte(out), &ms); err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no milestones")
	}
	for _, k := range []string{"key", "title", "status", "progress", "owner", "updated_at"} {
		if _, ok := ms[0][k]; !ok {
			t.Errorf("milestone JSON lacks %q: %v", k, ms[0])
		}
	}
	code, out, _ = cli(t, url, "timeline")
	if code != 0 || !strings.Contains(out, "2020-03-03 09:00") || !strings.Contains(out, "outage") {
		t.Fatalf("timeline (exit %d):\n%s", code, out)
	}
	if code, _, errs := cli(t, url, "--incident", "nope", "fund"); code != exitNotFound || !strings.Contains(errs, "nope") {
		t.Fatalf("unknown incident: exit %d, %s", code, errs)
	}
}

func TestEmptyDatabaseSaysHowToLoadDemo(t *testing.T) {
	url := dbtest.NewURL(t)
	code, _, errs := cli(t, url, "fund")
	if code != exitNotFound || !strings.Contains(errs, "warroom demo load") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestWriteCommandsValidateAndWriteNothingOnError(t *testing.T) {
	url, conn := demoDB(t)
	count := func() (updates, entries int) {
		return dbtest.Get[int](t, conn, `SELECT count(*) FROM milestone_updates`),
			dbtest.Get[int](t, conn, `SELECT count(*) FROM timeline_entries`)
	}
	u0, e0 := count()
	bad := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"milestone", "set", "core-env", "--progress", "140"}, exitInvalid, "progress: 140 is outside 0-100"},
		{[]string{"milestone", "set", "core-env", "--status", "blocked"}, exitInvalid, "note: say what blocks it"},
		{[]string{"milestone", "set", "core-env", "--status", "finished"}, exitInvalid, "status:"},
		{[]string{"milestone", "set", "no-such", "--progress", "10"}, exitNotFound, `milestone "no-such"`},
		{[]string{"milestone", "set", "core-env", "--progress", "ten"}, exitUsage, `--progress: "ten" is not a whole number`},
		{[]string{"milestone", "set"}, exitUsage, "accepts 1 arg"},
		{[]string{"timeline", "add", "--kind", "gossip", "x"}, exitInvalid, "kind:"},
		{[]string{"timeline", "add", "--kind", "note", "  "}, exitInvalid, "title: must not be empty"},
		{[]string{"timeline", "add", "--kind", "note", "--at", "2020-02-30 10:00", "x"}, exitInvalid, "--at:"},
		{[]string{"timeline", "add", "x"}, exitUsage, "kind"},
		{[]string{"timeline", "add", "--kind", "note", "--as", "bob", "x"}, exitUsage, "--as works only on the embedded"},
	}
	for _, b := range bad {
		code, _, errs := cli(t, url, b.args...)
		if code != b.code || !strings.Contains(errs, b.msg) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line with %q", b.args, code, errs, b.code, b.msg)
		}
	}
	if u, e := count(); u != u0 || e != e0 {
		t.Fatalf("refused commands wrote rows: updates %d->%d, entries %d->%d", u0, u, e0, e)
	}

	code, out, errs := cli(t, url, "milestone", "set", "cutover", "--status", "in-progress", "--progress", "80", "--note", "redo")
	if code != 0 || !strings.Contains(out, "cutover: in progress 80%") {
		t.Fatalf("set: exit %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, url, "timeline", "add", "--kind", "comms", "--at", "2020-03-04 10:00", "Status page updated", "--body", "all good")
	if code != 0 || !strings.Contains(out, "2020-03-04 10:00 CST comms Status page updated") {
		t.Fatalf("add: exit %d %s %s", code, out, errs)
	}
	if u, e := count(); u != u0+1 || e != e0+1 {
		t.Fatalf("after two writes: updates %d->%d, entries %d->%d", u0, u, e0, e)
	}
}
