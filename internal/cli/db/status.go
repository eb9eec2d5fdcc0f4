package dbcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/db/pgserver"
	"warroom/internal/cli/cmdutil"
)

// StatusOptions are `warroom db status`'s.
type StatusOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// status is `warroom db status --json`.
type status struct {
	pgserver.Status
	URL string `json:"url,omitempty"` // of the warroom database, when running
}

// NewCmdStatus parses `warroom db status`; runF replaces the run in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{Factory: f}
	c := &cobra.Command{
		Use:   "status",
		Short: "Show whether the embedded server runs, where, and on which port",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func statusRun(cmd *cobra.Command, opts *StatusOptions) error {
	srv, err := cmdutil.EmbeddedServer()
	if err != nil {
		return err
	}
	st, err := srv.Status(cmd.Context())
	if err != nil {
		return err
	}
	s := status{Status: st}
	if st.Running {
		s.URL = cmdutil.EmbeddedURL(srv, "")
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, s)
	}
	state := "stopped"
	switch {
	case st.Running:
		state = fmt.Sprintf("running (pid %d)", st.PID)
	case !st.Initialized:
		state = "not created yet (`warroom db start` creates it)"
	}
	rows := [][]string{
		{"state", state},
		{"port", portText(st.Port)},
	}
	if st.Socket != "" {
		rows = append(rows, []string{"socket", st.Socket + " (no TCP)"})
	}
	if s.URL != "" {
		rows = append(rows, []string{"url", s.URL})
	}
	rows = append(rows,
		[]string{"data dir", st.DataDir},
		[]string{"binaries", fmt.Sprintf("%s (PostgreSQL %d)", st.BinDir, st.Version)},
		[]string{"log", st.LogFile})
	if st.RunAs != "" {
		rows = append(rows, []string{"runs as", st.RunAs})
	}
	for _, r := range rows {
		if _, err := fmt.Fprintf(out, "%-9s %s\n", r[0], r[1]); err != nil {
			return err
		}
	}
	return nil
}

func portText(p int) string {
	if p == 0 {
		return "-"
	}
	return fmt.Sprint(p)
}
