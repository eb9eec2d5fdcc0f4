// Package sales is `warroom sales import`.
package sales

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdSales is `warroom sales`, with `import` under it.
func NewCmdSales(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "sales", Short: "Merchants' baseline-week sales", Args: cobra.NoArgs}
	c.AddCommand(NewCmdImport(f, nil))
	return c
}
