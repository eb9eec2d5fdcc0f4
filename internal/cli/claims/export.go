package claims

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// ExportOptions are `warroom claims export`'s.
type ExportOptions struct {
	Factory *cmdutil.Factory
	File    string
}

// NewCmdExport parses `warroom claims export`; runF replaces the run in tests.
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{Factory: f}
	return &cobra.Command{
		Use:   "export FILE.csv",
		Short: "Write a per-merchant statement: the formula's numbers, plan, state, paid",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return exportRun(cmd, opts)
		},
	}
}

func exportRun(cmd *cobra.Command, opts *ExportOptions) error {
	conn, inc, err := opts.Factory.OpenIncident(cmd.Context())
	if err != nil {
		return err
	}
	defer conn.Close()
	file, err := os.Create(opts.File)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(file, 1<<20)
	n, err := compensation.ExportStatements(cmd.Context(), conn, inc.ID, bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Factory.Out, "wrote %s to %s\n", glossary.Plural(n, "merchant statement", "merchant statements"), opts.File)
	return nil
}
