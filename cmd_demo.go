package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/demo"
)

func newDemoCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "demo",
		Short: "The demo incident (the February 2020 production-data deletion)",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(newDemoLoadCmd(), newDemoGenerateCmd())
	return c
}

func newDemoLoadCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "load",
		Short: "Load the demo incident, its fund and a synthetic merchant population",
		Long: `Load writes the demo incident, its timeline, restore plan, accountability,
compensation fund and a few thousand synthetic merchants with claims and
payouts, in one transaction. It refuses when the incident is already there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := openAdmin(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			s, err := demo.Load(cmd.Context(), conn)
			if errors.Is(err, demo.ErrAlreadyLoaded) {
				return fmt.Errorf("%w; nothing changed (open it with `warroom --incident %s`)", err, demo.Slug())
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, s)
			}
			fmt.Fprintf(out, "Loaded demo incident %s\n\n", s.Slug)
			return writeTable(out, []column{{title: "LOADED"}, {title: "", right: true}}, [][]string{
				{"timeline entries", fmt.Sprint(s.Entries)},
				{"milestones", fmt.Sprintf("%d (%d updates)", s.Milestones, s.Updates)},
				{"people", fmt.Sprintf("%d (%d findings)", s.People, s.Findings)},
				{"remediation measures", fmt.Sprintf("%d (%d action items)", s.Measures, s.ActionItems)},
				{"contributors", fmt.Sprintf("%d (%d receipts)", s.Contributors, s.Contributions)},
				{"merchants", fmt.Sprint(s.Merchants)},
				{"claims", fmt.Sprint(s.Claims)},
				{"payouts", fmt.Sprintf("%d (%d approved by a second person)", s.Payouts, s.ApprovedPayouts)},
				{"pledged", compensation.FormatFen(s.PledgedFen)},
				{"received", compensation.FormatFen(s.ReceivedFen)},
				{"paid", compensation.FormatFen(s.PaidFen)},
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	return c
}

func newDemoGenerateCmd() *cobra.Command {
	var (
		n      int
		dir    string
		asJSON bool
	)
	c := &cobra.Command{
		Use:   "generate --merchants N [--dir DIR]",
		Short: "Write N synthetic merchants and their baseline-week sales as CSV files to import",
		Long: `Write DIR/merchants.csv and DIR/sales.csv (six days of sales per merchant in
the demo incident's baseline window), deterministic for a given N (up to
1,000,000). Load them with 'warroom merchants import' and 'warroom sales import'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := generateFiles(dir, n)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), st)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d merchants to %s and %d sales rows (%s yuan) to %s\n",
				st.Merchants, filepath.Join(dir, "merchants.csv"), st.SalesRows, compensation.FormatFen(st.SalesFen), filepath.Join(dir, "sales.csv"))
			return nil
		},
	}
	c.Flags().IntVar(&n, "merchants", 1000, "how many merchants (1 to 1000000)")
	c.Flags().StringVar(&dir, "dir", ".", "where to write merchants.csv and sales.csv")
	c.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	return c
}

// generateFiles writes dir/merchants.csv and dir/sales.csv.
func generateFiles(dir string, n int) (demo.GenerateStats, error) {
	if n <= 0 || n > demo.MaxGenerated {
		return demo.GenerateStats{}, &db.FieldError{Field: "--merchants", Reason: fmt.Sprintf("%d: want 1 to %d", n, demo.MaxGenerated)}
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
