// Package dbcmd is `warroom db`: the embedded server (start, stop,
// status, url) and `warroom db migrate` for any database's owner.
package dbcmd

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdDB is `warroom db` with its commands under it.
func NewCmdDB(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "db",
		Short: "Manage the embedded PostgreSQL server, and migrate a shared database",
		Long: `With no --db, DATABASE_URL or PG* variables, warroom runs its own PostgreSQL
server in $WARROOM_DATA_DIR, else $XDG_DATA_HOME/warroom (~/.local/share/warroom),
else, as root when that is out of reach of the server's account, /var/lib/warroom.
It uses the PostgreSQL binaries on this machine (15 or newer), listens on no
TCP port, only on a Unix socket in a 0700 directory of your account (so other
OS users cannot reach it), and keeps running between commands so several
consoles of yours share it. A war room of several people uses a shared
server instead (see README.md); its owner applies a new version's
migrations with 'warroom db migrate'.`,
		Args: cobra.NoArgs,
	}
	c.AddCommand(NewCmdStart(f, nil), NewCmdStop(f, nil), NewCmdStatus(f, nil), NewCmdURL(f, nil), NewCmdMigrate(f, nil))
	return c
}
