// Package incidentcmd is `warroom incident declare|status|severity|role`.
package incidentcmd

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdIncident is `warroom incident`, with its verbs under it.
func NewCmdIncident(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "incident", Short: "Declare an incident, change its status or severity, name who is on duty"}
	c.AddCommand(NewCmdDeclare(f, nil), NewCmdStatus(f, nil), NewCmdSeverity(f, nil), NewCmdRole(f, nil))
	return c
}
