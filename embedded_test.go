package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"warroom/db"
)

// embeddedCLI runs command lines against a fresh embedded server in a
// temporary data directory, as a person on a laptop would (no --db, no
// DATABASE_URL, no PG* variables), and stops the server when t ends.
func embeddedCLI(t *testing.T) func(args ...string) (int, string, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("creates a PostgreSQL cluster")
	}
	tmp := t.TempDir()
	if os.Geteuid() == 0 { // the server's account must reach it, as ~/.local/share
		for _, d := range []string{tmp, filepath.Dir(tmp)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Setenv("WARROOM_DATA_DIR", filepath.Join(tmp, "warroom"))
	for _, v := range []string{"DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE"} {
		if old, ok := os.LookupEnv(v); ok {
			t.Setenv(v, old) // restored when t ends
			os.Unsetenv(v)
		}
	}
	cli := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, &out, &errb)
		return code, out.String(), errb.String()
	}
	t.Cleanup(func() { cli("db", "stop") })
	return cli
}

// On the embedded server the console is a login, not the superuser, and
// two people sharing the laptop (--as zhou, then --as xu) meet the
// two-person rule as they would on a shared server.
func TestEmbeddedLaptopTwoPersonRule(t *testing.T) {
	cli := embeddedCLI(t)
	code, out, errs := cli("user", "whoami", "--json")
	if code != 0 {
		t.Fatalf("whoami: exit %d: %s", code, errs)
	}
	var me struct {
		Name      string   `json:"name"`
		Superuser bool     `json:"superuser"`
		Roles     []string `json:"roles"`
	}
	if err := json.Unmarshal([]byte(out), &me); err != nil {
		t.Fatal(err)
	}
	if me.Name != "chen" || me.Superuser || strings.Join(me.Roles, ",") != "commander" {
		t.Fatalf("the embedded console acts as %+v; want chen, a commander, not superuser", me)
	}
	if code, _, errs := cli("user", "whoami", "--as", "postgres"); code != exitUsage || !strings.Contains(errs, "not a login") {
		t.Fatalf("--as postgres: exit %d: %s; want %d, not a login", code, errs, exitUsage)
	}

	_, u, _ := cli("db", "url", "--as", "zhou")
	u = strings.TrimSpace(u)
	conn, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("db url --as zhou: %v", err)
	}
	defer conn.Close()
	// The URL serves --db too, as that login.
	if code, out, errs := cli("user", "whoami", "--db", u); code != 0 || !strings.HasPrefix(out, "zhou: finance") {
		t.Fatalf("whoami --db \"$(warroom db url --as zhou)\": exit %d\n%s%s", code, out, errs)
	}
	var merchant string
	err = conn.Get(&merchant, `
		SELECT m.merchant_id FROM claims c
		JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = c.incident_id
		JOIN funds f ON f.incident_id = c.incident_id
		WHERE c.state = 'approved' AND c.paid_fen = 0 AND c.amount_fen > f.payout_approval_fen
		ORDER BY c.id LIMIT 1`)
	if err != nil {
		t.Fatal(err)
	}

	code, out, errs = cli("claims", "pay", merchant, "--key", "laptop-1", "--as", "zhou")
	m := regexp.MustCompile(`filed approval request (\d+)`).FindStringSubmatch(out)
	if code != exitPendingApproval || m == nil {
		t.Fatalf("claims pay above the threshold: exit %d\n%s%s; want %d and a filed request", code, out, errs, exitPendingApproval)
	}
	if code, _, errs := cli("approvals", "approve", m[1], "--as", "zhou"); code == 0 || !strings.Contains(errs, "cannot approve it") {
		t.Fatalf("zhou approving her own request: exit %d: %s", code, errs)
	}
	if code, out, errs := cli("approvals", "approve", m[1], "--as", "xu"); code != 0 {
		t.Fatalf("xu approving: exit %d\n%s%s", code, out, errs)
	}
	var approval int64
	if err := conn.Get(&approval, `SELECT approval_id FROM payouts WHERE idempotency_key = 'laptop-1'`); err != nil {
		t.Fatal(err)
	}
	if want := m[1]; want != strconv.FormatInt(approval, 10) {
		t.Fatalf("payout made under approval %d, want %s", approval, want)
	}
}
