// Package merchant is `warroom merchant show`.
package merchant

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdMerchant is `warroom merchant`, with `show` under it.
func NewCmdMerchant(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "merchant", Short: "One merchant's compensation", Args: cobra.NoArgs}
	c.AddCommand(NewCmdShow(f, nil))
	return c
}
