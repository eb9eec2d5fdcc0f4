package democmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/demo"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// GenerateOptions are `warroom demo generate`'s.
type GenerateOptions struct {
	Factory   *cmdutil.Factory
	Merchants int
	Dir       string
	JSON      bool
}

// NewCmdGenerate parses `warroom demo generate`; runF replaces the run in tests.
func NewCmdGenerate(f *cmdutil.Factory, runF func(*GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{Factory: f}
	c := &cobra.Command{
		Use:   "generate --merchants N [--dir DIR]",
		Short: "Write N synthetic merchants and their baseline-week sales as CSV files to import",
		Long: `Write DIR/merchants.csv and DIR/sales.csv (six days of sales per merchant in
the demo incident's baseline window), deterministic for a given N (up to
1,000,000). Load them with 'warroom merchants import' and 'warroom sales import'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return generateRun(opts)
		},
	}
	c.Flags().IntVar(&opts.Merchants, "merchants", 1000, "how many merchants (1 to 1000000)")
	c.Flags().StringVar(&opts.Dir, "dir", ".", "where to write merchants.csv and sales.csv")
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func generateRun(opts *GenerateOptions) error {
	st, err := GenerateFiles(opts.Dir, opts.Merchants)
	if err != nil {
		return err
	}
	out := opts.Factory.Out
	if opts.JSON {
		return cmdutil.WriteJSON(out, st)
	}
	fmt.Fprintf(out, "wrote %s to %s and %s (%s yuan) to %s\n",
		glossary.Plural(st.Merchants, "merchant", "merchants"), filepath.Join(opts.Dir, "merchants.csv"), glossary.Plural(st.SalesRows, "sales row", "sales rows"), compensation.FormatFen(st.SalesFen), filepath.Join(opts.Dir, "sales.csv"))
	return nil
}

// GenerateFiles writes dir/merchants.csv and dir/sales.csv.
func GenerateFiles(dir string, n int) (demo.GenerateStats, error) {
	if n <= 0 || n > demo.MaxGenerated {
		return demo.GenerateStats{}, &db.FieldError{Field: "--merchants", Reason: fmt.Sprintf("%d: want 1 to %d", n, demo.MaxGenerated)}
	}
	// The directory is made as `mkdir -p` would: a new user names one.
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return demo.GenerateStats{}, err
	}
	mf, err := os.Create(filepath.Join(dir, "merchants.csv"))
	if err != nil {
		return demo.GenerateStats{}, err
	}
	defer mf.Close()
	sf, err := os.Create(filepath.Join(dir, "sales.csv"))
	if err != nil {
		return demo.GenerateStats{}, err
	}
	defer sf.Close()
	st, err := demo.Generate(n, mf, sf)
	if err != nil {
		return st, err
	}
	if err := mf.Close(); err != nil {
		return st, err
	}
	return st, sf.Close()
}
