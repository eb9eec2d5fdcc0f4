package claims

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// InKindValueOptions are `warroom claims inkind-value`'s.
type InKindValueOptions struct {
	Factory *cmdutil.Factory
	Fen     int64
}

// NewCmdInKindValue parses `warroom claims inkind-value`; runF replaces the run in tests.
func NewCmdInKindValue(f *cmdutil.Factory, runF func(*InKindValueOptions) error) *cobra.Command {
	opts := &InKindValueOptions{Factory: f}
	return &cobra.Command{
		Use:   "inkind-value YUAN",
		Short: "Set the internal value one in-kind (traffic) plan costs the fund (default 12,000.00)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fen, err := compensation.ParseYuan(args[0])
			if err != nil {
				return &db.FieldError{Field: "YUAN", Reason: err.Error()}
			}
			opts.Fen = fen
			if runF != nil {
				return runF(opts)
			}
			return writeClaim(cmd.Context(), f, func(ctx context.Context, tx *sqlx.Tx, inc int64) (string, error) {
				n, err := compensation.SetInKindValue(ctx, tx, inc, opts.Fen)
				return fmt.Sprintf("in-kind plan valued at %s; %d chosen traffic claims updated", compensation.FormatFen(opts.Fen), n), err
			})
		},
	}
}
