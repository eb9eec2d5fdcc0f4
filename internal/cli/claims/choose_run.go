package claims

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// ChooseRunOptions are `warroom claims choose-run`'s.
type ChooseRunOptions struct {
	Factory *cmdutil.Factory
	RunFlags
	Plan string
}

// NewCmdChooseRun parses `warroom claims choose-run`; runF replaces the run in tests.
func NewCmdChooseRun(f *cmdutil.Factory, runF func(*ChooseRunOptions) error) *cobra.Command {
	opts := &ChooseRunOptions{Factory: f}
	c := &cobra.Command{
		Use:   "choose-run --plan cash|traffic [--limit N] [--bulk] [--json]",
		Short: "Record a plan for computed claims that have not chosen yet (for demos and bulk choices)",
		Long: `Record the same plan for computed claims without a choice, in merchant id
order, one at a time, as 'warroom claims choose' does, each in its own
transaction.
Merchants choose for themselves; this is for walkthroughs, and for a batch
of choices received together. Claims awaiting a margin rate are not offered
a choice.
--bulk records the plan 20,000 claims per transaction, in import order:
for hundreds of thousands of claims (a million in about a minute).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			// The same words as claims choose: "in kind" is traffic.
			plan, ok := glossary.Plans.Parse(opts.Plan)
			if !ok {
				return &db.FieldError{Field: "--plan", Reason: fmt.Sprintf("%q: want %s or %s", opts.Plan,
					glossary.Plan(compensation.PlanCash), glossary.Plan(compensation.PlanTraffic))}
			}
			opts.Plan = plan
			if runF != nil {
				return runF(opts)
			}
			return chooseRunRun(cmd.Context(), opts)
		},
	}
	opts.add(c)
	c.Flags().StringVar(&opts.Plan, "plan", "", "cash or traffic (required)")
	return c
}

func chooseRunRun(ctx context.Context, opts *ChooseRunOptions) error {
	plan := opts.Plan
	r, err := openRun(ctx, opts.Factory, &opts.RunFlags, "choose-run", "chose "+plan+" for", "computed")
	if err != nil {
		return err
	}
	defer r.conn.Close()
	if opts.Bulk {
		s, err := r.runBulk(ctx, func(ctx context.Context, tx db.Querier, after compensation.BulkCursor, limit int) (compensation.BulkStep, error) {
			return compensation.ChooseBatch(ctx, tx, r.inc.ID, plan, after, limit)
		})
		return r.finish(ctx, s, err)
	}
	r.act = func(ctx context.Context, tx *sqlx.Tx, c compensation.RunCandidate) (runStep, error) {
		cl, err := compensation.Choose(ctx, tx, r.inc.ID, c.Merchant, plan)
		if errors.Is(err, db.ErrConflict) {
			err = fmt.Errorf("%w: %w", db.ErrWrongState, err) // chose meanwhile: skip it
		}
		return runStep{Merchant: c.Merchant, Fen: cl.Amount, Outcome: "chose " + glossary.Plan(plan)}, err
	}
	s, err := r.run(ctx)
	return r.finish(ctx, s, err)
}
