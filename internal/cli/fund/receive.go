package fund

import (
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// ReceiveOptions are `warroom fund receive`'s.
type ReceiveOptions struct {
	Factory   *cmdutil.Factory
	In        compensation.ReceiveInput
	At        string
	Reference string
	JSON      bool
}

// NewCmdReceive parses `warroom fund receive`; runF replaces the run in tests.
func NewCmdReceive(f *cmdutil.Factory, runF func(*ReceiveOptions) error) *cobra.Command {
	opts := &ReceiveOptions{Factory: f}
	c := &cobra.Command{
		Use:   "receive CONTRIBUTOR AMOUNT --at TIME --reference TEXT",
		Short: "Record money received from a contributor (finance)",
		Long: `Record one transfer from a contributor to the fund, in yuan: when it
arrived (--at, read in the incident's time zone unless it has an offset)
and the reference that names it (a bank reference, a voucher number).
Pledges are promises; what is received, less what is paid, is the cash on
hand. Only warroom finance records money received. The same reference
from the same contributor with the same amount is reported as already
recorded, so a retried command does not count money twice.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(args[0]) == "" {
				return &db.FieldError{Field: "CONTRIBUTOR", Reason: "empty"}
			}
			fen, err := compensation.ParseYuan(args[1])
			if err != nil {
				return &db.FieldError{Field: "AMOUNT", Reason: err.Error()}
			}
			if fen <= 0 {
				return &db.FieldError{Field: "AMOUNT", Reason: "must be more than 0.00"}
			}
			if strings.TrimSpace(opts.Reference) == "" {
				return cmdutil.UsageError("--reference is required: name the transfer (bank reference, voucher number)")
			}
			if strings.TrimSpace(opts.At) == "" {
				return cmdutil.UsageError("--at is required: when the money arrived")
			}
			opts.In.Contributor, opts.In.AmountFen, opts.In.Reference = strings.TrimSpace(args[0]), fen, opts.Reference
			if runF != nil {
				return runF(opts)
			}
			return receiveRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.At, "at", "", "when the money arrived (required)")
	c.Flags().StringVar(&opts.Reference, "reference", "", "the transfer's reference (required; once per contributor)")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func receiveRun(cmd *cobra.Command, opts *ReceiveOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	at, err := parseWhen("--at", opts.At, inc.Location())
	if err != nil {
		return err
	}
	in := opts.In
	in.At = *at
	var r compensation.Received
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		if _, err := compensation.LoadTerms(ctx, tx, inc.ID); err != nil {
			return err
		}
		r, err = compensation.Receive(ctx, tx, inc.ID, in, time.Now())
		return err
	})
	if db.IsNotFound(err) {
		return fmt.Errorf("incident %s has no compensation fund (a commander opens one: warroom fund open)", inc.Slug)
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, r)
	}
	what := "received"
	if r.AlreadyRecorded {
		what = "already recorded, nothing added:"
	}
	fmt.Fprintf(f.Out, "%s %s from %s at %s (reference %s, transfer %d); %s has now sent %s\n",
		what, compensation.FormatFen(r.AmountFen), cmdutil.CleanLine(r.Contributor),
		cmdutil.FormatWhen(r.At, "minute", inc.Location()), cmdutil.CleanLine(r.Reference), r.ID,
		cmdutil.CleanLine(r.Contributor), compensation.FormatFen(r.ReceivedFen))
	return nil
}
