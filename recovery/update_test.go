package recovery_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/db/dbtest"
	"warroom/recovery"
)

func ptr[T any](v T) *T { return &v }

func planWithCore(t *testing.T) (*sqlx.DB, int64) {
	t.Helper()
	conn := dbtest.New(t)
	var inc int64
	if err := conn.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('u', 'U', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	err := db.Write(context.Background(), conn, "lead", func(tx *sqlx.Tx) error {
		_, err := recovery.Add(context.Background(), tx, inc, recovery.NewMilestone{Key: "core", Title: "Core env", Owner: "SRE"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return conn, inc
}

func set(conn *sqlx.DB, actor string, inc int64, c recovery.Change) (recovery.Milestone, error) {
	var m recovery.Milestone
	err := db.Write(context.Background(), conn, actor, func(tx *sqlx.Tx) error {
		var err error
		m, err = recovery.Set(context.Background(), tx, inc, c)
		return err
	})
	return m, err
}

func TestSetRecordsHistoryAndTimes(t *testing.T) {
	ctx := context.Background()
	conn, inc := planWithCore(t)
	m, err := set(conn, "alice", inc, recovery.Change{Key: "core", Progress: ptr(40), Status: ptr("in_progress"), Note: "restoring"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Progress != 40 || m.Status != "in_progress" || m.UpdatedBy != "alice" || m.ActualStart == nil || m.ActualEnd != nil || m.Version != 2 {
		t.Fatalf("after first update: %+v", m)
	}
	m, err = set(conn, "bob", inc, recovery.Change{Key: "core", Status: ptr("done")})
	if err != nil {
		t.Fatal(err)
	}
	if m.Progress != 100 || m.ActualEnd == nil {
		t.Fatalf("done must mean 100%% and an end time: %+v", m)
	}
	h, err := recovery.History(ctx, conn, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Author != "alice" || *h[0].FromStatus != "planned" || *h[0].FromProgress != 0 ||
		h[0].ToProgress != 40 || h[0].Note != "restoring" || h[1].Author != "bob" || h[1].ToStatus != "done" {
		t.Fatalf("history %+v", h)
	}
}

func TestSetRefusesBadInputAndWritesNothing(t *testing.T) {
	conn, inc := planWithCore(t)
	cases := []struct {
		c     recovery.Change
		field string
	}{
		{recovery.Change{Key: "core", Progress: ptr(140)}, "progress"},
		{recovery.Change{Key: "core", Progress: ptr(-1)}, "progress"},
		{recovery.Change{Key: "core", Status: ptr("finished")}, "status"},
		{recovery.Change{Key: "core", Status: ptr("blocked")}, "note"},
		{recovery.Change{Key: "core", Status: ptr("done"), Progress: ptr(90)}, "progress"},
		{recovery.Change{Key: "core"}, "progress"},
	}
	for _, tc := range cases {
		_, err := set(conn, "x", inc, tc.c)
		var fe *db.FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, db.ErrInvalidInput) {
			t.Errorf("%+v: err %v, want a FieldError on %s", tc.c, err, tc.field)
		}
	}
	if _, err := set(conn, "x", inc, recovery.Change{Key: "nope", Progress: ptr(1)}); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("unknown key: %v", err)
	}
	updates := dbtest.Get[int](t, conn, `SELECT count(*) FROM milestone_updates`)
	version := dbtest.Get[int](t, conn, `SELECT version FROM milestones WHERE key = 'core'`)
	if updates != 0 || version != 1 {
		t.Fatalf("refused updates wrote: %d history rows, version %d", updates, version)
	}
	if _, err := set(conn, "x", inc, recovery.Change{Key: "core", Status: ptr("blocked"), Note: "waiting for the cloud team"}); err != nil {
		t.Fatalf("blocked with a note: %v", err)
	}
}

// Two people edit the same milestone from version 1: the second save is
// refused, naming who changed it, and the first save stands.
func TestSetRefusesStaleVersion(t *testing.T) {
	conn, inc := planWithCore(t)
	if _, err := set(conn, "alice", inc, recovery.Change{Key: "core", ExpectVersion: 1, Progress: ptr(30)}); err != nil {
		t.Fatal(err)
	}
	_, err := set(conn, "bob", inc, recovery.Change{Key: "core", ExpectVersion: 1, Progress: ptr(60)})
	var ce *db.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, db.ErrConflict) || ce.By != "alice" || !strings.Contains(err.Error(), "was changed by alice at") || strings.Contains(err.Error(), "reload?") {
		t.Fatalf("stale save: %v", err)
	}
	progress := dbtest.Get[int](t, conn, `SELECT progress FROM milestones WHERE key = 'core'`)
	if progress != 30 {
		t.Fatalf("progress %d after a refused save, want 30", progress)
	}
	// A raw SQL edit also bumps the version, so it is not overwritten either.
	conn.MustExec(`UPDATE milestones SET owner = 'DBA' WHERE key = 'core'`)
	if _, err := set(conn, "alice", inc, recovery.Change{Key: "core", ExpectVersion: 2, Progress: ptr(50)}); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("save over a psql edit: %v", err)
	}
}

func TestAddAndMove(t *testing.T) {
	ctx := context.Background()
	conn, inc := planWithCore(t)
	write := func(fn func(tx *sqlx.Tx) error) error { return db.Write(ctx, conn, "lead", fn) }
	for _, k := range []string{"merge", "cutover"} {
		if err := write(func(tx *sqlx.Tx) error {
			_, err := recovery.Add(ctx, tx, inc, recovery.NewMilestone{Key: k, Title: k})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	err := write(func(tx *sqlx.Tx) error {
		_, err := recovery.Add(ctx, tx, inc, recovery.NewMilestone{Key: "merge", Title: "again"})
		return err
	})
	dbtest.WantConstraint(t, err, "23505", "milestones_incident_id_key_key")
	err = write(func(tx *sqlx.Tx) error {
		_, err := recovery.Add(ctx, tx, inc, recovery.NewMilestone{Key: "Bad Key", Title: "x"})
		return err
	})
	if !errors.Is(err, db.ErrInvalidInput) {
		t.Fatalf("bad key: %v", err)
	}
	if err := write(func(tx *sqlx.Tx) error { return recovery.Move(ctx, tx, inc, "cutover", -1, 0) }); err != nil {
		t.Fatal(err)
	}
	if err := write(func(tx *sqlx.Tx) error { return recovery.Move(ctx, tx, inc, "core", -1, 0) }); err != nil {
		t.Fatal(err) // already first: no-op
	}
	ms, err := recovery.Milestones(ctx, conn, inc)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.Key)
	}
	if strings.Join(keys, ",") != "core,cutover,merge" {
		t.Fatalf("order after move: %v", keys)
	}
}
