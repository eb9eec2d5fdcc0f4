package fund

import (
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// OpenOptions are `warroom fund open`'s.
type OpenOptions struct {
	Factory *cmdutil.Factory
	termsFlags
	Currency string
}

// NewCmdOpen parses `warroom fund open`; runF replaces the run in tests.
func NewCmdOpen(f *cmdutil.Factory, runF func(*OpenOptions) error) *cobra.Command {
	opts := &OpenOptions{Factory: f}
	c := &cobra.Command{
		Use:   "open --baseline-start T --baseline-end T --outage-start T --threshold AMOUNT",
		Short: "Open the incident's compensation fund (commanders)",
		Long: `Open the incident's compensation fund: its baseline window (normal sales),
its outage window, and the payout threshold above which a payout needs a
second person. Times without an offset are read in the incident's time zone;
an RFC 3339 time with an offset is taken as given. Without --outage-end the
outage ends when the incident is resolved (and the claims follow). Amounts
are in yuan. One fund per incident; only a warroom commander opens it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return openRun(cmd, opts)
		},
	}
	fl := c.Flags()
	opts.bind(fl, map[string]string{
		"baseline-start": "start of the baseline window (required)",
		"baseline-end":   "end of the baseline window (required)",
		"outage-start":   "start of the outage (required)",
		"outage-end":     "end of the outage (default: the incident's resolution)",
		"threshold":      "payout approval threshold in yuan (required)",
		"inkind-value":   "what one in-kind plan costs the fund, in yuan",
		"inkind-source":  "who valued the in-kind plan (required with --inkind-value)",
	})
	fl.StringVar(&opts.Currency, "currency", "CNY", "the fund's currency (ISO 4217)")
	for _, n := range []string{"baseline-start", "baseline-end", "outage-start", "threshold"} {
		_ = c.MarkFlagRequired(n)
	}
	return c
}

// parseWhen reads a flag's time in the incident's zone; empty is nil.
func parseWhen(flag, s string, loc *time.Location) (*time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	t, _, err := incident.ParseTime(s, loc, time.Now())
	if err != nil {
		return nil, &db.FieldError{Field: flag, Reason: err.Error()}
	}
	return &t, nil
}

// parseAmount reads a flag's amount in yuan as fen; empty is nil.
func parseAmount(flag, s string) (*int64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	fen, err := compensation.ParseYuan(s)
	if err != nil {
		return nil, &db.FieldError{Field: flag, Reason: err.Error()}
	}
	return &fen, nil
}

func openRun(cmd *cobra.Command, opts *OpenOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	loc := inc.Location()
	in := compensation.OpenInput{Currency: strings.ToUpper(strings.TrimSpace(opts.Currency)), InKindSource: opts.InKindSource}
	ch, err := opts.windows(loc)
	if err != nil {
		return err
	}
	// cobra has made sure the three required bounds are given.
	in.BaselineStart, in.BaselineEnd, in.OutageStart, in.OutageEnd = *ch.BaselineStart, *ch.BaselineEnd, *ch.OutageStart, ch.OutageEnd
	thr, err := parseAmount("--threshold", opts.Threshold)
	if err != nil {
		return err
	}
	in.ThresholdFen = *thr
	if in.InKindValueFen, err = parseAmount("--inkind-value", opts.InKindValue); err != nil {
		return err
	}
	if (in.InKindValueFen != nil) != (strings.TrimSpace(opts.InKindSource) != "") {
		return cmdutil.UsageError("--inkind-value and --inkind-source go together")
	}
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		if err := compensation.OpenFund(ctx, tx, inc.ID, in); err != nil {
			return err
		}
		if p := strings.TrimSpace(opts.InKindPlan); p != "" {
			return compensation.SetInKindFacts(ctx, tx, inc.ID, &p, nil)
		}
		return nil
	})
	if err != nil {
		return err
	}
	end := "follows the incident's resolution"
	if in.OutageEnd != nil {
		end = cmdutil.FormatWhen(*in.OutageEnd, "minute", loc)
	}
	fmt.Fprintf(f.Out, "opened the compensation fund of %s (%s, "+glossary.TimesIn(loc, in.BaselineStart)+"): baseline %s to %s, outage from %s, end %s; payouts above %s need a second person\n",
		inc.Slug, in.Currency, cmdutil.FormatWhen(in.BaselineStart, "minute", loc), cmdutil.FormatWhen(in.BaselineEnd, "minute", loc),
		cmdutil.FormatWhen(in.OutageStart, "minute", loc), end, compensation.FormatFen(in.ThresholdFen))
	return nil
}
