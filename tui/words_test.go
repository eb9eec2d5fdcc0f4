package tui

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/glossary/glossarytest"
	"warroom/incident"
	"warroom/recovery"
)

// markGlossary is glossarytest.Mark with the words as a set.
func markGlossary(t *testing.T, conn *sqlx.DB) (raw *regexp.Regexp, lower map[string]bool) {
	t.Helper()
	raw, words := glossarytest.Mark(t, conn)
	lower = map[string]bool{}
	for _, w := range words {
		lower[w] = true
	}
	return raw, lower
}

// Every plan, status and operation the console shows comes from the
// glossary, never in its machine spelling, on every view of the demo.
func TestConsoleSpeaksTheGlossary(t *testing.T) {
	conn := demoDB(t)
	raw, lower := markGlossary(t, conn)
	inc := firstIncident(t, conn)
	// The demo has no in-progress milestone and no won't-do item: make them.
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		st, p := "in_progress", 60
		_, err := recovery.Set(ctx, tx, inc, recovery.Change{Key: "core-env", Status: &st, Progress: &p, Note: "reopened"})
		return err
	})
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		st := "wont_do"
		_, err := incident.SetActionItem(ctx, tx, inc, 3, incident.ActionChange{Status: &st, Reason: "superseded"})
		return err
	})
	// The database writes a role's timeline entry in the same words.
	write(t, conn, "alice", func(ctx context.Context, tx *sqlx.Tx) error {
		_, err := incident.AssignRole(ctx, tx, inc, "comms-lead", "Wu Bo")
		return err
	})
	entry := firstEntry(t, conn)
	requestAs(t, conn, "alice", access.OpVoidEntry, map[string]int64{"entry_id": entry}, "duplicate")

	m := sideModel(t, conn, Options{Actor: "bob"}, 160, 60)
	for _, v := range m.views {
		if f, ok := v.(*fundView); ok {
			f.tick = noTick // its polls would sleep in settle
		}
	}
	check := func(name, s string, wants ...string) {
		t.Helper()
		if got := raw.FindString(s); got != "" {
			t.Errorf("%s shows the machine spelling %q:\n%s", name, got, s)
		}
		for w := range lower {
			if strings.Contains(s, w) {
				t.Errorf("%s shows %q not taken from the glossary:\n%s", name, w, s)
			}
		}
		for _, w := range wants {
			if !strings.Contains(s, w) {
				t.Errorf("%s lacks %q:\n%s", name, w, s)
			}
		}
	}
	check("timeline", screen(keys(t, m, "1")), "Wu Bo is COMMS LEAD")
	check("restore", screen(keys(t, m, "2")), "IN PROGRESS", "done  ") // history: "done 100% -> IN PROGRESS 60%"
	check("accountability", screen(keys(t, m, "3")), "IN PROGRESS", "WON'T DO")
	check("fund", screen(keys(t, m, "4")), "1,812/3,000 claims")
	check("claims", screen(pressSettle(t, m, "4", "c")), "IN KIND", "1,421", "+ IN KIND ")
	check("merchants", screen(pressSettle(t, m, "4", "m")), "IN KIND")
	check("approvals", screen(keys(t, m, "5")), "VOID ENTRY")
	check("audit", screen(keys(t, m, "6")))
	// Approving says what changed, in words.
	m = pressSettle(t, m, "5", "a", "y")
	check("approved", screen(m), fmt.Sprintf("VOID ENTRY: timeline entry %d voided", entry))
	check("decided", screen(pressSettle(t, m, "d")), "VOID ENTRY", "approved")
}

// A save refused while disconnected says "not saved:" once.
func TestNotSavedSaysSoOnce(t *testing.T) {
	m := Model{feedDown: true}
	var f form
	f.Fail(m.writeBlocked(), nil)
	if strings.Count(f.msg, "not saved") != 1 || !strings.Contains(f.msg, "disconnected from the database") {
		t.Fatalf("form message %q", f.msg)
	}
	f.Fail(errors.New("boom"), nil)
	if f.msg != "not saved: boom" {
		t.Fatalf("form message %q", f.msg)
	}
}

func firstIncident(t *testing.T, conn *sqlx.DB) int64 {
	t.Helper()
	var id int64
	if err := conn.Get(&id, `SELECT id FROM incidents LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return id
}
