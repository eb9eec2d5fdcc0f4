package access

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
	"time"

	"warroom/db"
)

var userPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// User is a login of this database and the role it holds or awaits.
type User struct {
	Name      string     `db:"name" json:"name"`
	Role      string     `db:"role" json:"role"`
	Active    bool       `db:"active" json:"active"` // false: role awaiting approval, or revoked
	CanLogin  bool       `db:"can_login" json:"can_login"`
	CreatedBy string     `db:"created_by" json:"created_by"`
	CreatedAt time.Time  `db:"created_at" json:"created_at"`
	RevokedBy *string    `db:"revoked_by" json:"revoked_by,omitempty"`
	RevokedAt *time.Time `db:"revoked_at" json:"revoked_at,omitempty"`
}

func validateUser(name, role string) error {
	if !userPattern.MatchString(name) || strings.HasPrefix(name, "pg_") || strings.HasPrefix(name, "warroom_") {
		return db.Invalid("name", "%q: lower-case letters, digits and _, starting with a letter, at most 48, not pg_ or warroom_", name)
	}
	if !slices.Contains(Roles, role) {
		return db.Invalid("role", "%q is not one of %s", role, strings.Join(Roles, ", "))
	}
	return nil
}

// AddUser creates a login for name with a new password, returned once and
// stored nowhere. A commander's new user gets role only when a second
// commander approves the returned request; requestID is 0 when it was
// granted at once (a superuser bootstrapping the first commanders).
func AddUser(ctx context.Context, q db.Querier, name, role string) (password string, requestID int64, err error) {
	if err := validateUser(name, role); err != nil {
		return "", 0, err
	}
	password = newPassword()
	verifier, err := scramVerifier(password)
	if err != nil {
		return "", 0, err
	}
	var req sql.NullInt64
	if err := q.GetContext(ctx, &req, `SELECT warroom_user_add($1, $2, $3)`, name, role, verifier); err != nil {
		return "", 0, db.MapError(err)
	}
	return password, req.Int64, nil
}

// Users lists this database's logins, oldest first.
func Users(ctx context.Context, q db.Querier) ([]User, error) {
	var out []User
	err := q.SelectContext(ctx, &out, `
		SELECT u.name, u.role, u.active, COALESCE(r.rolcanlogin, false) AS can_login,
		       u.created_by, u.created_at, u.revoked_by, u.revoked_at
		FROM warroom_users u LEFT JOIN pg_roles r ON r.rolname = u.name
		ORDER BY u.created_at, u.name`)
	return out, db.MapError(err)
}

// RevokeUser takes every warroom role and the login away at once, and
// rejects the user's pending requests.
func RevokeUser(ctx context.Context, q db.Querier, name string) error {
	_, err := q.ExecContext(ctx, `SELECT warroom_user_revoke($1)`, name)
	return db.MapError(err)
}

// RequestRole asks for name to hold role instead of its current one; a
// second commander approves it.
func RequestRole(ctx context.Context, q db.Querier, name, role, reason string) (int64, error) {
	if err := validateUser(name, role); err != nil {
		return 0, err
	}
	return Request(ctx, q, OpRoleGrant, 0, map[string]string{"user": name, "role": role}, reason, 0)
}

// Me is who the session acts as and the warroom roles it holds.
type Me struct {
	Name      string   `json:"name"`
	Superuser bool     `json:"superuser"`
	Roles     []string `json:"roles"`
}

// WhoAmI says who this connection acts as.
func WhoAmI(ctx context.Context, q db.Querier) (Me, error) {
	var me Me
	err := q.QueryRowxContext(ctx, `
		SELECT warroom_actor(), COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)`).
		Scan(&me.Name, &me.Superuser)
	if err != nil {
		return me, db.MapError(err)
	}
	for _, r := range Roles {
		var has bool
		if err := q.GetContext(ctx, &has, `SELECT warroom_has_role($1)`, r); err != nil {
			return me, db.MapError(err)
		}
		if has {
			me.Roles = append(me.Roles, r)
		}
	}
	return me, nil
}
