package fund

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// SetOptions are `warroom fund set`'s.
type SetOptions struct {
	Factory *cmdutil.Factory
	termsFlags
	Reason       string
	DryRun, JSON bool
}

// NewCmdSet parses `warroom fund set`; runF replaces the run in tests.
func NewCmdSet(f *cmdutil.Factory, runF func(*SetOptions) error) *cobra.Command {
	opts := &SetOptions{Factory: f}
	c := &cobra.Command{
		Use:   "set [--baseline-start T] [--baseline-end T] [--outage-start T] [--outage-end T] [--threshold AMOUNT] [--inkind-value AMOUNT] [--inkind-plan TEXT] [--inkind-source TEXT]",
		Short: "Change the fund's windows, payout threshold or in-kind value, showing the impact first",
		Long: `Change the fund's terms. A window change reprices every claim not yet
approved (awaiting rate, computed, chosen) in the same transaction; its
impact is shown first. Window, threshold and in-kind value changes are
high-risk: a login's change is filed as approval requests (fund_terms,
payout_threshold, inkind_value) that a different person approves. What
the in-kind plan gives and who valued it (--inkind-plan, --inkind-source;
without a source its value is shown as an assumption) move no money and
are written at once. Times
without an offset are read in the incident's time zone; amounts in yuan.
--dry-run shows the impact and writes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return setRun(cmd, opts)
		},
	}
	fl := c.Flags()
	opts.bind(fl, map[string]string{
		"baseline-start": "new start of the baseline window",
		"baseline-end":   "new end of the baseline window",
		"outage-start":   "new start of the outage",
		"outage-end":     "the outage's end (it then no longer follows the resolution)",
		"threshold":      "new payout approval threshold in yuan",
		"inkind-value":   "new value of one in-kind plan in yuan",
		"inkind-source":  "who valued the in-kind plan (\"\" marks the value an assumption)",
	})
	fl.StringVar(&opts.Reason, "reason", "", "why, for the approver")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "show the impact only")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

// termsRequest is one approval request a refused change becomes.
type termsRequest struct {
	op      access.Op
	payload any
	what    string
}

func setRun(cmd *cobra.Command, opts *SetOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	loc := inc.Location()
	ch, err := opts.windows(loc)
	if err != nil {
		return err
	}
	thr, err := parseAmount("--threshold", opts.Threshold)
	if err != nil {
		return err
	}
	inkind, err := parseAmount("--inkind-value", opts.InKindValue)
	if err != nil {
		return err
	}
	var plan, source *string
	if cmd.Flags().Changed("inkind-plan") {
		plan = &opts.InKindPlan
	}
	if cmd.Flags().Changed("inkind-source") {
		source = &opts.InKindSource
	}
	if ch.Empty() && thr == nil && inkind == nil && plan == nil && source == nil {
		return cmdutil.UsageError("nothing to change: give a window bound, --threshold, --inkind-value, --inkind-plan or --inkind-source")
	}

	var reqs []termsRequest
	if !ch.Empty() {
		reqs = append(reqs, termsRequest{access.OpFundTerms, ch.Payload(), "the fund's windows"})
	}
	if thr != nil {
		reqs = append(reqs, termsRequest{access.OpPayoutThreshold, map[string]int64{"threshold_fen": *thr},
			"payout threshold " + compensation.FormatFen(*thr)})
	}
	// Who valued the plan goes with a new value, in its request (migration
	// 00034): written now, it would be shown against the old value while
	// the request waits.
	factsSource := source
	if inkind != nil {
		payload := map[string]any{"inkind_value_fen": *inkind}
		if source != nil {
			payload["inkind_value_source"], factsSource = strings.TrimSpace(*source), nil
		}
		reqs = append(reqs, termsRequest{access.OpInKindValue, payload, "in-kind value " + compensation.FormatFen(*inkind)})
	}

	var (
		imp        *compensation.WindowImpact
		recomputed int64
	)
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		if _, err := compensation.LoadTerms(ctx, tx, inc.ID); err != nil {
			return err
		}
		if !ch.Empty() {
			i, err := compensation.PreviewWindows(ctx, tx, inc.ID, ch)
			if err != nil {
				return err
			}
			imp = &i
		}
		if opts.DryRun {
			return nil
		}
		// A refused money change below rolls these back: requestTerms
		// writes them again beside its requests.
		if err := compensation.SetInKindFacts(ctx, tx, inc.ID, plan, source); err != nil {
			return err
		}
		if recomputed, err = compensation.SetWindows(ctx, tx, inc.ID, ch); err != nil {
			return err
		}
		if thr != nil {
			if err := compensation.SetThreshold(ctx, tx, inc.ID, *thr); err != nil {
				return err
			}
		}
		if inkind != nil {
			if _, err := compensation.SetInKindValue(ctx, tx, inc.ID, *inkind); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsNotFound(err) {
		return fmt.Errorf("incident %s has no compensation fund (a commander opens one: warroom fund open)", inc.Slug)
	}
	out := f.Out
	if imp != nil && !opts.JSON {
		fmt.Fprintf(out, "windows: %s open claims, %s change; cash %s -> %s; the fund moves by %s\n",
			glossary.Count(imp.Claims), glossary.Count(imp.Changing), compensation.FormatFen(imp.CashBeforeFen), compensation.FormatFen(imp.CashAfterFen),
			compensation.FormatFen(imp.FundMoveFen))
		if imp.FrozenClaims > 0 {
			fmt.Fprintf(out, "%s approved or paid claims keep their figures\n", glossary.Count(imp.FrozenClaims))
		}
	}
	if err != nil {
		if !errors.Is(err, db.ErrNeedsApproval) {
			return err
		}
		return requestTerms(cmd, opts, conn, inc.ID, err, reqs, plan, factsSource)
	}
	if opts.JSON {
		return cmdutil.WriteJSON(out, map[string]any{"impact": imp, "applied": !opts.DryRun, "claims_recomputed": recomputed})
	}
	if opts.DryRun {
		fmt.Fprintln(out, "dry run: nothing written")
	} else if ch.Empty() && thr == nil && inkind == nil {
		fmt.Fprintln(out, "saved the in-kind plan's description")
	} else {
		fmt.Fprintf(out, "applied: %s recomputed\n", glossary.Plural(recomputed, "claim", "claims"))
	}
	return nil
}

// requestTerms files one approval request per refused change, together.
// The in-kind plan's facts (plan, source), which need no approval, are
// written in the same transaction.
func requestTerms(cmd *cobra.Command, opts *SetOptions, conn *sqlx.DB, incidentID int64, refused error, reqs []termsRequest,
	plan, source *string) error {
	f, ctx := opts.Factory, cmd.Context()
	ids := make([]int64, len(reqs))
	err := db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		if err := compensation.SetInKindFacts(ctx, tx, incidentID, plan, source); err != nil {
			return err
		}
		for i, r := range reqs {
			reason := r.what
			if strings.TrimSpace(opts.Reason) != "" {
				reason += ": " + opts.Reason
			}
			id, err := access.Request(ctx, tx, r.op, incidentID, r.payload, reason, 0)
			if err != nil {
				return err
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w; filing it for approval failed too: %w", refused, err)
	}
	for i, r := range reqs {
		fmt.Fprintf(f.Out, "needs a second authorisation: filed approval request %d (%s); a different person approves it with `warroom approvals approve %d`\n",
			ids[i], glossary.Operation(string(r.op)), ids[i])
	}
	done := "nothing done yet"
	if plan != nil || source != nil {
		done = "the in-kind plan's description is written; its value and terms wait"
	}
	return cmdutil.WithCode(cmdutil.ExitPendingApproval, fmt.Errorf("%d request(s) await approval; %s", len(reqs), done))
}
