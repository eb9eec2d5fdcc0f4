package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/demo"
)

func newDemoCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "demo",
		Short: "The demo incident (the February 2020 production-data deletion)",
		Args:  cobra.NoArgs,
	}
	c.AddCommand(newDemoLoadCmd())
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
			conn, err := openDB(cmd)
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
				{"payouts", fmt.Sprint(s.Payouts)},
				{"pledged", compensation.FormatFen(s.PledgedFen)},
				{"received", compensation.FormatFen(s.ReceivedFen)},
				{"paid", compensation.FormatFen(s.PaidFen)},
			})
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the summary as JSON")
	return c
}
