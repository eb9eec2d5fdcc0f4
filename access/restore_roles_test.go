package access_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db/dbtest"
)

// Restore counts (00022, 00036): engineers and commanders import, through
// the functions only; finance and viewers read. Plain SQL as each role.
func TestRestoreCountsByRole(t *testing.T) {
	f := newFixture(t)
	sha := "0000000000000000000000000000000000000000000000000000000000000001"
	// stage stages a snapshot of file hash h with columns for n domains,
	// with times.
	stage := func(tx *sqlx.Tx, h string, n int) (id int64, part string, err error) {
		if err = tx.QueryRow(`SELECT snapshot_id, part FROM warroom_restore_stage($1, 'c.csv', $2, NULL)`,
			f.incident, h).Scan(&id, &part); err != nil {
			return
		}
		_, err = tx.Exec(`SELECT warroom_restore_widen($1, $2, true)`, id, n)
		return
	}
	var part string // the last table staged
	importFile := func(h string) func(tx *sqlx.Tx) error {
		return func(tx *sqlx.Tx) error {
			id, p, err := stage(tx, h, 1)
			if err != nil {
				return err
			}
			part = p
			if _, err := tx.Exec(`INSERT INTO ` + part + ` (merchant_id, e1, r1) VALUES ('M1', 10, 4)`); err != nil {
				return err
			}
			_, err = tx.Exec(`SELECT warroom_restore_commit($1, false, '{orders}')`, id)
			return err
		}
	}
	stageAndCommit := importFile(sha)
	var committed string // a committed snapshot's table
	for i, role := range []string{"engineer", "commander"} {
		conn, _ := f.login(t, role)
		tx, err := conn.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		if err := importFile(fmt.Sprintf("%064x", 0xe0+i))(tx); err != nil {
			t.Fatalf("%s imports: %v", role, err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		committed = part
		// Rows and totals are written by the functions, never directly.
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO restore_snapshots (incident_id, file_name, sha256, taken_at) VALUES ($1, 'x', $2, now())`, f.incident, sha)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table restore_snapshots")
		// A committed snapshot's table is read-only, its grant gone with the commit.
		for _, stmt := range []string{
			`INSERT INTO ` + committed + ` (merchant_id, e1, r1) VALUES ('M2', 1, 1)`,
			`UPDATE ` + committed + ` SET r1 = e1`,
			`DELETE FROM ` + committed,
		} {
			err = asTx(t, conn, func(tx *sqlx.Tx) error {
				_, err := tx.Exec(stmt)
				return err
			})
			dbtest.WantPG(t, err, "42501", "permission denied for table "+committed)
		}
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`UPDATE restore_totals SET restored = expected`)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table restore_totals")
		// A table staged and committed earlier is no door: neither widened nor committed again.
		for _, stmt := range []string{
			`SELECT warroom_restore_commit((SELECT max(id) FROM restore_snapshots), false, '{orders}')`,
			`SELECT warroom_restore_widen((SELECT max(id) FROM restore_snapshots), 2, false)`,
		} {
			err = asTx(t, conn, func(tx *sqlx.Tx) error {
				if err := stageAndCommit(tx); err != nil {
					return err
				}
				_, err := tx.Exec(stmt)
				return err
			})
			dbtest.WantPG(t, err, "55000", "no restore counts staged")
		}
		// Linking a milestone to domains is theirs too.
		if err := asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO milestone_domains (milestone_id, incident_id, domain) VALUES ($1, $2, 'orders')`, f.milestone, f.incident)
			return err
		}); err != nil {
			t.Fatalf("%s links: %v", role, err)
		}
	}
	// The staged table's NOT NULL is checked as each row is written; the
	// counts themselves by the commit's pass, which refuses the snapshot
	// naming a merchant, whatever the client sent. Each case is one rule;
	// the row beside it is valid. Rows are (merchant_id, e1, r1, a1, e2,
	// r2, a2).
	eng, _ := f.login(t, "engineer")
	var many []string
	for i := range 200 {
		many = append(many, fmt.Sprintf("d%d", i))
	}
	manyDomains := "{" + strings.Join(many, ",") + ",orders}"
	for _, c := range []struct {
		row, domains string
		width        int
		code, msg    string
	}{
		{`('M1', 3, 4, NULL, 1, 1, NULL)`, "{orders,pages}", 2, "23514", "merchant M1: each count needs 0 <= restored <= expected"},
		{`('M1', -1, -1, NULL, NULL, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', -1, 0, NULL, NULL, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', 3, 3, NULL, NULL, 2, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', 3, 3, NULL, 2, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', NULL, NULL, NULL, NULL, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', 3, 3, NULL, NULL, NULL, '2020-01-02')`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', 3, 3, 'infinity', NULL, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('M1', 3, 3, '10000-01-01', NULL, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant M1:"},
		{`('', 3, 3, NULL, NULL, NULL, NULL)`, "{orders,pages}", 2, "23514", "merchant (empty id):"},
		{`('M1', 3, 3, NULL, NULL, NULL, NULL), ('M1', 4, 4, NULL, NULL, NULL, NULL)`, "{orders,pages}", 2, "23505", "counted twice for one domain"},
		{`('M1', 3, 3, NULL, NULL, NULL, NULL)`, "{orders,orders}", 2, "23514", "each named once"},
		{`(NULL, 3, 1, NULL, NULL, NULL, NULL)`, "{orders,pages}", 2, "23502", "null value in column \"merchant_id\""},
		// Columns for more positions than the domains named: a carry adding
		// domains would read them as counts.
		{`('M1', 3, 3, NULL, 999, 5000, NULL)`, "{orders}", 2, "23514", "1 named, the staged counts have 2 positions"},
		{`('M1', 3, 3, NULL, NULL, NULL, NULL)`, manyDomains, 2, "23514", "at most 200"},
		{`('M1', 3, 3, NULL, NULL, NULL, NULL)`, "{orders,pages}", 201, "23514", "at most 200"},
	} {
		err := asTx(t, eng, func(tx *sqlx.Tx) error {
			id, part, err := stage(tx, "00000000000000000000000000000000000000000000000000000000000000c1", c.width)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO ` + part + ` (merchant_id, e1, r1, a1, e2, r2, a2) VALUES ('M0', 1, 0, NULL, NULL, NULL, NULL), ` + c.row); err != nil {
				return err
			}
			_, err = tx.Exec(`SELECT warroom_restore_commit($1, false, $2)`, id, c.domains)
			return err
		})
		dbtest.WantPG(t, err, c.code, c.msg)
	}
	// A snapshot of no counts is refused; so is one staged and never
	// committed, when its transaction ends.
	err := asTx(t, eng, func(tx *sqlx.Tx) error {
		id, _, err := stage(tx, "00000000000000000000000000000000000000000000000000000000000000c4", 1)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`SELECT warroom_restore_commit($1, false, '{orders}')`, id)
		return err
	})
	dbtest.WantPG(t, err, "23514", "at least one count")
	tx, err := eng.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := stage(tx, "00000000000000000000000000000000000000000000000000000000000000c5", 1); err != nil {
		t.Fatal(err)
	}
	dbtest.WantPG(t, tx.Commit(), "55000", "staged but not committed")
	// Which snapshot carried a count is the commit's to say, never the
	// client's: the staged table has no such column until the commit.
	err = asTx(t, eng, func(tx *sqlx.Tx) error {
		_, part, err := stage(tx, "00000000000000000000000000000000000000000000000000000000000000c2", 1)
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO ` + part + ` (merchant_id, e1, r1, f1) VALUES ('M1', 3, 1, 1)`)
		return err
	})
	dbtest.WantPG(t, err, "42703", `column "f1" of relation`)
	// Nor a time, when the importer widened the table for counts without.
	err = asTx(t, eng, func(tx *sqlx.Tx) error {
		var part string
		var id int64
		if err := tx.QueryRow(`SELECT snapshot_id, part FROM warroom_restore_stage($1, 'c.csv', $2, NULL)`,
			f.incident, "00000000000000000000000000000000000000000000000000000000000000c3").Scan(&id, &part); err != nil {
			return err
		}
		if _, err := tx.Exec(`SELECT warroom_restore_widen($1, 1, false)`, id); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO ` + part + ` (merchant_id, e1, r1, a1) VALUES ('M1', 3, 1, now())`)
		return err
	})
	dbtest.WantPG(t, err, "42703", `column "a1" of relation`)
	for _, role := range []string{"finance", "viewer"} {
		conn, _ := f.login(t, role)
		err := asTx(t, conn, stageAndCommit)
		dbtest.WantPG(t, err, "42501", "permission denied for function warroom_restore_stage")
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`SELECT warroom_restore_widen(1, 1, false)`)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for function warroom_restore_widen")
		err = asTx(t, conn, func(tx *sqlx.Tx) error {
			_, err := tx.Exec(`INSERT INTO milestone_domains (milestone_id, incident_id, domain) VALUES ($1, $2, 'orders')`, f.milestone, f.incident)
			return err
		})
		dbtest.WantPG(t, err, "42501", "permission denied for table milestone_domains")
		var n int
		if err := conn.Get(&n, `SELECT count(*) FROM `+committed); err != nil || n != 1 {
			t.Fatalf("%s reads %s: %d rows, %v", role, committed, n, err)
		}
		if err := conn.Get(&n, `SELECT count(*) FROM restore_snapshots s, warroom_restore_merchant(s.id, 'M1') WHERE s.committed`); err != nil || n == 0 {
			t.Fatalf("%s reads a merchant's counts: %d, %v", role, n, err)
		}
	}
	// The imports committed stay: snapshots are never deleted, and each
	// was audited once, under restore_counts.
	_, err = eng.Exec(`DELETE FROM restore_snapshots`)
	dbtest.WantPG(t, err, "42501", "permission denied for table restore_snapshots")
	var audited int
	if err := f.admin.Get(&audited, `SELECT count(*) FROM audit_log WHERE table_name = 'restore_counts' AND op = 'INSERT'
		AND incident_id = $1 AND rows = 1`, f.incident); err != nil || audited != 2 {
		t.Fatalf("audit rows of the two imports: %d %v", audited, err)
	}
}
