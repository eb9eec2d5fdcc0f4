package access_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

// Every table in public carries the audit and no-delete triggers, including
// tables other migrations add: a new table without warroom_protect_table
// fails here.
func TestEveryTableIsAudited(t *testing.T) {
	f := newFixture(t)
	var missing []string
	err := f.admin.Select(&missing, `
		SELECT c.relname || ' lacks ' || t.name
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		CROSS JOIN unnest(ARRAY['audit_insert', 'audit_update', 'audit_delete', 'no_delete']) AS t(name)
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
		  AND c.relname NOT IN ('audit_log', 'audit_chain', 'audit_head', 'warroom_schema_version')
		  AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = t.name AND g.tgenabled <> 'D')
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Fatalf("tables outside the audit (call warroom_protect_table in their migration):\n%s", strings.Join(missing, "\n"))
	}
}

func TestAuditRecordsWhoWhatBeforeAfter(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	eng, name := f.login(t, access.Engineer)
	if _, err := eng.Exec(`UPDATE milestones SET progress = 40 WHERE id = $1`, f.milestone); err != nil {
		t.Fatal(err)
	}
	got, err := access.Audit(ctx, f.admin, access.AuditFilter{Table: "milestones", Limit: 1})
	if err != nil || len(got) != 1 {
		t.Fatalf("audit: %v %v", got, err)
	}
	e := got[0]
	var before, after []map[string]any
	json.Unmarshal(e.Before, &before)
	json.Unmarshal(e.After, &after)
	if e.Login != name || e.Op != "UPDATE" || e.Rows != 1 || e.IncidentID == nil || *e.IncidentID != f.incident ||
		len(before) != 1 || before[0]["progress"] != 0.0 || after[0]["progress"] != 40.0 {
		t.Fatalf("entry %+v before %v after %v", e, before, after)
	}
	// Paging: the next page starts below the last seq seen.
	all, err := access.Audit(ctx, f.admin, access.AuditFilter{Limit: 3})
	if err != nil || len(all) != 3 {
		t.Fatalf("first page: %d entries, %v", len(all), err)
	}
	next, err := access.Audit(ctx, f.admin, access.AuditFilter{Limit: 3, BeforeSeq: all[2].Seq})
	if err != nil || len(next) == 0 || next[0].Seq != all[2].Seq-1 {
		t.Fatalf("paging: %d then %d entries", len(all), len(next))
	}
	// A big statement keeps a count and a digest, not the rows.
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id) SELECT $1, 'B' || g FROM generate_series(1, 1500) g`, f.incident)
	big, err := access.Audit(ctx, f.admin, access.AuditFilter{Table: "merchants", Limit: 1})
	if err != nil || len(big) != 1 || big[0].Rows != 1500 || !strings.Contains(string(big[0].After), `"digest"`) {
		t.Fatalf("bulk entry %+v", big)
	}
	// The digest is of those rows: the order-free sum of each row's hash.
	var want string
	if err := f.admin.Get(&want, `SELECT 'sum-hash64:' || sum(hash_record_extended(x, 0))::text
		FROM merchants x WHERE incident_id = $1 AND merchant_id LIKE 'B%'`, f.incident); err != nil {
		t.Fatal(err)
	}
	var bulk struct{ Digest string }
	if err := json.Unmarshal(big[0].After, &bulk); err != nil || bulk.Digest != want {
		t.Fatalf("bulk digest %q, rows hash to %q (%v)", bulk.Digest, want, err)
	}
}

// The owner (here a superuser) cannot change the trail either: only by
// disabling the triggers, which verify then catches.
func TestAuditIsAppendOnlyEvenForSuperuser(t *testing.T) {
	f := newFixture(t)
	for _, q := range []string{
		`UPDATE audit_log SET actor = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log CASCADE`,
		`UPDATE audit_chain SET hash = hash`, `DELETE FROM audit_chain`, `TRUNCATE audit_chain`,
		`TRUNCATE merchants CASCADE`,
	} {
		if _, err := f.admin.Exec(q); !errors.Is(db.MapError(err), db.ErrPermissionDenied) {
			t.Errorf("%s as superuser: %v", q, err)
		}
	}
}

func verifyOK(t *testing.T, conn *sqlx.DB) access.Verification {
	t.Helper()
	v, err := access.Verify(context.Background(), conn)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() {
		t.Fatalf("intact chain reported broken: %v", v.Broken)
	}
	return v
}

func TestVerifyFindsTampering(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		tamper string // run by a superuser with the protecting triggers off
		reason string
	}{
		{"altered row", `ALTER TABLE audit_log DISABLE TRIGGER append_only;
			UPDATE audit_log SET actor = 'innocent' WHERE id = (SELECT audit_id FROM audit_chain WHERE seq = 3);
			ALTER TABLE audit_log ENABLE TRIGGER append_only`, "hash mismatch"},
		{"altered before image", `ALTER TABLE audit_log DISABLE TRIGGER append_only;
			UPDATE audit_log SET before = '[]' WHERE id = (SELECT audit_id FROM audit_chain WHERE seq = 3);
			ALTER TABLE audit_log ENABLE TRIGGER append_only`, "hash mismatch"},
		{"deleted link", `ALTER TABLE audit_chain DISABLE TRIGGER append_only;
			DELETE FROM audit_chain WHERE seq = 3;
			ALTER TABLE audit_chain ENABLE TRIGGER append_only`, "missing"},
		{"deleted row", `ALTER TABLE audit_log DISABLE TRIGGER ALL;
			DELETE FROM audit_log WHERE id = (SELECT audit_id FROM audit_chain WHERE seq = 3);
			ALTER TABLE audit_log ENABLE TRIGGER ALL`, "deleted"},
		{"unchained write", `ALTER TABLE audit_log DISABLE TRIGGER chain;
			UPDATE milestones SET progress = 77;
			ALTER TABLE audit_log ENABLE TRIGGER chain`, "missing from the chain"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			before := verifyOK(t, f.admin)
			if before.Checked < 5 {
				t.Fatalf("only %d links to test on", before.Checked)
			}
			if _, err := f.admin.Exec(c.tamper); err != nil {
				t.Fatal(err)
			}
			v, err := access.Verify(ctx, f.admin)
			if err != nil {
				t.Fatal(err)
			}
			if v.OK() || !strings.Contains(v.Broken.Reason, c.reason) {
				t.Fatalf("after %s: %+v", c.name, v.Broken)
			}
			if c.name != "unchained write" && v.Broken.Seq != 3 {
				t.Fatalf("first broken link #%d, want #3", v.Broken.Seq)
			}
		})
	}
}

// Rewriting the whole chain consistently is possible for a superuser; a
// published anchor shows it.
func TestVerifyAnchor(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := verifyOK(t, f.admin)
	a := access.Anchor{Seq: v.HeadSeq, Hash: v.HeadHash}
	if v2, err := access.Verify(ctx, f.admin, a); err != nil || !v2.OK() {
		t.Fatalf("own anchor: %v %v", v2.Broken, err)
	}
	bad := access.Anchor{Seq: 2, Hash: strings.Repeat("0", 64)}
	if v2, err := access.Verify(ctx, f.admin, bad); err != nil || v2.OK() || v2.Broken.Seq != 2 {
		t.Fatalf("wrong anchor: %+v %v", v2.Broken, err)
	}
	far := access.Anchor{Seq: v.HeadSeq + 10, Hash: v.HeadHash}
	if v2, err := access.Verify(ctx, f.admin, far); err != nil || v2.OK() {
		t.Fatalf("anchor past the end of the chain accepted (%v)", err)
	}
	if _, err := access.ParseAnchor("3:zz"); err == nil {
		t.Fatal("bad anchor parsed")
	}
}

// Concurrent writers append one at a time: the chain has no fork and no gap.
func TestChainUnderConcurrentWriters(t *testing.T) {
	f := newFixture(t)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				_, err := f.admin.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, actual_start)
					VALUES ($1, 'note', $2, now())`, f.incident, w*1000+i)
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	v := verifyOK(t, f.admin)
	n := dbtest.Get[int64](t, f.admin, `SELECT count(*) FROM audit_log`)
	if v.Checked != n {
		t.Fatalf("chain has %d links for %d audit rows", v.Checked, n)
	}
}
