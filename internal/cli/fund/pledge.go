package fund

import (
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// PledgeOptions are `warroom fund pledge`'s.
type PledgeOptions struct {
	Factory *cmdutil.Factory
	In      compensation.PledgeInput
	Note    string
}

// NewCmdPledge parses `warroom fund pledge`; runF replaces the run in tests.
func NewCmdPledge(f *cmdutil.Factory, runF func(*PledgeOptions) error) *cobra.Command {
	opts := &PledgeOptions{Factory: f}
	c := &cobra.Command{
		Use:   "pledge CONTRIBUTOR AMOUNT",
		Short: "Record a contributor's pledge to the fund (through an approval request)",
		Long: `Record what a contributor pledges to the fund, in yuan: a new contributor
with that pledge, or the new total pledge of one already in the fund
(matched by name). A pledge is high-risk: a login's pledge is filed as a
contribution request that a different person approves.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			fen, err := compensation.ParseYuan(args[1])
			if err != nil {
				return &db.FieldError{Field: "AMOUNT", Reason: err.Error()}
			}
			if strings.TrimSpace(args[0]) == "" {
				return &db.FieldError{Field: "CONTRIBUTOR", Reason: "empty"}
			}
			opts.In.Name, opts.In.PledgedFen = strings.TrimSpace(args[0]), fen
			if runF != nil {
				return runF(opts)
			}
			return pledgeRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.In.NativeName, "native-name", "", "the contributor's name in its own script")
	c.Flags().StringVar(&opts.In.Role, "role", "", "the contributor's role (e.g. vendor, partner)")
	c.Flags().StringVar(&opts.Note, "note", "", "for the approver: where the pledge comes from")
	c.Flags().StringVar(&opts.In.PledgeNote, "pledge-note", "", `how the source states the pledge when it is not exact (e.g. "more than 35,000,000"), kept on the contributor`)
	return c
}

func pledgeRun(cmd *cobra.Command, opts *PledgeOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	in := opts.In
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		if _, err := compensation.LoadTerms(ctx, tx, inc.ID); err != nil {
			return err
		}
		return compensation.Pledge(ctx, tx, inc.ID, in)
	})
	if db.IsNotFound(err) {
		return fmt.Errorf("incident %s has no compensation fund (a commander opens one: warroom fund open)", inc.Slug)
	}
	if err != nil {
		reason := fmt.Sprintf("pledge of %s: %s", in.Name, compensation.FormatFen(in.PledgedFen))
		if n := strings.TrimSpace(opts.Note); n != "" {
			reason += " (" + n + ")"
		}
		return cmdutil.RequestInstead(ctx, f.Out, conn, f.As, inc.ID, err, access.OpContribution, reason, func(tx *sqlx.Tx) (any, error) {
			return compensation.PledgeRequest(ctx, tx, inc.ID, in)
		})
	}
	fmt.Fprintf(f.Out, "pledge of %s: %s\n", in.Name, compensation.FormatFen(in.PledgedFen))
	return nil
}
