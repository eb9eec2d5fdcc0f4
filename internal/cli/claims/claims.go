// Package claims is `warroom claims` and every command under it: one
// claim's lifecycle (choose, change-plan, approve, pay, reject), the runs
// over many claims (choose-run, approve-run, pay-run), compute, export and
// inkind-value.
package claims

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// ClaimsOptions are `warroom claims`'s: the pipeline and projection.
type ClaimsOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdClaims is `warroom claims` with every claims command under it.
func NewCmdClaims(f *cmdutil.Factory) *cobra.Command {
	c := NewCmdPipeline(f, nil)
	c.AddCommand(
		NewCmdCompute(f, nil),
		NewCmdExport(f, nil),
		NewCmdChoose(f, nil),
		NewCmdChangePlan(f, nil),
		NewCmdApprove(f, nil),
		NewCmdPay(f, nil),
		NewCmdReject(f, nil),
		NewCmdInKindValue(f, nil),
		NewCmdChooseRun(f, nil),
		NewCmdApproveRun(f, nil),
		NewCmdPayRun(f, nil),
	)
	return c
}

// NewCmdPipeline parses `warroom claims`; runF replaces the run in tests.
func NewCmdPipeline(f *cmdutil.Factory, runF func(*ClaimsOptions) error) *cobra.Command {
	opts := &ClaimsOptions{Factory: f}
	c := &cobra.Command{
		Use:   "claims",
		Short: "The claims pipeline: counts and amounts by state and plan, and the projection",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return pipelineRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func pipelineRun(cmd *cobra.Command, opts *ClaimsOptions) error {
	ctx := cmd.Context()
	conn, inc, err := opts.Factory.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	out := opts.Factory.Out
	stages, err := compensation.Pipeline(ctx, conn, inc.ID)
	if err != nil {
		return err
	}
	p, err := compensation.Project(ctx, conn, inc.ID)
	if db.IsNotFound(err) {
		// As `warroom fund` says it: a new incident has no fund, so no claims.
		reason := fmt.Sprintf("incident %s has no compensation fund yet, so no claims", inc.Slug)
		if opts.JSON {
			return cmdutil.WriteJSON(out, map[string]any{"pipeline": []compensation.Stage{}, "projection": nil, "reason": reason})
		}
		fmt.Fprintf(out, "%s; a commander opens one with: warroom fund open --baseline-start T --baseline-end T --outage-start T --threshold AMOUNT\n", reason)
		return nil
	}
	if err != nil {
		return err
	}
	if opts.JSON {
		if stages == nil {
			stages = []compensation.Stage{}
		}
		return cmdutil.WriteJSON(out, map[string]any{"pipeline": stages, "projection": p})
	}
	rows := make([][]string, 0, len(stages))
	for _, s := range stages {
		plan := ""
		if s.Plan != "" {
			plan = glossary.Plan(s.Plan)
		}
		rows = append(rows, []string{glossary.ClaimState(s.State), plan, glossary.Count(s.Claims), compensation.FormatFen(s.AmountFen), compensation.FormatFen(s.PaidFen)})
	}
	if err := cmdutil.WriteTable(out, []cmdutil.Column{{Title: "STATE"}, {Title: "PLAN"}, {Title: "CLAIMS", Right: true},
		{Title: "COSTS FUND", Right: true}, {Title: "PAID", Right: true}}, rows); err != nil {
		return err
	}
	fmt.Fprintf(out, "\navailable %s; open claims %s: %s %s + %s %s = %s; %s %s\n",
		compensation.FormatFen(p.AvailableFen), glossary.Count(p.OpenClaims), glossary.Plan(compensation.PlanCash), compensation.FormatFen(p.OpenCashFen),
		glossary.Plan(compensation.PlanTraffic), compensation.FormatFen(p.OpenInKindFen), compensation.FormatFen(p.OpenFen), glossary.Count(p.AwaitingRate), glossary.ClaimState("awaiting_rate"))
	if p.ShortfallFen > 0 {
		fmt.Fprintf(out, "SHORTFALL %s. Pro-rata policy: approved and paid claims in full; every open claim scaled to %s%% (rounded down to the fen), paying %s in all\n",
			compensation.FormatFen(p.ShortfallFen), p.ProRataPercent, compensation.FormatFen(p.ProRataPaysFen))
	}
	return nil
}

// writeClaim runs act in one transaction on the incident and prints the
// line it returns: the lifecycle commands on one claim.
func writeClaim(ctx context.Context, f *cmdutil.Factory, act func(ctx context.Context, tx *sqlx.Tx, incident int64) (string, error)) error {
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var msg string
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) (err error) {
		msg, err = act(ctx, tx, inc.ID)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(f.Out, msg)
	return nil
}
