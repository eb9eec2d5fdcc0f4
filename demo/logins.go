package demo

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"warroom/db"
)

// warRoomData is the demo's people as database logins, and who requested
// and approved the payouts that needed a second person.
type warRoomData struct {
	About           string      `json:"about"`
	Logins          []loginData `json:"logins"`
	ConsoleLogin    string      `json:"console_login"`
	PayoutRequester string      `json:"payout_requester"`
	PayoutApprover  string      `json:"payout_approver"`
	RequestHours    int         `json:"request_hours_before_payout"`
	RequestReason   string      `json:"payout_request_reason"`
}

type loginData struct {
	Login string `json:"login"`
	Role  string `json:"role"`
}

// The names warroom_user_add accepts.
var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

func (w warRoomData) validate() error {
	var errs []error
	roles := map[string]string{}
	commanders := 0
	for _, l := range w.Logins {
		if !loginPattern.MatchString(l.Login) || l.Login == "postgres" || l.Login == "public" {
			errs = append(errs, fmt.Errorf("war_room login %q: lower-case letters, digits and _", l.Login))
		}
		switch l.Role {
		case "commander":
			commanders++
		case "engineer", "finance", "viewer":
		default:
			errs = append(errs, fmt.Errorf("war_room login %q: role %q", l.Login, l.Role))
		}
		if _, dup := roles[l.Login]; dup {
			errs = append(errs, fmt.Errorf("war_room login %q listed twice", l.Login))
		}
		roles[l.Login] = l.Role
	}
	if commanders < 2 {
		errs = append(errs, fmt.Errorf("war_room: %d commanders; a role grant needs a second one", commanders))
	}
	if roles[w.ConsoleLogin] != "commander" {
		errs = append(errs, fmt.Errorf("war_room console_login %q is not a commander login", w.ConsoleLogin))
	}
	for _, who := range []string{w.PayoutRequester, w.PayoutApprover} {
		if r := roles[who]; r != "finance" && r != "commander" {
			errs = append(errs, fmt.Errorf("war_room: %q cannot request or approve payouts (role %q)", who, r))
		}
	}
	if w.PayoutRequester == w.PayoutApprover {
		errs = append(errs, fmt.Errorf("war_room: payouts requested and approved by the same person %q", w.PayoutApprover))
	}
	if w.RequestHours < 1 || w.RequestHours > 23 {
		errs = append(errs, fmt.Errorf("war_room request_hours_before_payout %d: 1 to 23 (a request lasts 24 hours)", w.RequestHours))
	}
	if w.RequestReason == "" {
		errs = append(errs, errors.New("war_room payout_request_reason missing"))
	}
	return errors.Join(errs...)
}

// EnsureLogins makes the demo's people logins of the database conn points
// at, each with its role granted at once, unless it is a user of it
// already (a revoked one stays revoked). It needs a superuser, and is meant
// for the embedded database, whose socket trusts its OS account: the logins
// get no password, so on a server that asks for one they cannot log in.
// Roles are cluster-wide: an existing role of that name is reused, unless
// it is a superuser.
func EnsureLogins(ctx context.Context, conn *sqlx.DB) error {
	d, err := scenario()
	if err != nil {
		return err
	}
	names := make([]string, len(d.WarRoom.Logins))
	for i, l := range d.WarRoom.Logins {
		names[i] = l.Login
	}
	var have int
	if err := conn.GetContext(ctx, &have, `SELECT count(*) FROM warroom_users WHERE name = ANY($1)`, pq.Array(names)); err != nil {
		return db.MapError(err)
	}
	if have == len(names) {
		return nil
	}
	return db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		for _, l := range d.WarRoom.Logins {
			if err := ensureLogin(ctx, tx, l); err != nil {
				return fmt.Errorf("login %s: %w", l.Login, err)
			}
		}
		return nil
	})
}

func ensureLogin(ctx context.Context, tx *sqlx.Tx, l loginData) error {
	var super bool
	err := tx.GetContext(ctx, &super, `SELECT rolsuper FROM pg_roles WHERE rolname = $1`, l.Login)
	switch {
	case err == nil && super:
		return fmt.Errorf("a superuser role of that name exists on this server")
	case err != nil && !errors.Is(db.MapError(err), db.ErrNotFound):
		return db.MapError(err)
	case err != nil:
		// Another database of the cluster may create it at the same moment.
		if _, err := tx.ExecContext(ctx, `SAVEPOINT demo_login`); err != nil {
			return db.MapError(err)
		}
		if _, err := tx.ExecContext(ctx, `CREATE ROLE `+pq.QuoteIdentifier(l.Login)+` LOGIN INHERIT`); err != nil {
			var pqErr *pq.Error
			if !errors.As(err, &pqErr) || (pqErr.Code != "42710" && pqErr.Code != "23505") {
				return db.MapError(err)
			}
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT demo_login`); err != nil {
				return db.MapError(err)
			}
		}
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO warroom_users (name, role, active, created_by) VALUES ($1, $2, true, $3)
		ON CONFLICT (name) DO NOTHING`, l.Login, l.Role, demoAuthor)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // a user already: its role and state are the database's business
	}
	var dbName string
	if err := tx.GetContext(ctx, &dbName, `SELECT current_database()`); err != nil {
		return db.MapError(err)
	}
	for _, stmt := range []string{
		`GRANT CONNECT ON DATABASE ` + pq.QuoteIdentifier(dbName) + ` TO ` + pq.QuoteIdentifier(l.Login),
		`GRANT ` + pq.QuoteIdentifier("warroom_"+l.Role) + ` TO ` + pq.QuoteIdentifier(l.Login),
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return db.MapError(err)
		}
	}
	return nil
}
