package margins

import (
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// SetOptions are `warroom margins set`'s.
type SetOptions struct {
	Factory  *cmdutil.Factory
	Industry string
	Margin   compensation.Margin
	Source   string
	DryRun   bool
	JSON     bool
}

// NewCmdSet parses `warroom margins set`; runF replaces the run in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Factory: f}
	c := &cobra.Command{
		Use:   "set INDUSTRY PERCENT --source TEXT",
		Short: "Set an industry's margin rate, showing its impact first",
		Long: `Record a new version of an industry's contribution-margin rate (percent, up to
four decimals) with its source, and recompute that industry's open claims
(awaiting rate, computed, chosen) in the same transaction. Approved and paid
claims keep their figures. --dry-run shows the impact and writes nothing.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := compensation.ParseMargin(args[1])
			if err != nil {
				return &db.FieldError{Field: "PERCENT", Reason: err.Error()}
			}
			opts.Industry, opts.Margin = args[0], m
			if opts.Source == "" && !opts.DryRun {
				return cmdutil.UsageError("--source is required (who published the rate, and when)")
			}
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Source, "source", "", "where the rate comes from (required)")
	c.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show the impact only")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func setRun(cmd *cobra.Command, opts *SetOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	industry, m := opts.Industry, opts.Margin
	var (
		imp  compensation.RateImpact
		comp compensation.Computed
		// early: the outage has not ended, so no claim can be computed
		// yet; the rate is recorded for when they are.
		early bool
	)
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		imp, err = compensation.PreviewRate(ctx, tx, inc.ID, industry, m)
		if errors.Is(err, compensation.ErrOutageOpen) {
			early = true
			if opts.DryRun {
				return nil
			}
			_, err = compensation.SetRate(ctx, tx, inc.ID, industry, m, opts.Source)
			return err
		}
		if err != nil || opts.DryRun {
			return err
		}
		if _, err = compensation.SetRate(ctx, tx, inc.ID, industry, m, opts.Source); err != nil {
			return err
		}
		comp, err = compensation.ComputeClaims(ctx, tx, inc.ID, industry)
		return err
	})
	if err != nil {
		reason := fmt.Sprintf("margin rate of %s to %s%% (%s)", industry, m.String(), opts.Source)
		return cmdutil.RequestInstead(ctx, f.Out, conn, f.As, inc.ID, err, access.OpMarginRate, reason, func(*sqlx.Tx) (any, error) {
			return compensation.RateRequest(industry, m, opts.Source), nil
		})
	}
	out := f.Out
	if early {
		const why = "the outage has not ended, so no claim is computed yet; they are, with this rate, once it has (resolve the incident, or warroom fund set --outage-end T)"
		if opts.JSON {
			return cmdutil.WriteJSON(out, map[string]any{"impact": nil, "applied": !opts.DryRun, "recomputed": nil, "reason": why})
		}
		verb := "set"
		if opts.DryRun {
			verb = "would be set (dry run: nothing written)"
		}
		fmt.Fprintf(out, "margin rate of %s %s to %s%%: %s\n", cmdutil.CleanLine(compensation.NormalizeIndustry(industry)), verb, m.String(), why)
		return nil
	}
	if opts.JSON {
		return cmdutil.WriteJSON(out, map[string]any{"impact": imp, "applied": !opts.DryRun, "recomputed": comp})
	}
	fmt.Fprintf(out, "%s: %s%% -> %s%%: %s open claims, %s change (%s awaiting a rate get one); cash %s -> %s; the fund moves by %s\n",
		imp.Industry, imp.OldPercent, imp.NewPercent, glossary.Count(imp.Claims), glossary.Count(imp.Changing), glossary.Count(imp.NewlyComputed),
		compensation.FormatFen(imp.CashBeforeFen), compensation.FormatFen(imp.CashAfterFen), compensation.FormatFen(imp.FundMoveFen))
	if imp.FrozenClaims > 0 {
		fmt.Fprintf(out, "%s approved or paid claims keep their figures\n", glossary.Count(imp.FrozenClaims))
	}
	if opts.DryRun {
		if imp.MerchantsNoSet > 0 {
			fmt.Fprintf(out, "%s have no claim yet: applying computes theirs\n", glossary.Plural(imp.MerchantsNoSet, "merchant", "merchants"))
		}
		fmt.Fprintln(out, "dry run: nothing written")
	} else {
		// Written covers both: open claims recomputed and new ones for
		// merchants that had none.
		fmt.Fprintf(out, "applied: %s computed or recomputed\n", glossary.Plural(comp.Written, "claim", "claims"))
	}
	return nil
}
