package approvals

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// DecideOptions are `warroom approvals approve` and `reject`'s.
type DecideOptions struct {
	Factory *cmdutil.Factory
	ID      int64
	Note    string
}

// decide runs one decision in a transaction attributed to --as and
// prints the line it returns.
func decide(ctx context.Context, opts *DecideOptions, fn func(ctx context.Context, tx *sqlx.Tx) (string, error)) error {
	f := opts.Factory
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var msg string
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		msg, err = fn(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(f.Out, msg)
	return nil
}
