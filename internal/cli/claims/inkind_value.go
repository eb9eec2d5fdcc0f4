package claims

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
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
			return inKindValueRun(cmd.Context(), opts)
		},
	}
}

// inKindValueRun sets the value, or files it for approval: the value
// prices every chosen traffic claim, so a second person approves a change
// (migration 00018) and the database refuses one person's.
func inKindValueRun(ctx context.Context, opts *InKindValueOptions) error {
	f := opts.Factory
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var n int64
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
		n, err = compensation.SetInKindValue(ctx, tx, inc.ID, opts.Fen)
		return err
	})
	if err != nil {
		return cmdutil.RequestInstead(ctx, f.Out, conn, f.As, inc.ID, err, access.OpInKindValue,
			"in-kind plan valued at "+compensation.FormatFen(opts.Fen),
			func(*sqlx.Tx) (any, error) { return map[string]int64{"inkind_value_fen": opts.Fen}, nil })
	}
	fmt.Fprintf(f.Out, "%s plan valued at %s; %s that chose it updated\n", glossary.Plan(compensation.PlanTraffic), compensation.FormatFen(opts.Fen),
		glossary.Plural(n, "claim", "claims"))
	return nil
}
