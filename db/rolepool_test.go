package db_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"testing"

	"warroom/access"
	"warroom/db"
	"warroom/db/dbtest"
)

// TestRolePoolActsAsEachPerson: forty concurrent readers for two people
// over a pool of two connections. Each reads as its own person, the
// authenticator never holds more than two connections, a role it was not
// granted is refused, and the bare authenticator (Admin) is nobody.
func TestRolePoolActsAsEachPerson(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.NewURL(t)
	admin := dbtest.Open(t, dbURL)
	suffix := func() string { b := make([]byte, 4); _, _ = rand.Read(b); return hex.EncodeToString(b) }
	var people []string
	for _, role := range []string{"viewer", "engineer"} {
		name := "t" + suffix() + "_" + role
		if _, _, err := access.AddUser(ctx, admin, name, role); err != nil {
			t.Fatal(err)
		}
		people = append(people, name)
		t.Cleanup(func() { admin.Exec(`DROP OWNED BY ` + name); admin.Exec(`DROP ROLE ` + name) })
	}
	authName := "tauth_" + suffix()
	if err := access.CreateAuthenticator(ctx, admin, authName, "pw"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP OWNED BY ` + authName); admin.Exec(`DROP ROLE ` + authName) })
	u, _ := url.Parse(dbURL)
	u.User = url.UserPassword(authName, "pw")

	pool, err := db.NewRolePool(u.String(), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	var maxConns int
	var mu sync.Mutex
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			person := people[i%2]
			h := pool.As(person)
			defer h.Close()
			tx, err := h.BeginTxx(ctx, nil)
			if err != nil {
				errs <- err
				return
			}
			defer tx.Rollback()
			var cur, login string
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT current_user, warroom_login(),
				(SELECT count(*) FROM pg_stat_activity WHERE usename = $1)`, authName).Scan(&cur, &login, &n); err != nil {
				errs <- err
				return
			}
			if cur != person || login != person {
				errs <- fmt.Errorf("reader for %s ran as %s (warroom_login %s)", person, cur, login)
			}
			mu.Lock()
			maxConns = max(maxConns, n)
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if maxConns > 2 || maxConns == 0 {
		t.Fatalf("authenticator held %d connections at once, pool of 2", maxConns)
	}

	// A connection comes back without the role: the bare handle is the
	// authenticator, holding no warroom role.
	var cur string
	var has bool
	if err := pool.Admin().QueryRowContext(ctx, `SELECT current_user, warroom_has_role('viewer')`).Scan(&cur, &has); err != nil {
		t.Fatal(err)
	}
	if cur != authName || has {
		t.Fatalf("bare handle is %s (viewer: %v), want %s without roles", cur, has, authName)
	}
	_, err = pool.As("postgres").ExecContext(ctx, `SELECT 1`)
	dbtest.WantPG(t, err, "42501", "permission denied to set role")
}
