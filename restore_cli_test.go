package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warroom/recovery"
)

// A support engineer answers "is merchant M000123's order history back?"
// in one command, after a snapshot of counts is imported; the status and
// the call list agree with it.
func TestRestoreCountsEndToEnd(t *testing.T) {
	url, _ := demoDB(t)
	path := filepath.Join(t.TempDir(), "counts.csv")
	body := "merchant_id,domain,expected,restored,at\n" +
		"M000123,orders,1200,900,2020-03-04 10:00\n" +
		"M000123,products,80,80,2020-03-04 10:00\n" +
		"M000124,orders,50,50,2020-03-04 10:00\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, url, "restore", "counts", "import", path)
	if code != 0 || !strings.Contains(out, "3 counts") || !strings.Contains(out, "14,997 kept from the previous snapshot") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, url, "merchant", "show", "M000123", "--json")
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errs)
	}
	var show struct {
		MerchantID string `json:"merchant_id"`
		Restore    []struct {
			Domain             string
			Expected, Restored int64
			Percent            int
			AsOf               string `json:"as_of"`
		} `json:"restore"`
	}
	if err := json.Unmarshal([]byte(out), &show); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var orders bool
	for _, r := range show.Restore {
		if r.Domain == "orders" {
			orders = r.Expected == 1200 && r.Restored == 900 && r.Percent == 75 && strings.HasPrefix(r.AsOf, "2020-03-04T02:00:00")
		}
	}
	if show.MerchantID != "M000123" || !orders {
		t.Fatalf("M000123's orders: %+v", show)
	}
	code, out, _ = cli(t, url, "merchant", "show", "M000123")
	if code != 0 || !strings.Contains(out, "orders        900 of 1,200 (75%) 300 missing, as of 2020-03-04 10:00") {
		t.Fatalf("show:\n%s", out)
	}
	code, out, _ = cli(t, url, "restore", "missing", "--domain", "orders", "--json")
	if code != 0 || !strings.Contains(out, `"merchant_id": "M000123"`) || !strings.Contains(out, `"missing": 300`) || !strings.Contains(out, `"percent": 75`) {
		t.Fatalf("missing:\n%s", out)
	}
	// The totals carry their percent for scripts, as merchant show does.
	code, out, _ = cli(t, url, "restore", "status", "--json")
	var st struct {
		Domains []struct {
			Domain             string
			Expected, Restored int64
			Percent            int
		}
	}
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || len(st.Domains) == 0 {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	for _, d := range st.Domains {
		if want := recovery.Percent(d.Restored, d.Expected); d.Percent != want || (d.Restored < d.Expected && d.Percent == 100) {
			t.Errorf("%s: percent %d, want %d", d.Domain, d.Percent, want)
		}
	}
	// A domain the snapshot does not count is refused, naming those it does.
	if code, _, errs := cli(t, url, "restore", "missing", "--domain", "Orders"); code != 3 || !strings.Contains(errs, "its domains: ") {
		t.Fatalf("missing --domain Orders: exit %d %s", code, errs)
	}
	code, out, _ = cli(t, url, "restore", "status")
	if code != 0 || !strings.Contains(out, "as of 2020-03-04 10:00") {
		t.Fatalf("status:\n%s", out)
	}
	// A bad row: file:line: field, exit 3, nothing written.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("merchant_id,domain,expected,restored\nM1,orders,5,9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = cli(t, url, "restore", "counts", "import", bad)
	if code != 3 || !strings.Contains(errs, "bad.csv:2: restored: 9 is more than the 5 expected") {
		t.Fatalf("bad file: exit %d: %s", code, errs)
	}
}
