package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/incident"
)

// exitTampered: `warroom audit verify` found a broken link.
const exitTampered = 6

func newAuditCmd() *cobra.Command {
	var f access.AuditFilter
	var asJSON bool
	c := &cobra.Command{
		Use:   "audit",
		Short: "Every write, newest first: who, when, what, before and after",
		Long: `The audit trail: one entry per statement that changed data, written by the
database in the same transaction whether it came from the console, the CLI
or raw SQL, and chained by SHA-256 hashes. 'warroom audit verify' checks the
chain. Page back with --before SEQ.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			if slug := incidentFlag(cmd); slug != "" {
				inc, err := incident.BySlug(cmd.Context(), conn, slug)
				if err != nil {
					return err
				}
				f.IncidentID = inc.ID
			}
			es, err := access.Audit(cmd.Context(), conn, f)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), es)
			}
			loc := displayZone(cmd, conn)
			rows := make([][]string, 0, len(es))
			for _, e := range es {
				who := e.Login
				if e.Actor != e.Login {
					who = e.Actor + " (as " + e.Login + ")"
				}
				rows = append(rows, []string{strconv.FormatInt(e.Seq, 10), e.At.In(loc).Format("2006-01-02 15:04:05 MST"),
					who, e.Table, e.Op, strconv.FormatInt(e.Rows, 10), summary(e)})
			}
			return writeTable(cmd.OutOrStdout(), []column{{title: "SEQ", right: true}, {title: "AT"}, {title: "WHO"},
				{title: "TABLE"}, {title: "OP"}, {title: "ROWS", right: true}, {title: "AFTER"}}, rows)
		},
	}
	c.Flags().IntVar(&f.Limit, "limit", 50, "entries per page")
	c.Flags().Int64Var(&f.BeforeSeq, "before", 0, "entries older than this SEQ (next page)")
	c.Flags().StringVar(&f.Table, "table", "", "only this table")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON (with full before and after)")

	var anchors []string
	verify := &cobra.Command{
		Use:   "verify [--anchor SEQ:HASH]...",
		Short: "Walk the hash chain; name the first broken link (exit 6)",
		Long: `Recomputes every link of the audit chain and names the first one that does
not hold: an altered or deleted audit row, a removed link, or a write left
out of the chain. A superuser could rewrite the whole chain consistently:
keep the printed head (SEQ:HASH) somewhere else and pass it back with
--anchor to show the chain still contains it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var as []access.Anchor
			for _, s := range anchors {
				a, err := access.ParseAnchor(s)
				if err != nil {
					return err
				}
				as = append(as, a)
			}
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			v, err := access.Verify(cmd.Context(), conn, as...)
			if err != nil {
				return err
			}
			if !v.OK() {
				return &codedError{code: exitTampered, err: v.Broken}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "audit chain intact: %d links\nhead %d:%s\n", v.Checked, v.HeadSeq, v.HeadHash)
			return nil
		},
	}
	verify.Flags().StringArrayVar(&anchors, "anchor", nil, "a SEQ:HASH printed by an earlier verify")
	c.AddCommand(verify)
	return c
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
