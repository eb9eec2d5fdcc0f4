// Package audit is `warroom audit` and `warroom audit verify`.
package audit

import (
	"strconv"

	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// AuditOptions are `warroom audit`'s.
type AuditOptions struct {
	Factory *cmdutil.Factory
	Filter  access.AuditFilter
	JSON    bool
}

// NewCmdAudit is `warroom audit`, with `verify` under it.
func NewCmdAudit(f *cmdutil.Factory) *cobra.Command {
	c := NewCmdList(f, nil)
	c.AddCommand(NewCmdVerify(f, nil))
	return c
}

// NewCmdList parses `warroom audit`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{Factory: f}
	c := &cobra.Command{
		Use:   "audit",
		Short: "Every write, newest first: who, when, what, before and after",
		Long: `The audit trail: one entry per statement that changed data, written by the
database in the same transaction whether it came from the console, the CLI
or raw SQL, and chained by SHA-256 hashes. 'warroom audit verify' checks the
chain. Page back with --before SEQ. --json prints full before and after.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd, opts)
		},
	}
	c.Flags().IntVar(&opts.Filter.Limit, "limit", 50, "entries per page")
	c.Flags().Int64Var(&opts.Filter.BeforeSeq, "before", 0, "entries older than this SEQ (next page)")
	c.Flags().StringVar(&opts.Filter.Table, "table", "", "only this table")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func listRun(cmd *cobra.Command, opts *AuditOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if f.Incident != "" {
		inc, err := incident.BySlug(ctx, conn, f.Incident)
		if err != nil {
			return err
		}
		opts.Filter.IncidentID = inc.ID
	}
	es, err := access.Audit(ctx, conn, opts.Filter)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, es)
	}
	loc := f.DisplayZone(ctx, conn)
	rows := make([][]string, 0, len(es))
	for _, e := range es {
		who := e.Login
		if e.Actor != e.Login {
			who = e.Actor + " (as " + e.Login + ")"
		}
		rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), e.At.In(loc).Format("2006-01-02 15:04:05 MST"),
			who, e.Table, e.Op, glossary.Count(e.Rows), summary(e)})
	}
	return cmdutil.WriteTable(f.Out, []cmdutil.Column{{Title: "SEQ", Right: true}, {Title: "AT"}, {Title: "WHO"},
		{Title: "TABLE"}, {Title: "OP"}, {Title: "ROWS", Right: true}, {Title: "AFTER"}}, rows)
}

// summary is the after image (or before, for deletes), cut to one line.
func summary(e access.AuditEntry) string {
	s := string(e.After)
	if len(e.After) == 0 {
		s = string(e.Before)
	}
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}
