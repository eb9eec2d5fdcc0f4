// Package democmd is `warroom demo`: load the demo incident, or generate
// CSV files of synthetic merchants to import.
package democmd

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdDemo is `warroom demo` with `load` and `generate` under it.
func NewCmdDemo(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "demo",
		Short: "The demo incident (the February 2020 production-data deletion)",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(NewCmdLoad(f, nil), NewCmdGenerate(f, nil))
	return c
}
