// Package user is `warroom user`: logins and their roles.
package user

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdUser is `warroom user` with its commands under it.
func NewCmdUser(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Database logins and their roles (commander, engineer, finance, viewer)",
		Long: `Logins of a shared warroom database. Roles are enforced by PostgreSQL itself:
commander (everything in an incident), engineer (restore milestones, timeline),
finance (merchants, sales, rates, claims, payouts), viewer (read-only).
A commander's new user gets its role once a second commander approves it.
See SECURITY.md.`,
	}
	c.AddCommand(NewCmdAdd(f, nil), NewCmdList(f, nil), NewCmdRevoke(f, nil), NewCmdRole(f, nil), NewCmdWhoAmI(f, nil))
	return c
}
