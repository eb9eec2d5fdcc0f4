package incidentcmd

import (
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// RoleOptions are `warroom incident role`'s.
type RoleOptions struct {
	Factory *cmdutil.Factory
	Role    string
	Person  string
}

// NewCmdRole parses `warroom incident role`; runF replaces the run in tests.
func NewCmdRole(f *cmdutil.Factory, runF func(*RoleOptions) error) *cobra.Command {
	opts := &RoleOptions{Factory: f}
	c := &cobra.Command{
		Use:   "role ROLE NAME",
		Short: "Name who holds a role now (commander hands command over)",
		Long: `Name who holds a role on the incident now; the previous holder's turn ends.
Roles: ` + strings.Join(incident.DutyRoles, ", ") + `, or any one word. There is
exactly one commander: naming a new one hands command over, recorded on the
timeline with both names. Its commander or a warroom commander may.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Role, opts.Person = args[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return roleRun(cmd, opts)
		},
	}
	return c
}

func roleRun(cmd *cobra.Command, opts *RoleOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var d incident.Duty
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		d, err = incident.AssignRole(ctx, tx, inc.ID, opts.Role, opts.Person)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "%s: %s is %s\n", inc.Slug, cmdutil.CleanLine(d.Person), glossary.DutyRole(d.Role))
	return nil
}
