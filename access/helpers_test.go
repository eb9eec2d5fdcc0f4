package access_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixture is a fresh database with a superuser connection and the demo-ish
// rows the role tests act on.
type fixture struct {
	url                  string
	admin                *sqlx.DB
	incident             int64
	entry, milestone     int64
	contributor, contrib int64
	claim                int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{url: dbtest.NewURL(t)}
	f.admin = dbtest.Open(t, f.url)
	a := f.admin
	must := func(dest any, q string, args ...any) {
		t.Helper()
		if err := a.Get(dest, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	must(&f.incident, `INSERT INTO incidents (slug, title, started_at) VALUES ('i', 'I', now()) RETURNING id`)
	a.MustExec(`INSERT INTO funds (incident_id) VALUES ($1)`, f.incident)
	must(&f.entry, `INSERT INTO timeline_entries (incident_id, kind, title, actual_start) VALUES ($1, 'note', 'n', now()) RETURNING id`, f.incident)
	must(&f.milestone, `INSERT INTO milestones (incident_id, key, title, position) VALUES ($1, 'core', 'Core', 1) RETURNING id`, f.incident)
	must(&f.contributor, `INSERT INTO contributors (incident_id, name, position, pledged_fen) VALUES ($1, 'co', 1, 100000000) RETURNING id`, f.incident)
	must(&f.contrib, `INSERT INTO contributions (contributor_id, amount_fen, received_at) VALUES ($1, 500, now()) RETURNING id`, f.contributor)
	var merchant int64
	must(&merchant, `INSERT INTO merchants (incident_id, merchant_id) VALUES ($1, 'M1') RETURNING id`, f.incident)
	must(&f.claim, `INSERT INTO claims (incident_id, merchant_id, plan, state, amount_fen) VALUES ($1, $2, 'cash', 'approved', 5000000) RETURNING id`, f.incident, merchant)
	return f
}

// login creates a login holding role (added by the superuser, so granted at
// once) and connects as it. Roles are cluster-wide: the name is random and
// the role is dropped when the test ends.
func (f *fixture) login(t *testing.T, role string) (*sqlx.DB, string) {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "t" + hex.EncodeToString(b) + "_" + role
	pw, req, err := access.AddUser(context.Background(), f.admin, name, role)
	if err != nil || req != 0 {
		t.Fatalf("add %s: %v (request %d)", name, err, req)
	}
	t.Cleanup(func() { dropRole(f.url, name) })
	u, err := url.Parse(f.url)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(name, pw)
	return dbtest.Open(t, u.String()), name
}

func dropRole(dbURL, name string) {
	ctx := context.Background()
	a, err := db.Open(ctx, dbURL)
	if err != nil {
		return
	}
	defer a.Close()
	a.ExecContext(ctx, `DROP OWNED BY `+name)
	a.ExecContext(ctx, `DROP ROLE IF EXISTS `+name)
}

// asTx runs fn in a transaction that is rolled back, so each case starts
// from the same rows.
func asTx(t *testing.T, conn *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	t.Helper()
	tx, err := conn.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

// incidentWithTwoMerchants is a second incident, with a fund and merchants
// A (industry x) and B (y) and no sales: what the computation tests by
// role compute claims for.
func (f *fixture) incidentWithTwoMerchants(t *testing.T) int64 {
	t.Helper()
	var inc int64
	if err := f.admin.Get(&inc, `INSERT INTO incidents (slug, title, started_at) VALUES ('j', 'J', now()) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	f.admin.MustExec(`INSERT INTO funds (incident_id, baseline_start, baseline_end, outage_start, outage_end)
		VALUES ($1, '2020-02-17T19:00:00+08:00', '2020-02-23T19:00:00+08:00', '2020-02-23T19:00:00+08:00', '2020-03-03T09:00:00+08:00')`, inc)
	f.admin.MustExec(`INSERT INTO merchants (incident_id, merchant_id, industry) VALUES ($1, 'A', 'x'), ($1, 'B', 'y')`, inc)
	return inc
}
