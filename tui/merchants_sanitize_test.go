package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// hostileName is a merchant name from an untrusted CSV: an OSC 52
// clipboard write, a screen clear, and a bidi isolate that would reorder
// the rest of the row.
const hostileName = "Evil\x1b]52;c;cm0gLXJmIC8K\x07\x1b[2J\u2066Shop\u2069"

// Merchant names and industries come from imported files: the merchant
// list and the statement show their text, never their escape sequences.
func TestMerchantNamesAreSanitised(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, time_zone, started_at)
		VALUES ('e', 'E', 'Asia/Shanghai', '2020-02-23T19:00:00+08:00') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	conn.MustExec(`INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-02-17T19:00:00+08:00', '2020-02-23T19:00:00+08:00',
		            '2020-02-23T19:00:00+08:00', '2020-03-03T09:00:00+08:00')`, inc)
	err := db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		_, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv", strings.NewReader(
			"merchant_id,name,industry\nM1,\""+hostileName+"\",\"retail\u2066\x1b]52;c;eA==\x07\"\n"), nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := fundOn(t, conn, "e", 100, 20)
	check := func(what, out string) {
		t.Helper()
		for _, bad := range []string{"\x1b]52", "52;c;", "\x1b[2J", "\u2066", "\u2069"} {
			if strings.Contains(out, bad) {
				t.Fatalf("%s shows %q:\n%q", what, bad, out)
			}
		}
		if plain := ansi.Strip(out); !strings.Contains(plain, "EvilShop") || !strings.Contains(plain, "retail") {
			t.Fatalf("%s lost the name's text:\n%s", what, plain)
		}
	}
	keyDrain(t, v, "m")
	if selectedID(v) != "M1" {
		t.Fatalf("first row %q", selectedID(v))
	}
	check("the merchant list", v.Render())
	keyDrain(t, v, "enter")
	out := v.Render()
	if !strings.Contains(ansi.Strip(out), "Merchant M1") {
		t.Fatalf("not the statement:\n%s", ansi.Strip(out))
	}
	check("the statement", out)
}
