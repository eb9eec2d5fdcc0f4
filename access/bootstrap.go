package access

import (
	"context"

	"github.com/lib/pq"

	"warroom/db"
)

// FirstCommander is a commander created by Bootstrap, with the password
// shown once and stored nowhere.
type FirstCommander struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// Bootstrap creates the first commanders of a database, their role granted
// at once. The database refuses anyone but the schema's owner (or a
// superuser), and refuses once an active commander exists: from then on
// commanders add users and a second commander approves each role.
func Bootstrap(ctx context.Context, q db.Querier, names []string) ([]FirstCommander, error) {
	if len(names) == 0 {
		return nil, db.Invalid("--commander", "name at least one commander")
	}
	out := make([]FirstCommander, len(names))
	verifiers := make([]string, len(names))
	seen := map[string]bool{}
	for i, n := range names {
		if err := validateUser(n, "commander"); err != nil {
			return nil, err
		}
		if seen[n] {
			return nil, db.Invalid("--commander", "%q named twice", n)
		}
		seen[n] = true
		pw := newPassword()
		v, err := scramVerifier(pw)
		if err != nil {
			return nil, err
		}
		out[i], verifiers[i] = FirstCommander{Name: n, Password: pw}, v
	}
	if _, err := q.ExecContext(ctx, `SELECT warroom_bootstrap($1, $2)`, pq.Array(names), pq.Array(verifiers)); err != nil {
		return nil, db.MapError(err)
	}
	return out, nil
}
