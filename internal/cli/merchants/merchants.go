// Package merchants is `warroom merchants import`.
package merchants

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdMerchants is `warroom merchants`, with `import` under it.
func NewCmdMerchants(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "merchants", Short: "Merchants of the incident's compensation", Args: cobra.NoArgs}
	c.AddCommand(NewCmdImport(f, nil))
	return c
}
