package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/lib/pq"

	"warroom/access"
)

// What SECURITY.md admits: a superuser writing with session_replication_role
// = replica fires no trigger, so the write leaves no audit row and
// `audit verify` stays green. No other login may switch it on.
func TestReplicaModeWritesAreNotAudited(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	var before int
	if err := f.admin.Get(&before, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	tx := f.admin.MustBegin()
	tx.MustExec(`SET LOCAL session_replication_role = replica`)
	tx.MustExec(`UPDATE claims SET amount_fen = amount_fen * 10 WHERE id = $1`, f.claim)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var after int
	if err := f.admin.Get(&after, `SELECT count(*) FROM audit_log`); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("audit rows %d -> %d: the replica-mode write was audited after all; update SECURITY.md", before, after)
	}
	v, err := access.Verify(ctx, f.admin)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() {
		t.Fatalf("audit verify found the replica-mode write (%v): update SECURITY.md", v.Broken)
	}

	for _, role := range []string{"commander", "finance"} {
		conn, _ := f.login(t, role)
		_, err := conn.Exec(`SET session_replication_role = replica`)
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "42501" {
			t.Fatalf("%s setting session_replication_role: %v; want 42501 permission denied", role, err)
		}
	}
}
