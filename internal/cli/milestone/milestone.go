// Package milestone is `warroom milestone set|add|edit|void`.
package milestone

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdMilestone is `warroom milestone`, with `set`, `add`, `edit` and `void` under it.
func NewCmdMilestone(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "milestone", Short: "Add a restore milestone, edit it, or record its progress"}
	c.AddCommand(NewCmdSet(f, nil), NewCmdAdd(f, nil), NewCmdEdit(f, nil), NewCmdVoid(f, nil), NewCmdLink(f, nil))
	return c
}
