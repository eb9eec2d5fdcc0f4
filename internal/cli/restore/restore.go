// Package restore is `warroom restore counts import|status|missing`:
// restoration counted per merchant and data domain.
package restore

import (
	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// NewCmdRestore is `warroom restore`, with `counts import`, `status` and
// `missing` under it.
func NewCmdRestore(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "restore", Short: "Restoration counted per merchant and data domain", Args: cobra.NoArgs}
	counts := &cobra.Command{Use: "counts", Short: "Counts of each merchant's data, per domain, found and restored", Args: cobra.NoArgs}
	counts.AddCommand(NewCmdImport(f, nil))
	c.AddCommand(counts, NewCmdStatus(f, nil), NewCmdMissing(f, nil))
	return c
}
