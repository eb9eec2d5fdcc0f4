package report

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
	"warroom/demo"
	"warroom/incident"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var update = flag.Bool("update", false, "rewrite testdata/demo.md from the current output")

// made is when the test reports are made: after the demo incident, fixed
// so the golden file does not move with the clock.
var made = time.Date(2020, 5, 1, 4, 0, 0, 0, time.UTC)

// demoReport gathers the report of a fresh clone of the demo (loaded once
// per test binary).
func demoReport(t *testing.T) (*sqlx.DB, *Report) {
	t.Helper()
	ctx := context.Background()
	conn := dbtest.NewFrom(t, "demo", func(c *sqlx.DB) error {
		_, err := demo.Load(ctx, c)
		return err
	})
	return conn, gather(t, conn)
}

func gather(t *testing.T, conn *sqlx.DB) *Report {
	t.Helper()
	ctx := context.Background()
	inc, err := incident.BySlug(ctx, conn, demo.Slug())
	if err != nil {
		t.Fatal(err)
	}
	r, err := Gather(ctx, conn, inc, made)
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	return r
}

// The chain head is the database's own (it depends on transaction ids and
// commit times, so it differs on every load): the report carries what
// Verify says, and the golden file a placeholder in its place.
func pinChain(t *testing.T, conn *sqlx.DB, r *Report) {
	t.Helper()
	v, err := access.Verify(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Chain.OK() || r.Chain.HeadSeq != v.HeadSeq || r.Chain.HeadHash != v.HeadHash || v.HeadSeq == 0 {
		t.Fatalf("report's chain %+v; Verify says %+v", r.Chain, v)
	}
	r.Chain = access.Verification{Checked: 1234, HeadSeq: 1234, HeadHash: strings.Repeat("ab", 32)}
}

func TestGoldenMarkdown(t *testing.T) {
	conn, r := demoReport(t)
	pinChain(t, conn, r)
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "demo.md")
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (make it with go test ./report -run TestGoldenMarkdown -update, then read it)", err)
	}
	if got := b.String(); got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("demo.md differs at line %d:\n got: %s\nwant: %s\n(regenerate with -update and read the diff)", i+1, g, w)
			}
		}
	}
	// The figures the issue names, independent of the golden file.
	for _, s := range []string{"150,000,000.00", "206 hours", "2020-02-23 19:00 CST (Asia/Shanghai)",
		"2020-03-03 09:00 CST (Asia/Shanghai)", "孙涛勇", "warroom audit verify --anchor 1234:abab"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the Markdown report lacks %q", s)
		}
	}
}

// A worked example's numbers are the claim's own: recomputing the cash
// from the example's inputs with the Go formula gives the printed amount.
func TestWorkedExampleIsTheClaims(t *testing.T) {
	conn, r := demoReport(t)
	e := r.Example
	if e == nil || e.CashFen == nil || e.State != "paid" {
		t.Fatalf("example %+v: want a paid cash claim", e)
	}
	var cash, paid int64
	err := conn.QueryRowx(`SELECT c.cash_fen, c.paid_fen FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE m.merchant_id = $1 AND c.incident_id = $2`, e.MerchantID, r.Incident.ID).Scan(&cash, &paid)
	if err != nil {
		t.Fatal(err)
	}
	if *e.CashFen != cash || paid != cash {
		t.Fatalf("example shows cash %d; the claim has cash %d, paid %d", *e.CashFen, cash, paid)
	}
	if r.OutageHours != "206" || r.BaselineDays != "6" {
		t.Fatalf("formula windows %q hours, %q days; want 206 and 6", r.OutageHours, r.BaselineDays)
	}

	// The demo's fund covers its open claims; a short one states the
	// shortfall and the pro-rata factor compensation.Project gives.
	r.Projection = compensation.Projection{AvailableFen: 100_000_00, OpenClaims: 3, OpenFen: 400_000_00,
		ShortfallFen: 300_000_00, ProRataPercent: "25", ProRataPaysFen: 99_999_99, AwaitingRate: 1200}
	var b bytes.Buffer
	if err := Markdown(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**Shortfall**: 300,000.00", "would be paid 25% of its amount, rounded down to the fen: 99,999.99 in all",
		"1,200 claims await a margin rate"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("a short fund's report lacks %q", want)
		}
	}
	if strings.Contains(b.String(), "The fund covers the open claims") {
		t.Error("a short fund's report says it covers the open claims")
	}
}

// Text from the database is escaped for each format: a title, a merchant
// name (the worked example's) and a contributor name holding HTML, Markdown
// syntax and terminal controls.
func TestInjection(t *testing.T) {
	ctx := context.Background()
	conn, r0 := demoReport(t)
	const evil = "<script>alert(1)</script> *bold* _em_ [link](http://evil.example/) | cell # h `code` <img src=x onerror=alert(2)>\x1b]52;c;aGk=\x07\u202e"
	if _, err := conn.ExecContext(ctx, `UPDATE incidents SET title = $1 WHERE id = $2`, "T "+evil, r0.Incident.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE merchants SET name = $1 WHERE incident_id = $2 AND merchant_id = $3`,
		"M "+evil, r0.Incident.ID, r0.Example.MerchantID); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE contributors SET name = $1 WHERE incident_id = $2 AND position = (
		SELECT min(position) FROM contributors WHERE incident_id = $2)`, "C "+evil, r0.Incident.ID); err != nil {
		t.Fatal(err)
	}
	r := gather(t, conn)
	var h, m bytes.Buffer
	if err := HTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&m, r); err != nil {
		t.Fatal(err)
	}
	html, md := h.String(), m.String()
	for _, who := range []string{"T ", "M ", "C "} {
		if !strings.Contains(html, who+"&lt;script&gt;alert(1)&lt;/script&gt; *bold* _em_ [link](http://evil.example/) | cell # h `code` &lt;img src=x onerror=alert(2)&gt;") {
			t.Errorf("HTML: %q text not escaped as expected", who)
		}
		if !strings.Contains(md, who+`\<script\>alert(1)\</script\> \*bold\* \_em\_ \[link\](http://evil.example/) \| cell \# h \`+"`code\\`"+` \<img src=x onerror=alert(2)\>`) {
			t.Errorf("Markdown: %q text not escaped as expected", who)
		}
	}
	if n := strings.Count(strings.ToLower(html), "<script"); n != 0 {
		t.Errorf("HTML holds %d <script tags", n)
	}
	if strings.Contains(html, "<img") {
		t.Error("HTML holds an <img tag")
	}
	// Outside code, every < | [ * _ in the Markdown is escaped: a raw one
	// would be syntax from the database.
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "    ") {
			continue
		}
		if bad := regexp.MustCompile(`(^|[^\\])(<|\[|\]|` + "`" + `)`).FindString(line); bad != "" {
			t.Errorf("Markdown line %d has an unescaped %q: %s", i+1, bad, line)
		}
	}
	for _, out := range []string{html, md} {
		if strings.ContainsAny(out, "\x1b\x07\u202e") {
			t.Error("a control character or bidi override reached the report")
		}
	}
}

// An incident just declared has no fund, milestones or accountability:
// its report says so in each part, in both formats, and its duration runs
// to the report's time.
func TestBareIncident(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	started := made.Add(-90 * time.Minute)
	var inc incident.Incident
	err := db.Write(ctx, conn, "alice", func(tx *sqlx.Tx) error {
		var err error
		inc, err = incident.Declare(ctx, tx, incident.Declaration{Title: "Checkout down", Severity: "sev2",
			Slug: "checkout", Zone: "Europe/Berlin", StartedAt: started})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Gather(ctx, conn, inc, made)
	if err != nil {
		t.Fatal(err)
	}
	var h, m bytes.Buffer
	if err := HTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&m, r); err != nil {
		t.Fatal(err)
	}
	w := English
	for name, out := range map[string]string{"HTML": h.String(), "Markdown": m.String()} {
		for _, want := range []string{w.NoFund, w.NoMilestones, w.NoAccount, "alice", w.NotResolved,
			"1.5 hours " + w.SoFar, "2020-05-01 04:30 CEST (Europe/Berlin)"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report of a bare incident lacks %q", name, want)
			}
		}
	}
	if strings.Contains(h.String(), "<svg") {
		t.Error("a chart was drawn with no milestones and no payouts")
	}
}
