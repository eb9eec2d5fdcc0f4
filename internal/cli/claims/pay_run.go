package claims

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// PayRunOptions are `warroom claims pay-run`'s.
type PayRunOptions struct {
	Factory *cmdutil.Factory
	RunFlags
}

// payRunKey is the idempotency key of a run's payout to a merchant. It names
// only the merchant, so two runs (one re-run, or two at once) meet on the
// same key and the merchant is paid once.
func payRunKey(merchant string) string { return "pay-run-" + merchant }

// NewCmdPayRun parses `warroom claims pay-run`; runF replaces the run in tests.
func NewCmdPayRun(f *cmdutil.Factory, runF func(*PayRunOptions) error) *cobra.Command {
	opts := &PayRunOptions{Factory: f}
	c := &cobra.Command{
		Use:   "pay-run [--limit N] [--every DURATION | --bulk] [--json]",
		Short: "Pay approved claims one at a time (each its own transaction, key pay-run-<merchant>)",
		Long: `Pay approved claims, oldest approval first, each in its own transaction, as
'warroom claims pay' does, with the idempotency key pay-run-<merchant id>: a re-run, or
two runs at once, never pays a merchant twice. Claims owing more than the
fund's payout threshold are skipped and counted: each needs a second
authorisation (warroom approvals request payout ...). --every 200ms paces
the run so the Fund view (4) can be watched moving; Ctrl-C stops after the
claim in hand.
--bulk pays 20,000 claims per transaction (oldest approval first, then
import order) under the same keys, thresholds and guards: a million claims
in two or three minutes. Ctrl-C stops after the batch in hand.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return payRunRun(cmd.Context(), opts)
		},
	}
	opts.add(c)
	return c
}

func payRunRun(ctx context.Context, opts *PayRunOptions) error {
	r, err := openRun(ctx, opts.Factory, &opts.RunFlags, "pay-run", "paid", "approved")
	if err != nil {
		return err
	}
	defer r.conn.Close()
	fund, err := compensation.ReadFundPosition(ctx, r.conn, r.inc.ID)
	if err != nil {
		return err
	}
	r.queue.maxOwed = &fund.ThresholdFen
	r.act = func(ctx context.Context, tx *sqlx.Tx, c compensation.RunCandidate) (runStep, error) {
		key := payRunKey(c.Merchant)
		p, err := compensation.Pay(ctx, tx, r.inc.ID, c.Merchant, key)
		step := runStep{Merchant: c.Merchant, Fen: p.AmountFen, Key: key, Outcome: "paid"}
		if p.Repeated {
			step.Outcome = "already paid"
		}
		return step, err
	}
	var s runSummary
	if opts.Bulk {
		s, err = r.runBulk(ctx, func(ctx context.Context, tx db.Querier, after compensation.BulkCursor, limit int) (compensation.BulkStep, error) {
			return compensation.PayBatch(ctx, tx, r.inc.ID, after, limit)
		})
	} else {
		s, err = r.run(ctx)
	}
	if err != nil {
		return r.finish(ctx, s, err)
	}
	// What this run left for a second authorisation.
	above, err := compensation.ApprovedAboveThreshold(context.WithoutCancel(ctx), r.conn, r.inc.ID)
	if err != nil {
		return err
	}
	s.AboveThreshold, s.AboveThresholdFen = above.Claims, above.OwedFen
	if above.First != nil {
		payload, _ := json.Marshal(map[string]any{"claim_id": *above.First, "amount_fen": *above.FirstFen, "idempotency_key": payRunKey(*above.Merchant)})
		s.AboveExample = fmt.Sprintf("warroom approvals request payout --payload %s --reason %s",
			shellQuote(string(payload)), shellQuote(fmt.Sprintf("pay-run: %s owes %s", cmdutil.CleanLine(*above.Merchant), compensation.FormatFen(*above.FirstFen))))
	}
	return r.finish(ctx, s, nil)
}

// shellQuote quotes s for a POSIX shell: the hint is meant to be pasted,
// and merchant ids are whatever the imported CSV said.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
