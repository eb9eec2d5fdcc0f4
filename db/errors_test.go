package db_test

import (
	"errors"
	"testing"

	"warroom/db"
	"warroom/db/dbtest"
)

// "Needs approval" is recognised by its SQLSTATE (WR001, raised by
// warroom_refuse_unapproved), never by its wording: the same words under
// another code stay a plain permission error, and the code alone, whatever
// the message, is ErrNeedsApproval, which is a permission error too.
func TestNeedsApprovalIsItsSQLSTATE(t *testing.T) {
	conn := dbtest.New(t)
	_, err := conn.Exec(`SELECT warroom_refuse_unapproved('changing the moon')`)
	dbtest.WantPG(t, err, "WR001", "changing the moon needs a second authorisation")
	mapped := db.MapError(err)
	if !errors.Is(mapped, db.ErrNeedsApproval) || !errors.Is(mapped, db.ErrPermissionDenied) {
		t.Fatalf("WR001 maps to %v; want ErrNeedsApproval, a permission error", mapped)
	}

	_, err = conn.Exec(`DO $$ BEGIN RAISE EXCEPTION 'x needs a second authorisation' USING ERRCODE = 'insufficient_privilege'; END $$`)
	mapped = db.MapError(err)
	if errors.Is(mapped, db.ErrNeedsApproval) || !errors.Is(mapped, db.ErrPermissionDenied) {
		t.Fatalf("42501 with the approval wording maps to %v; want a plain permission error", mapped)
	}
	_, err = conn.Exec(`DO $$ BEGIN RAISE EXCEPTION 'worded otherwise' USING ERRCODE = 'WR001'; END $$`)
	if !errors.Is(db.MapError(err), db.ErrNeedsApproval) {
		t.Fatalf("WR001 worded otherwise maps to %v; want ErrNeedsApproval", db.MapError(err))
	}
}
