package main

import (
	"context"

	"github.com/jmoiron/sqlx"

	"warroom/internal/cli/cmdutil"
)

// openOwner connects as the database's owner, with the URL that reaches it
// (for psql \copy and the consoles' feeds). The bench writes incidents,
// funds and bulk payouts directly and deletes what it made, which only the
// owner may: on the embedded server that is its superuser, not the demo
// login a console uses.
func openOwner(ctx context.Context, f *cmdutil.Factory) (*sqlx.DB, string, error) {
	src, err := f.ResolveSource(ctx)
	if err != nil {
		return nil, "", err
	}
	if src.Embedded {
		conn, err := f.OpenAdmin(ctx)
		return conn, src.Admin, err
	}
	conn, src, err := f.OpenOwner(ctx)
	return conn, src.URL, err
}
