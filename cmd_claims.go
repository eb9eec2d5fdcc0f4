package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/incident"
)

func newClaimsCmd() *cobra.Command {
	c := readCmd("claims", "The claims pipeline: counts and amounts by state and plan, and the projection",
		func(cmd *cobra.Command, conn *sqlx.DB, inc incident.Incident, asJSON bool) error {
			stages, err := compensation.Pipeline(cmd.Context(), conn, inc.ID)
			if err != nil {
				return err
			}
			p, err := compensation.Project(cmd.Context(), conn, inc.ID)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if stages == nil {
					stages = []compensation.Stage{}
				}
				return writeJSON(out, map[string]any{"pipeline": stages, "projection": p})
			}
			rows := make([][]string, 0, len(stages))
			for _, s := range stages {
				rows = append(rows, []string{s.State, s.Plan, fmt.Sprint(s.Claims), compensation.FormatFen(s.AmountFen), compensation.FormatFen(s.PaidFen)})
			}
			if err := writeTable(out, []column{{title: "STATE"}, {title: "PLAN"}, {title: "CLAIMS", right: true},
				{title: "COSTS FUND", right: true}, {title: "PAID", right: true}}, rows); err != nil {
				return err
			}
			fmt.Fprintf(out, "\navailable %s; open claims %d: cash %s + in-kind %s = %s; %d awaiting a rate\n",
				compensation.FormatFen(p.AvailableFen), p.OpenClaims, compensation.FormatFen(p.OpenCashFen),
				compensation.FormatFen(p.OpenInKindFen), compensation.FormatFen(p.OpenFen), p.AwaitingRate)
			if p.ShortfallFen > 0 {
				fmt.Fprintf(out, "SHORTFALL %s. Pro-rata policy: approved and paid claims in full; every open claim scaled to %s%% (rounded down to the fen), paying %s in all\n",
					compensation.FormatFen(p.ShortfallFen), p.ProRataPercent, compensation.FormatFen(p.ProRataPaysFen))
			}
			return nil
		})
	c.AddCommand(newClaimsComputeCmd(), newClaimsExportCmd(),
		claimActionCmd("choose MERCHANT_ID cash|traffic", "Record the merchant's one choice of plan", 2,
			func(cmd *cobra.Command, tx *sqlx.Tx, inc int64, args []string) (string, error) {
				c, err := compensation.Choose(cmd.Context(), tx, inc, args[0], args[1])
				return fmt.Sprintf("%s chose %s: costs the fund %s", args[0], c.PlanText, compensation.FormatFen(c.Amount)), err
			}),
		claimActionCmd("change-plan MERCHANT_ID cash|traffic --reason TEXT", "Change a made choice (commanders), with a reason kept in its history", 2,
			func(cmd *cobra.Command, tx *sqlx.Tx, inc int64, args []string) (string, error) {
				reason, _ := cmd.Flags().GetString("reason")
				c, err := compensation.ChangePlan(cmd.Context(), tx, inc, args[0], args[1], reason)
				return fmt.Sprintf("%s now has plan %s: costs the fund %s", args[0], c.PlanText, compensation.FormatFen(c.Amount)), err
			}, "reason"),
		claimActionCmd("approve MERCHANT_ID", "Approve a chosen claim (refused if the fund cannot cover it)", 1,
			func(cmd *cobra.Command, tx *sqlx.Tx, inc int64, args []string) (string, error) {
				c, err := compensation.Approve(cmd.Context(), tx, inc, args[0])
				return fmt.Sprintf("%s approved: %s committed", args[0], compensation.FormatFen(c.Amount)), err
			}),
		newClaimsPayCmd(),
		claimActionCmd("reject MERCHANT_ID", "Reject a claim before approval", 1,
			func(cmd *cobra.Command, tx *sqlx.Tx, inc int64, args []string) (string, error) {
				_, err := compensation.Reject(cmd.Context(), tx, inc, args[0])
				return args[0] + " rejected", err
			}),
		newInKindCmd())
	c.AddCommand(newClaimsRunCmds()...)
	return c
}

// claimActionCmd builds a one-transaction write on one claim.
func claimActionCmd(use, short string, nargs int, act func(*cobra.Command, *sqlx.Tx, int64, []string) (string, error), stringFlags ...string) *cobra.Command {
	var as string
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(nargs),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			var msg string
			err = db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
				msg, err = act(cmd, tx, w.inc.ID, args)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), msg)
			return nil
		},
	}
	for _, f := range stringFlags {
		c.Flags().String(f, "", f)
	}
	c.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	return c
}

func newClaimsComputeCmd() *cobra.Command {
	var (
		industry, as string
		asJSON       bool
	)
	c := &cobra.Command{
		Use:   "compute [--industry NAME]",
		Short: "Compute every merchant's cash compensation (or one industry's)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			var res compensation.Computed
			err = db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
				res, err = compensation.ComputeClaims(cmd.Context(), tx, w.inc.ID, industry)
				return err
			})
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), res)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d claims written (%d awaiting a margin rate); their cash %s\n",
				res.Written, res.Awaiting, compensation.FormatFen(res.CashFen))
			return nil
		},
	}
	c.Flags().StringVar(&industry, "industry", "", "only this industry")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	return c
}

func newClaimsExportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "export FILE.csv",
		Short: "Write a per-merchant statement: the formula's numbers, plan, state, paid",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conn, inc, err := openIncident(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			f, err := os.Create(args[0])
			if err != nil {
				return err
			}
			bw := bufio.NewWriterSize(f, 1<<20)
			n, err := compensation.ExportStatements(cmd.Context(), conn, inc.ID, bw)
			if err == nil {
				err = bw.Flush()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d merchant statements to %s\n", n, args[0])
			return nil
		},
	}
}

func newInKindCmd() *cobra.Command {
	var as string
	return &cobra.Command{
		Use:   "inkind-value YUAN",
		Short: "Set the internal value one in-kind (traffic) plan costs the fund (default 12,000.00)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fen, err := compensation.ParseYuan(args[0])
			if err != nil {
				return &db.FieldError{Field: "YUAN", Reason: err.Error()}
			}
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			var n int64
			err = db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
				n, err = compensation.SetInKindValue(cmd.Context(), tx, w.inc.ID, fen)
				return err
			})
			if err != nil {
				// The value prices every chosen traffic claim: a second
				// person approves a change (00018).
				return requestInstead(cmd, w, err, access.OpInKindValue,
					"in-kind plan valued at "+compensation.FormatFen(fen),
					func(*sqlx.Tx) (any, error) { return map[string]int64{"inkind_value_fen": fen}, nil })
			}
			fmt.Fprintf(cmd.OutOrStdout(), "in-kind plan valued at %s; %d chosen traffic claims updated\n", compensation.FormatFen(fen), n)
			return nil
		},
	}
}

// newClaimsPayCmd pays one approved claim. A payout above the incident's
// threshold is not paid directly: it is filed for a second person's
// approval (exit 7), with the same idempotency key.
func newClaimsPayCmd() *cobra.Command {
	var key, as string
	c := &cobra.Command{
		Use:   "pay MERCHANT_ID --key KEY",
		Short: "Pay an approved claim; a retry with the same key never pays twice",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			ctx, merchant := cmd.Context(), args[0]
			var p compensation.Payment
			err = db.Write(ctx, w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
				p, err = compensation.Pay(ctx, tx, w.inc.ID, merchant, key)
				return err
			})
			if err != nil {
				return requestInstead(cmd, w, err, access.OpPayout, "payout to merchant "+merchant, func(tx *sqlx.Tx) (any, error) {
					return compensation.PayoutRequest(ctx, tx, w.inc.ID, merchant, key)
				})
			}
			if p.Repeated {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: key %s was already paid (%s): nothing paid now\n", merchant, key, compensation.FormatFen(p.AmountFen))
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s paid %s (key %s)\n", merchant, compensation.FormatFen(p.AmountFen), key)
			return nil
		},
	}
	c.Flags().StringVar(&key, "key", "", "idempotency key: the payment order number")
	c.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	return c
}
