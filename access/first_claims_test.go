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
)

// The first claims computation runs with its owner's rights (it creates
// and attaches a partition): it must still be open only to those who may
// write claims, and work for them.
func TestFirstComputationByRole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	inc := f.incidentWithTwoMerchants(t)

	for _, role := range []string{access.Viewer, access.Engineer} {
		conn, _ := f.login(t, role)
		if _, err := compensation.ComputeClaims(ctx, conn, inc, ""); !errors.Is(err, db.ErrPermissionDenied) {
			t.Errorf("%s computing claims: %v, want permission denied", role, err)
		}
	}
	var n int
	if err := f.admin.Get(&n, `SELECT count(*) FROM claims WHERE incident_id = $1`, inc); err != nil || n != 0 {
		t.Fatalf("claims after refused computations: %d (%v)", n, err)
	}

	fin, _ := f.login(t, access.Finance)
	c, err := compensation.ComputeClaims(ctx, fin, inc, "")
	if err != nil || c.Written != 2 || c.Awaiting != 2 {
		t.Fatalf("finance computing claims: %+v, %v; want 2 awaiting a rate", c, err)
	}
	var part, leaf string
	if err := f.admin.QueryRow(`SELECT DISTINCT i.inhparent::regclass::text, c.tableoid::regclass::text
		FROM claims c JOIN pg_inherits i ON i.inhrelid = c.tableoid WHERE c.incident_id = $1`, inc).Scan(&part, &leaf); err != nil {
		t.Fatal(err)
	}
	if part != "claims_i"+strconv.FormatInt(inc, 10) {
		t.Fatalf("claims stored in %s, a partition of %s, want the incident's own partition", leaf, part)
	}
	// The partition and its batch's sub-partition are reachable for writes
	// only through claims.
	for _, p := range []string{part, leaf} {
		if _, err := fin.Exec(`UPDATE ` + p + ` SET amount_fen = 1`); !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
			t.Fatalf("finance writing %s directly: %v, want permission denied", p, err)
		}
	}
}

// The same for an incident's first merchants import, which stages and
// attaches a partition with its owner's rights.
func TestFirstImportByRole(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var inc int64
	if err := f.admin.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('k', 'K', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	load := func(conn *sqlx.DB) error {
		return db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
			_, err := compensation.ImportMerchants(ctx, tx, inc, "m.csv",
				strings.NewReader("merchant_id,name,industry\nA,Shop A,x\nB,Shop B,y\n"), nil)
			return err
		})
	}
	for _, role := range []string{access.Viewer, access.Engineer} {
		conn, _ := f.login(t, role)
		if err := load(conn); !errors.Is(err, db.ErrPermissionDenied) {
			t.Errorf("%s importing merchants: %v, want permission denied", role, err)
		}
	}
	fin, _ := f.login(t, access.Finance)
	if err := load(fin); err != nil {
		t.Fatalf("finance importing merchants: %v", err)
	}
	var part string
	if err := f.admin.Get(&part, `SELECT DISTINCT tableoid::regclass::text FROM merchants WHERE incident_id = $1`, inc); err != nil {
		t.Fatal(err)
	}
	if part != "merchants_i"+strconv.FormatInt(inc, 10) {
		t.Fatalf("merchants stored in %s, want the incident's own partition", part)
	}
	// The COPY grant ended with the import.
	if _, err := fin.Exec(`INSERT INTO `+part+` (incident_id, merchant_id) VALUES ($1, 'C')`, inc); !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
		t.Fatalf("finance writing the partition directly: %v, want permission denied", err)
	}
}

// Ids come from their sequences: with keys of (id, incident_id), an id
// written by hand could repeat another incident's.
func TestWritersCannotChooseIds(t *testing.T) {
	f := newFixture(t)
	fin, _ := f.login(t, access.Finance)
	for _, q := range []string{
		`INSERT INTO merchants (id, incident_id, merchant_id) SELECT id, $1, 'DUP' FROM merchants WHERE incident_id = $1 LIMIT 1`,
		`INSERT INTO claims (id, incident_id, merchant_id) SELECT id, $1, merchant_id FROM claims WHERE incident_id = $1 LIMIT 1`,
	} {
		if _, err := fin.Exec(q, f.incident); !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
			t.Errorf("%s: %v, want permission denied", q, err)
		}
	}
	if _, err := fin.Exec(`INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'NEW')`, f.incident); err != nil {
		t.Errorf("finance adding a merchant without an id: %v", err)
	}
}
