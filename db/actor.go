package db

import "context"

// SetActor names who the current transaction's changes are attributed to
// (history rows, notifications). Empty leaves the database login.
func SetActor(ctx context.Context, q Querier, name string) error {
	if name == "" {
		return nil
	}
	_, err := q.ExecContext(ctx, `SELECT set_config('warroom.actor', $1, true)`, name)
	return MapError(err)
}

// Actor is the name the current session's changes are attributed to.
func Actor(ctx context.Context, q Querier) (string, error) {
	var who string
	err := q.GetContext(ctx, &who, `SELECT warroom_actor()`)
	return who, MapError(err)
}
