// Package update is `warroom update post`: a stakeholder update.
package update

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdUpdate is `warroom update`, with `post` under it.
func NewCmdUpdate(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "update", Short: "Post a stakeholder update"}
	c.AddCommand(NewCmdPost(f, nil))
	return c
}
