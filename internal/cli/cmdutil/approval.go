package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/db"
	"warroom/glossary"
)

// RequestInstead files an approval request for a high-risk operation the
// database refused to do directly (db.ErrNeedsApproval), in a transaction
// of its own since the refused one is rolled back. It reports the request
// and exits with ExitPendingApproval: nothing has happened yet.
func RequestInstead(ctx context.Context, out io.Writer, conn *sqlx.DB, actor string, incidentID int64, refused error,
	op access.Op, reason string, payload func(tx *sqlx.Tx) (any, error)) error {
	if !errors.Is(refused, db.ErrNeedsApproval) {
		return refused
	}
	var id int64
	err := db.Write(ctx, conn, actor, func(tx *sqlx.Tx) error {
		body, err := payload(tx)
		if err != nil {
			return err
		}
		id, err = access.Request(ctx, tx, op, incidentID, body, reason, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("%w; filing it for approval failed too: %w", refused, err)
	}
	fmt.Fprintf(out, "needs a second authorisation: filed approval request %d (%s); a different person approves it with `warroom approvals approve %d`\n", id, glossary.Operation(string(op)), id)
	return WithCode(ExitPendingApproval, fmt.Errorf("request %d awaits approval; nothing done yet", id))
}
