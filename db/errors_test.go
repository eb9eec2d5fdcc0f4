package db_test

import (
	"errors"
	"strings"
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

// A refusal reads once: the kind prefixes the server's message unless the
// message already starts with it. PostgreSQL's own refusal of a table is
// said in the glossary's words, the table kept.
func TestMappedErrorSaysItOnce(t *testing.T) {
	conn := dbtest.New(t)
	_, err := conn.Exec(`DO $$ BEGIN RAISE EXCEPTION 'permission denied for table margin_rates' USING ERRCODE = 'insufficient_privilege'; END $$`)
	want := "permission denied: your login's role does not cover margin rates (table margin_rates); `warroom user list` shows each login's role"
	if got := db.MapError(err).Error(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	_, err = conn.Exec(`DO $$ BEGIN RAISE EXCEPTION 'only the owner may' USING ERRCODE = 'insufficient_privilege'; END $$`)
	if got := db.MapError(err).Error(); got != "permission denied: only the owner may" {
		t.Fatalf("got %q", got)
	}
	_, err = conn.Exec(`DO $$ BEGIN RAISE EXCEPTION 'permission denied for function warroom_restore_stage' USING ERRCODE = 'insufficient_privilege'; END $$`)
	want = "permission denied: your login's role may not do this (function warroom_restore_stage); `warroom user list` shows each login's role"
	if got := db.MapError(err).Error(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// A money constraint says what it means instead of the failing row.
	_, err = conn.Exec(`DO $$ BEGIN RAISE EXCEPTION 'new row for relation "funds" violates check constraint "fund_not_overdrawn"'
		USING ERRCODE = 'check_violation', CONSTRAINT = 'fund_not_overdrawn', DETAIL = 'Failing row contains (2, CNY, 100).'; END $$`)
	got := db.MapError(err).Error()
	if !strings.Contains(got, "the fund would be overdrawn") || strings.Contains(got, "Failing row") || !errors.Is(db.MapError(err), db.ErrCheckViolation) {
		t.Fatalf("got %q", got)
	}
}
