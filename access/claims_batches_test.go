package access_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/db/dbtest"
)

// An incident's claims are partitioned by merchant id (migration 00032):
// one sub-partition per batch built in bulk, a DEFAULT one for claims
// written row by row. The primary key now includes merchant_id, so one
// claim per merchant rests on claims_merchant_id_key (incident_id,
// merchant_id) alone: a second claim for a merchant is refused whichever
// sub-partition holds its first, for a login and for the owner alike, and
// no login can choose a claim's id.
func TestNoSecondClaimInAnySubPartition(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	inc := f.incidentWithTwoMerchants(t)
	fin, _ := f.login(t, access.Finance)
	if c, err := compensation.ComputeClaims(ctx, fin, inc, ""); err != nil || c.Written != 2 {
		t.Fatalf("first computation: %+v, %v", c, err)
	}
	// A later batch, C and D. A login cannot lower the bulk path's
	// threshold (10,000 merchants): their claims go in row by row.
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'C', 'x'), ($1, 'D', 'y')`, inc)
	err := asTx(t, fin, func(tx *sqlx.Tx) error {
		tx.MustExec(`SET LOCAL warroom.claims_batch_min = '1'`)
		if c, err := compensation.ComputeClaims(ctx, tx, inc, ""); err != nil || c.Written != 2 {
			t.Fatalf("finance's later batch: %+v, %v", c, err)
		}
		var where []string
		if err := tx.Select(&where, `SELECT DISTINCT c.tableoid::regclass::text FROM claims c JOIN merchants m ON m.id = c.merchant_id
			WHERE c.incident_id = $1 AND m.merchant_id IN ('C', 'D')`, inc); err != nil {
			t.Fatal(err)
		}
		if want := "claims_i" + strconv.FormatInt(inc, 10) + "_default"; len(where) != 1 || where[0] != want {
			t.Errorf("finance's lowered threshold: C and D's claims in %v, want %s", where, want)
		}
		return nil // rolled back: the owner computes them below
	})
	if err != nil {
		t.Fatal(err)
	}
	// The owner may lower it: C and D as a batch of their own.
	err = db.InTx(ctx, f.admin, func(tx *sqlx.Tx) error {
		tx.MustExec(`SET LOCAL warroom.claims_batch_min = '1'`)
		c, err := compensation.ComputeClaims(ctx, tx, inc, "")
		if err == nil && c.Written != 2 {
			t.Fatalf("the owner's later batch: %+v", c)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// E's claim written by finance itself, row by row.
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'E', 'x')`, inc)
	claimOf := func(merchant string) string {
		return `INSERT INTO claims (incident_id, merchant_id, state, baseline_fen)
			SELECT $1, id, 'awaiting_rate', 0 FROM merchants WHERE incident_id = $1 AND merchant_id = '` + merchant + `'`
	}
	if _, err := fin.Exec(claimOf("E"), inc); err != nil {
		t.Fatalf("finance's own claim of E: %v", err)
	}

	var where []string
	if err := f.admin.Select(&where, `SELECT c.tableoid::regclass::text FROM claims c JOIN merchants m ON m.id = c.merchant_id
		WHERE c.incident_id = $1 AND m.merchant_id IN ('A', 'C', 'E') ORDER BY m.merchant_id`, inc); err != nil {
		t.Fatal(err)
	}
	part := "claims_i" + strconv.FormatInt(inc, 10)
	if len(where) != 3 || !strings.HasPrefix(where[1], part+"_m") || where[0] == where[1] || where[2] != part+"_default" {
		t.Fatalf("A, C and E's claims are in %v, want two batches' sub-partitions and %s_default", where, part)
	}
	for _, m := range []string{"A", "C", "E"} {
		for who, conn := range map[string]*sqlx.DB{"finance": fin, "the owner": f.admin} {
			if _, err := conn.Exec(claimOf(m), inc); !errors.Is(db.MapError(err), db.ErrUniqueViolation) {
				t.Errorf("%s writing a second claim of %s: %v, want a unique violation", who, m, err)
			}
		}
	}
	if n := dbtest.Get[int](t, f.admin, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc); n != 5 {
		t.Fatalf("%d claims, want one for each of A-E", n)
	}
	// Nor can finance give a new claim an id of its own, such as C's.
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'F', 'x')`, inc)
	if _, err := fin.Exec(`INSERT INTO claims (id, incident_id, merchant_id, state, baseline_fen)
		SELECT c.id, $1, (SELECT id FROM merchants WHERE incident_id = $1 AND merchant_id = 'F'), 'awaiting_rate', 0
		FROM claims c JOIN merchants m ON m.id = c.merchant_id WHERE c.incident_id = $1 AND m.merchant_id = 'C'`, inc); !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
		t.Fatalf("finance choosing a claim's id: %v, want permission denied", err)
	}
}
