// Package milestone is `warroom milestone set`.
package milestone

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdMilestone is `warroom milestone`, with `set` under it.
func NewCmdMilestone(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "milestone", Short: "Change a restore milestone"}
	c.AddCommand(NewCmdSet(f, nil))
	return c
}
