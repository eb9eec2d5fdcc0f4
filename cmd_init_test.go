package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/lib/pq"

	"warroom/db"
	"warroom/db/dbtest"
)

// ownerDatabase is a fresh empty database owned by a new login with
// CREATEROLE and nothing more, as SECURITY.md has a superuser set it up.
// It returns a URL builder for any login on that database.
func ownerDatabase(t *testing.T) (owner string, as func(login string) string) {
	t.Helper()
	ctx := context.Background()
	admin := dbtest.Open(t, dbtest.ServerURL())
	sfx := randomName()
	owner, name := "o_"+sfx, "wr_init_"+sfx
	admin.MustExec(`CREATE ROLE ` + owner + ` LOGIN CREATEROLE PASSWORD 'owner-pw'`)
	admin.MustExec(`CREATE DATABASE ` + name + ` OWNER ` + owner)
	t.Cleanup(func() {
		a, err := db.Open(ctx, dbtest.ServerURL())
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		var roles []string
		a.SelectContext(ctx, &roles, `SELECT rolname FROM pg_roles WHERE rolname LIKE '%' || $1`, sfx)
		for _, r := range roles {
			a.ExecContext(ctx, `DROP ROLE IF EXISTS `+r)
		}
	})
	return owner, func(login string) string {
		u, err := url.Parse(dbtest.ServerURL())
		if err != nil {
			t.Fatal(err)
		}
		u.User, u.Path = url.User(login), "/"+name
		return u.String()
	}
}

func randomName() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func pqCodeOf(err error) string {
	var e *pq.Error
	if errors.As(err, &e) {
		return string(e.Code)
	}
	return ""
}

// A database owner without superuser sets up a war room: init migrates and
// creates the first commanders, is refused for anyone else and once a
// commander exists, and the commanders then add users the usual way.
func TestInitByOwnerWithoutSuperuser(t *testing.T) {
	owner, as := ownerDatabase(t)
	sfx := strings.TrimPrefix(owner, "o_")
	c1, c2, c3, fin := "ca_"+sfx, "cb_"+sfx, "cc_"+sfx, "fi_"+sfx

	if code, _, errs := cli(t, as(owner), "init"); code != exitUsage || !strings.Contains(errs, "--commander") {
		t.Fatalf("init without --commander: exit %d: %s", code, errs)
	}
	code, out, errs := cli(t, as(owner), "init", "--commander", c1, "--commander", c2)
	if code != 0 {
		t.Fatalf("init by the owner: exit %d\n%s%s", code, out, errs)
	}
	for _, c := range []string{c1, c2} {
		if !regexp.MustCompile(`created commander ` + c + `\npassword \(shown only now\): \S{16,}\n`).MatchString(out) {
			t.Fatalf("init output lacks %s and a password:\n%s", c, out)
		}
	}
	ownerConn := dbtest.Open(t, as(owner))
	var super, createrole bool
	if err := ownerConn.QueryRow(`SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = session_user`).Scan(&super, &createrole); err != nil || super || !createrole {
		t.Fatalf("owner superuser %v createrole %v (%v): the test needs a plain CREATEROLE owner", super, createrole, err)
	}

	// A commander, in plain SQL, cannot name more commanders.
	_, err := dbtest.Open(t, as(c1)).Exec(`SELECT warroom_bootstrap(ARRAY['x_` + sfx + `'], ARRAY['SCRAM-SHA-256$4096:x'])`)
	if pqCodeOf(err) != "42501" || !strings.Contains(err.Error(), "permission denied for function warroom_bootstrap") {
		t.Fatalf("commander calling warroom_bootstrap: %v; want 42501 permission denied", err)
	}
	// The owner, once a commander exists, cannot either.
	code, _, errs = cli(t, as(owner), "init", "--commander", c3)
	if code == 0 || !strings.Contains(errs, "active commander already") {
		t.Fatalf("second init: exit %d: %s; want refused, active commander already", code, errs)
	}
	_, err = ownerConn.Exec(`SELECT warroom_bootstrap(ARRAY[$1], ARRAY['SCRAM-SHA-256$4096:x'])`, c3)
	if pqCodeOf(err) != "55000" {
		t.Fatalf("owner calling warroom_bootstrap with a commander present: %v; want 55000", err)
	}

	// The commanders add users: one asks, the other approves.
	code, out, errs = cli(t, as(c1), "user", "whoami", "--json")
	if code != 0 || !strings.Contains(out, `"superuser": false`) || !strings.Contains(out, `"commander"`) {
		t.Fatalf("whoami as %s: exit %d\n%s%s", c1, code, out, errs)
	}
	code, out, errs = cli(t, as(c1), "user", "add", fin, "--role", "finance")
	m := regexp.MustCompile(`warroom approvals approve (\d+)`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("user add by a commander: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := cli(t, as(c2), "approvals", "approve", m[1]); code != 0 {
		t.Fatalf("second commander approving: exit %d\n%s%s", code, out, errs)
	}
	var active bool
	if err := ownerConn.Get(&active, `SELECT active FROM warroom_users WHERE name = $1`, fin); err != nil || !active {
		t.Fatalf("%s active = %v (%v) after approval", fin, active, err)
	}
}
