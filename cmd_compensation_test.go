package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warroom/demo"
)

// End to end on the demo incident: generated files imported, rates set,
// claims computed, one merchant shown as JSON, chosen, approved, paid twice
// with one key, exported; a bad file exits 3 naming file and line.
func TestCompensationCommands(t *testing.T) {
	url, _ := demoDB(t)
	dir := t.TempDir()
	inc := "--incident=" + demo.Slug()
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errs := cli(t, url, append(args, inc)...)
		if code != want {
			t.Fatalf("%v: exit %d (want %d)\n%s%s", args, code, want, out, errs)
		}
		return out + errs
	}
	run(0, "demo", "generate", "--merchants", "50", "--dir", dir)
	run(0, "merchants", "import", filepath.Join(dir, "merchants.csv"))
	out := run(0, "sales", "import", filepath.Join(dir, "sales.csv"))
	if !strings.Contains(out, "300 rows, 300 in the baseline window") {
		t.Fatalf("sales import: %s", out)
	}
	if out := run(0, "sales", "import", filepath.Join(dir, "sales.csv")); !strings.Contains(out, "already imported") {
		t.Fatalf("re-import: %s", out)
	}
	run(0, "margins", "set", "catering", "22", "--source", "test")
	out = run(0, "claims", "compute")
	if !strings.Contains(out, "awaiting a margin rate") {
		t.Fatalf("compute: %s", out)
	}
	var d struct {
		MerchantID string  `json:"merchant_id"`
		Industry   string  `json:"industry"`
		Daily      int64   `json:"daily_revenue_fen"`
		Margin     *string `json:"margin_percent"`
		Outage     float64 `json:"outage_hours"`
		Cash       *int64  `json:"cash_fen"`
		Plan       *string `json:"plan"`
		State      string  `json:"state"`
	}
	// Find a catering merchant among the generated ones.
	b, err := os.ReadFile(filepath.Join(dir, "merchants.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasSuffix(line, ",catering") {
			id = strings.SplitN(line, ",", 2)[0]
			break
		}
	}
	if err := json.Unmarshal([]byte(run(0, "merchant", "show", id, "--json")), &d); err != nil {
		t.Fatal(err)
	}
	if d.MerchantID != id || d.Outage != 206 || d.Margin == nil || d.Cash == nil || *d.Cash <= 0 || d.State != "computed" || d.Daily <= 0 {
		t.Fatalf("merchant show: %+v", d)
	}
	run(0, "claims", "choose", id, "cash")
	run(4, "claims", "choose", id, "traffic")
	run(0, "claims", "approve", id)
	run(0, "claims", "pay", id, "--key", "order-1")
	if out := run(0, "claims", "pay", id, "--key", "order-1"); !strings.Contains(out, "nothing paid now") {
		t.Fatalf("repeat payment: %s", out)
	}
	run(0, "claims", "export", filepath.Join(dir, "statements.csv"))
	if b, err := os.ReadFile(filepath.Join(dir, "statements.csv")); err != nil || !strings.Contains(string(b), id+",") {
		t.Fatalf("statement missing the merchant (%v)", err)
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("merchant_id,at,amount\nNOPE,2020-02-20T10:00:00+08:00,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := run(3, "sales", "import", bad); !strings.Contains(out, "bad.csv:2: merchant_id: unknown merchant") {
		t.Fatalf("bad import: %s", out)
	}
}
