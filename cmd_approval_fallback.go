package main

import (
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
)

// requestInstead files an approval request for a high-risk operation the
// database refused to do directly (db.ErrNeedsApproval), in a transaction
// of its own since the refused one is rolled back. It reports the request
// and exits with exitPendingApproval: nothing has happened yet.
func requestInstead(cmd *cobra.Command, w *writeTarget, refused error, op access.Op, reason string,
	payload func(tx *sqlx.Tx) (any, error)) error {
	if !errors.Is(refused, db.ErrNeedsApproval) {
		return refused
	}
	var id int64
	err := db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) error {
		body, err := payload(tx)
		if err != nil {
			return err
		}
		id, err = access.Request(cmd.Context(), tx, op, w.inc.ID, body, reason, 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("%w; filing it for approval failed too: %w", refused, err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "needs a second authorisation: filed approval request %d (%s); a different person approves it with `warroom approvals approve %d`\n", id, op, id)
	return &codedError{code: exitPendingApproval, err: fmt.Errorf("request %d awaits approval; nothing done yet", id)}
}
