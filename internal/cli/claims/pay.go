package claims

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// PayOptions are `warroom claims pay`'s.
type PayOptions struct {
	Factory  *cmdutil.Factory
	Merchant string
	Key      string
}

// NewCmdPay parses `warroom claims pay`; runF replaces the run in tests.
func NewCmdPay(f *cmdutil.Factory, runF func(*PayOptions) error) *cobra.Command {
	opts := &PayOptions{Factory: f}
	c := &cobra.Command{
		Use:   "pay MERCHANT_ID --key KEY",
		Short: "Pay an approved claim; a retry with the same key never pays twice",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Merchant = args[0]
			if runF != nil {
				return runF(opts)
			}
			return payRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Key, "key", "", "idempotency key: the payment order number")
	return c
}

// payRun pays one approved claim. A payout above the incident's threshold
// is not paid directly: it is filed for a second person's approval (exit
// 7), with the same idempotency key.
func payRun(cmd *cobra.Command, opts *PayOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	merchant, key := opts.Merchant, opts.Key
	var p compensation.Payment
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
		p, err = compensation.Pay(ctx, tx, inc.ID, merchant, key)
		return err
	})
	if err != nil {
		return cmdutil.RequestInstead(ctx, f.Out, conn, f.As, inc.ID, err, access.OpPayout, "payout to merchant "+merchant,
			func(tx *sqlx.Tx) (any, error) {
				return compensation.PayoutRequest(ctx, tx, inc.ID, merchant, key)
			})
	}
	if p.Repeated {
		fmt.Fprintf(f.Out, "%s: key %s was already paid (%s): nothing paid now\n", merchant, key, compensation.FormatFen(p.AmountFen))
		return nil
	}
	fmt.Fprintf(f.Out, "%s paid %s (key %s)\n", merchant, compensation.FormatFen(p.AmountFen), key)
	return nil
}
