package access_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
)

// Restore counts (00022): engineers and commanders import, through the two
// functions only; finance and viewers read. Plain SQL as each role.
func TestRestoreCountsByRole(t *testing.T) {
	f := newFixture(t)
	sha := "0000000000000000000000000000000000000000000000000000000000000001"
	stageAndCommit := func(tx *sqlx.Tx) error {
		var part string
		var id int64
		if err := tx.QueryRow(`SELECT snapshot_id, part FROM warroom_restore_stage($1, 'c.csv', $2, NULL)`,
			f.incident, sha).Scan(&id, &part); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO ` + part + ` (merchant_id, expected, restored) VALUES ('M1', '{10}', '{4}')`); err != nil {
			return err
		}
		_, err := tx.Exec(`SELECT warroom_restore_commit($1, false, '{orders}')`, id)
		return err
	}
	for _, role := range []string{"engineer", "commander"} {
		conn, _ := f.login(t, role)
		if err := asTx(t, conn, stageAndCommit); err != nil {
			t.Fatalf("%s imports: %v", role, err)
		}
		// Rows and totals are written by the functions, never directly.
		err := asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO restore_snapshots (incident_id, file_name, sha256, taken_at) VALUES ($1, 'x', $2, now())`, f.incident, sha)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table restore_snapshots")
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO restore_counts VALUES (1, $1, 'M1', '{1}', '{1}', NULL, NULL)`, f.incident)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table restore_counts")
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`UPDATE restore_totals SET restored = expected`)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table restore_totals")
		// A table staged and committed earlier is no door: its grant went with the commit.
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			if err := stageAndCommit(tx); err != nil {
				return err
			}
			_, err := tx.Exec(`SELECT warroom_restore_commit((SELECT max(id) FROM restore_snapshots), false, '{orders}')`)
			return err
		})
		dbtest.WantPG(t, err, "55000", "no restore counts staged")
		// Linking a milestone to domains is theirs too.
		if err := asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO milestone_domains (milestone_id, incident_id, domain) VALUES ($1, $2, 'orders')`, f.milestone, f.incident)
			return err
		}); err != nil {
			t.Fatalf("%s links: %v", role, err)
		}
	}
	// The staged table's NOT NULLs and the snapshot's bound are checked as
	// each row is written; the counts themselves by the commit's pass
	// (00031), which refuses the snapshot naming a merchant, whatever the
	// client sent. Each case is one rule; the row beside it is valid.
	eng, _ := f.login(t, "engineer")
	var many []string
	for i := range 200 {
		many = append(many, fmt.Sprintf("d%d", i))
	}
	manyDomains := "{" + strings.Join(many, ",") + ",orders}"
	for _, c := range []struct{ row, domains, code, msg string }{
		{`('M1', '{3,1}', '{4,1}', NULL, NULL)`, "{orders,pages}", "23514", "merchant M1: each count needs 0 <= restored <= expected"},
		{`('M1', '{-1}', '{-1}', NULL, NULL)`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '{-1}', '{0}', NULL, NULL)`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '{3,NULL}', '{3,2}', NULL, NULL)`, "{orders,pages}", "23514", "merchant M1:"},
		{`('M1', '{3,2}', '{3}', NULL, NULL)`, "{orders,pages}", "23514", "merchant M1:"},
		{`('M1', '{NULL}', '{NULL}', NULL, NULL)`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '[0:0]={3}', '[0:0]={3}', NULL, NULL)`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '{3}', '{3}', NULL, '{1}')`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '{3,NULL}', '{3,NULL}', '{2020-01-01,2020-01-02}', NULL)`, "{orders,pages}", "23514", "merchant M1:"},
		{`('M1', '{3}', '{3}', NULL, NULL), ('M1', '{4}', '{4}', NULL, NULL)`, "{orders}", "23505", "counted twice for one domain"},
		{`('M1', '{3}', '{3}', NULL, NULL)`, "{orders,orders}", "23514", "each named once"},
		{`(NULL, '{3}', '{1}', NULL, NULL)`, "{orders}", "23502", "null value in column \"merchant_id\""},
		// Elements past the domains: a carry adding domains would read them as counts.
		{`('M1', '{10,999}', '{10,5000}', NULL, NULL)`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '{10}', '{10}', '{2020-01-01,2020-01-02}', NULL)`, "{orders}", "23514", "merchant M1:"},
		{`('M1', '{3}', '{3}', NULL, NULL)`, manyDomains, "23514", "at most 200"},
	} {
		for _, big := range []bool{false, true} {
			err := asTx(t, eng, func(tx *sqlx.Tx) error {
				if big {
					if _, err := tx.Exec(`SET LOCAL warroom.restore_small_rows = 0`); err != nil {
						return err
					}
				}
				var part string
				var id int64
				if err := tx.QueryRow(`SELECT snapshot_id, part FROM warroom_restore_stage($1, 'c.csv', $2, NULL)`,
					f.incident, "00000000000000000000000000000000000000000000000000000000000000c1").Scan(&id, &part); err != nil {
					return err
				}
				if _, err := tx.Exec(`INSERT INTO ` + part + ` (merchant_id, expected, restored, at, from_snapshot) VALUES ('M0', '{1}', '{0}', NULL, NULL), ` + c.row); err != nil {
					return err
				}
				_, err := tx.Exec(`SELECT warroom_restore_commit($1, false, $2)`, id, c.domains)
				return err
			})
			dbtest.WantPG(t, err, c.code, c.msg)
		}
	}
	err := asTx(t, eng, func(tx *sqlx.Tx) error {
		var part string
		if err := tx.QueryRow(`SELECT part FROM warroom_restore_stage($1, 'c.csv', $2, NULL)`,
			f.incident, "00000000000000000000000000000000000000000000000000000000000000c2").Scan(&part); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO ` + part + ` (snapshot_id, merchant_id, expected, restored) VALUES (0, 'M1', '{3}', '{1}')`)
		return err
	})
	dbtest.WantPG(t, err, "23514", "_bound")
	for _, role := range []string{"finance", "viewer"} {
		conn, _ := f.login(t, role)
		err := asTx(t, conn, stageAndCommit)
		dbtest.WantPG(t, err, "42501", "permission denied for function warroom_restore_stage")
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO milestone_domains (milestone_id, incident_id, domain) VALUES ($1, $2, 'orders')`, f.milestone, f.incident)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table milestone_domains")
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM restore_counts`); err != nil {
			t.Fatalf("%s reads: %v", role, err)
		}
	}
	// The engineer's import, committed, stays: snapshots are never deleted.
	tx, err := eng.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if err := stageAndCommit(tx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	_, err = eng.Exec(`DELETE FROM restore_snapshots`)
	dbtest.WantPG(t, err, "42501", "permission denied for table restore_snapshots")
	var audited int
	if err := f.admin.Get(&audited, `SELECT count(*) FROM audit_log WHERE table_name = 'restore_counts' AND op = 'INSERT'
		AND incident_id = $1 AND rows = 1`, f.incident); err != nil || audited != 1 {
		t.Fatalf("audit rows of the import: %d %v", audited, err)
	}
}
