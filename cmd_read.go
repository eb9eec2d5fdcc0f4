package main

import (
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/incident"
	"warroom/recovery"
)

// readCmd builds a read-only command that resolves the incident and prints
// a table or, with --json, JSON for scripts.
func readCmd(use, short string, print func(cmd *cobra.Command, conn *sqlx.DB, inc incident.Incident, asJSON bool) error) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, inc, err := openIncident(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			return print(cmd, conn, inc, asJSON)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	return c
}

func newFundCmd() *cobra.Command {
	return readCmd("fund", "The compensation fund: pledged, received, committed, paid, remaining",
		func(cmd *cobra.Command, conn *sqlx.DB, inc incident.Incident, asJSON bool) error {
			f, err := compensation.LoadFund(cmd.Context(), conn, inc.ID, inc.Slug)
			if db.IsNotFound(err) {
				return fmt.Errorf("incident %s has no compensation fund", inc.Slug)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, f)
			}
			fmt.Fprintf(out, "Fund of %s (%s)\n\n", inc.Slug, f.Currency)
			if err := writeTable(out, []column{{title: ""}, {title: f.Currency, right: true}}, [][]string{
				{"pledged", compensation.FormatFen(f.PledgedFen)},
				{"received", compensation.FormatFen(f.ReceivedFen)},
				{"committed", compensation.FormatFen(f.CommittedFen)},
				{"paid", compensation.FormatFen(f.PaidFen)},
				{"remaining", compensation.FormatFen(f.RemainingFen)},
			}); err != nil {
				return err
			}
			fmt.Fprintln(out)
			rows := make([][]string, 0, len(f.Contributors))
			for _, c := range f.Contributors {
				rows = append(rows, []string{c.Name, c.NativeName, c.Role,
					compensation.FormatFen(c.PledgedFen), compensation.FormatFen(c.ReceivedFen)})
			}
			return writeTable(out, []column{{title: "CONTRIBUTOR"}, {title: "NATIVE"}, {title: "ROLE"},
				{title: "PLEDGED", right: true}, {title: "RECEIVED", right: true}}, rows)
		})
}

func newTimelineCmd() *cobra.Command {
	c := readCmd("timeline", "The incident's timeline, oldest first",
		func(cmd *cobra.Command, conn *sqlx.DB, inc incident.Incident, asJSON bool) error {
			entries, err := incident.Timeline(cmd.Context(), conn, inc.ID)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if entries == nil {
					entries = []incident.Entry{}
				}
				return writeJSON(out, entries)
			}
			loc := inc.Location()
			rows := make([][]string, 0, len(entries))
			for _, e := range entries {
				when, state := formatWhen(e.At(), e.Precision, loc), "actual"
				if e.Planned() {
					state = "planned"
				}
				rows = append(rows, []string{when, e.Kind, state, e.Title})
			}
			fmt.Fprintf(out, "Timeline of %s (times in %s)\n\n", inc.Slug, inc.TimeZone)
			return writeTable(out, []column{{title: "WHEN"}, {title: "KIND"}, {title: "STATE"}, {title: "TITLE"}}, rows)
		})
	c.AddCommand(newTimelineAddCmd())
	return c
}

func newMilestonesCmd() *cobra.Command {
	return readCmd("milestones", "The restore plan: each milestone's status and progress",
		func(cmd *cobra.Command, conn *sqlx.DB, inc incident.Incident, asJSON bool) error {
			ms, err := recovery.Milestones(cmd.Context(), conn, inc.ID)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if ms == nil {
					ms = []recovery.Milestone{}
				}
				return writeJSON(out, ms)
			}
			loc := inc.Location()
			rows := make([][]string, 0, len(ms))
			for _, m := range ms {
				rows = append(rows, []string{m.Key, m.Status, strconv.Itoa(m.Progress) + "%", m.Owner,
					m.UpdatedAt.In(loc).Format("2006-01-02 15:04"), m.Title})
			}
			fmt.Fprintf(out, "Restore plan of %s: %d%% overall\n\n", inc.Slug, recovery.Overall(ms))
			return writeTable(out, []column{{title: "KEY"}, {title: "STATUS"}, {title: "PROGRESS", right: true},
				{title: "OWNER"}, {title: "UPDATED"}, {title: "TITLE"}}, rows)
		})
}

// formatWhen shows a time in the incident's zone, as a date alone when only
// the date is known.
func formatWhen(t time.Time, precision string, loc *time.Location) string {
	if precision == "day" {
		return t.In(loc).Format("2006-01-02")
	}
	return t.In(loc).Format("2006-01-02 15:04")
}
