// Package incidents is `warroom incidents`: every incident in the database.
package incidents

import (
	"time"

	"github.com/spf13/cobra"

	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// Options are `warroom incidents`'s.
type Options struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// Row is one incident as `warroom incidents --json` prints it.
type Row struct {
	Slug                        string     `json:"slug"`
	Title                       string     `json:"title"`
	Severity                    string     `json:"severity"`
	Status                      string     `json:"status"`
	Commander                   string     `json:"commander"`
	TimeZone                    string     `json:"time_zone"`
	StartedAt                   time.Time  `json:"started_at"`
	ResolvedAt                  *time.Time `json:"resolved_at"`
	MinutesToResolve            *int       `json:"minutes_to_resolve"`
	MinutesToFirstMilestoneDone *int       `json:"minutes_to_first_milestone_done"`
}

// NewCmdIncidents parses `warroom incidents`; runF replaces the run in tests.
func NewCmdIncidents(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	c := &cobra.Command{
		Use:   "incidents",
		Short: "Every incident, newest first, with its commander and durations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func run(cmd *cobra.Command, opts *Options) error {
	conn, _, err := opts.Factory.Open(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	list, err := incident.List(cmd.Context(), conn)
	if err != nil {
		return err
	}
	rows := make([]Row, 0, len(list))
	for _, s := range list {
		rows = append(rows, Row{Slug: s.Slug, Title: s.Title, Severity: s.Severity, Status: s.Status,
			Commander: s.Commander, TimeZone: s.TimeZone, StartedAt: s.StartedAt, ResolvedAt: s.ResolvedAt,
			MinutesToResolve: s.MinutesToResolve, MinutesToFirstMilestoneDone: s.MinutesToFirstMilestone})
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, rows)
	}
	table := make([][]string, 0, len(rows))
	for i, r := range rows {
		loc := list[i].Location() // each incident's times in its own zone
		resolved := ""
		if r.ResolvedAt != nil {
			resolved = r.ResolvedAt.In(loc).Format("2006-01-02 15:04 MST")
		}
		commander := r.Commander
		if commander == "" {
			commander = "-" // no one holds the duty role
		}
		table = append(table, []string{r.Slug, glossary.Severity(r.Severity), glossary.IncidentStatus(r.Status), commander,
			r.StartedAt.In(loc).Format("2006-01-02 15:04 MST"), resolved,
			minutes(r.MinutesToResolve), minutes(r.MinutesToFirstMilestoneDone), r.Title})
	}
	return cmdutil.WriteTable(out, []cmdutil.Column{{Title: "SLUG"}, {Title: "SEV"}, {Title: "STATUS"}, {Title: "COMMANDER"},
		{Title: "STARTED"}, {Title: "RESOLVED"}, {Title: "TO RESOLVE", Right: true}, {Title: "TO 1ST DONE", Right: true},
		{Title: "TITLE"}}, table)
}

// minutes shows a duration given in minutes as the war room says it
// ("8d 14h", "1h 35m", "45m"; --json keeps the minutes), or "-" when there
// is none yet.
func minutes(m *int) string {
	if m == nil {
		return "-"
	}
	return incident.FormatDuration(time.Duration(*m) * time.Minute)
}
