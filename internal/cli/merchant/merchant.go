// Package merchant is `warroom merchant show`.
package merchant

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdMerchant is `warroom merchant`, with `show` under it.
func NewCmdMerchant(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "merchant", Short: "One merchant: its compensation and how much of its data is back", Args: cobra.NoArgs}
	c.AddCommand(NewCmdShow(f, nil))
	return c
}
