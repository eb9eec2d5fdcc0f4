package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/recovery"
)

// writeTarget is what every writing command needs: the connection, the
// incident and who the change is attributed to.
type writeTarget struct {
	conn  *sqlx.DB
	inc   incident.Incident
	actor string
}

// openForWrite connects, checks --as (see checkActor) and resolves the incident.
func openForWrite(cmd *cobra.Command, as string) (*writeTarget, error) {
	conn, src, err := openDBSource(cmd)
	if err != nil {
		return nil, err
	}
	if err := checkActor(as, src); err != nil {
		conn.Close()
		return nil, err
	}
	inc, err := incident.Resolve(cmd.Context(), conn, incidentFlag(cmd))
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &writeTarget{conn: conn, inc: inc, actor: as}, nil
}

// checkActor allows --as on the single-user embedded database only: on a
// shared database changes are attributed to the database login, so nobody
// can write in someone else's name.
func checkActor(as string, src dbSource) error {
	if as != "" && !src.embedded {
		return &codedError{code: exitUsage, err: fmt.Errorf(
			"--as works only on the embedded single-user database; on a shared database (%s) changes are attributed to your database login", src.from)}
	}
	return nil
}

func newMilestoneCmd() *cobra.Command {
	c := &cobra.Command{Use: "milestone", Short: "Change a restore milestone"}
	var (
		progress int
		status   string
		note     string
		as       string
	)
	set := &cobra.Command{
		Use:   "set KEY [--progress N] [--status S] [--note TEXT]",
		Short: "Record progress on a milestone (kept in its history)",
		Long: `Record progress on a restore milestone. Statuses: planned, in_progress,
blocked (needs --note), done (means 100%). Every update is kept in the
milestone's history, and every open console shows it at once.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			change := recovery.Change{Key: args[0], Note: note}
			if cmd.Flags().Changed("progress") {
				change.Progress = &progress
			}
			if cmd.Flags().Changed("status") {
				s := strings.ReplaceAll(status, "-", "_") // "in-progress" reads naturally too
				change.Status = &s
			}
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			var m recovery.Milestone
			err = db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) error {
				m, err = recovery.Set(cmd.Context(), tx, w.inc.ID, change)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s %d%% (version %d, by %s)\n", m.Key, m.Status, m.Progress, m.Version, cleanLine(m.UpdatedBy))
			return nil
		},
	}
	set.Flags().IntVar(&progress, "progress", 0, "progress 0-100")
	set.Flags().StringVar(&status, "status", "", "planned, in_progress, blocked or done")
	set.Flags().StringVar(&note, "note", "", "what changed (required for blocked)")
	set.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	c.AddCommand(set)
	return c
}

func newTimelineAddCmd() *cobra.Command {
	var (
		kind, at, body, as string
		planned            bool
	)
	c := &cobra.Command{
		Use:   "add --kind K [--at TIME] TITLE [--body TEXT]",
		Short: "Add a timeline entry",
		Long: `Add an entry to the incident's timeline. --at takes "now" (the default),
"2020-03-03 09:00" or "2020-03-03" in the incident's time zone, or RFC 3339.
Kinds: ` + strings.Join(incident.Kinds, ", ") + `.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if kind == "" {
				return &codedError{code: exitUsage, err: fmt.Errorf("--kind is required (one of %s)", strings.Join(incident.Kinds, ", "))}
			}
			w, err := openForWrite(cmd, as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			when, precision, err := incident.ParseTime(at, w.inc.Location(), time.Now())
			if err != nil {
				return &db.FieldError{Field: "--at", Reason: err.Error()}
			}
			in := incident.EntryInput{Kind: kind, Title: args[0], Body: body, At: when, Precision: precision, Planned: planned}
			var e incident.Entry
			err = db.Write(cmd.Context(), w.conn, w.actor, func(tx *sqlx.Tx) error {
				e, err = incident.AddEntry(cmd.Context(), tx, w.inc.ID, in)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added entry %d: %s %s %s\n", e.ID,
				formatWhen(e.At(), e.Precision, w.inc.Location()), e.Kind, e.Title)
			return nil
		},
	}
	c.Flags().StringVar(&kind, "kind", "", "entry kind (required)")
	c.Flags().StringVar(&at, "at", "now", "when it happened, or is planned")
	c.Flags().StringVar(&body, "body", "", "details")
	c.Flags().BoolVar(&planned, "planned", false, "the time is a plan, not something that happened")
	c.Flags().StringVar(&as, "as", "", "author `name` (embedded database only)")
	return c
}
