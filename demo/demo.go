// Package demo loads the reference incident (the February 2020 production-
// data deletion) and a synthetic merchant population into a database, so a
// first run of the console has something real to show. The facts live in
// the embedded incident-2020-02.json; the merchants are generated from the
// seed in that file.
package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"

	"warroom/db"
)

// ErrAlreadyLoaded means the demo incident's slug is already in the
// database; loading again would duplicate or clash with it.
var ErrAlreadyLoaded = errors.New("demo incident already loaded")

// Summary says what Load wrote.
type Summary struct {
	Slug          string `json:"slug"`
	IncidentID    int64  `json:"incident_id"`
	Entries       int    `json:"entries"`
	Milestones    int    `json:"milestones"`
	Updates       int    `json:"milestone_updates"`
	People        int    `json:"people"`
	Findings      int    `json:"findings"`
	Measures      int    `json:"measures"`
	ActionItems   int    `json:"action_items"`
	Contributors  int    `json:"contributors"`
	Contributions int    `json:"contributions"`
	MarginRates   int    `json:"margin_rates"`
	SalesTotals   int    `json:"sales_totals"`
	SalesFen      int64  `json:"sales_fen"`
	Merchants     int    `json:"merchants"`
	Claims        int    `json:"claims"`
	Payouts       int    `json:"payouts"`
	// ApprovedPayouts went through a request and a second person's
	// approval: those above the fund's payout threshold.
	ApprovedPayouts int   `json:"approved_payouts"`
	PledgedFen      int64 `json:"pledged_fen"`
	ReceivedFen     int64 `json:"received_fen"`
	PaidFen         int64 `json:"paid_fen"`
	// RestoreSnapshots are the restore counts imported (02-25 .. 03-03).
	RestoreSnapshots int `json:"restore_snapshots"`
}

// Load writes the demo incident, its restore plan, accountability, fund and
// merchant population in one transaction: either all of it lands or none.
// The population goes through the compensation engine as real data would:
// merchants, a sales import with per-merchant baseline totals, the
// industries' margin rates, compensation.ComputeClaims, then the plan
// choices, approvals and payouts of the claims that got that far.
func Load(ctx context.Context, conn *sqlx.DB) (Summary, error) {
	d, err := scenario()
	if err != nil {
		return Summary{}, err
	}
	pop, err := generate(d.Population, d.Fund.OutageEnd.Sub(d.Fund.OutageStart))
	if err != nil {
		return Summary{}, fmt.Errorf("demo data: %w", err)
	}
	var s Summary
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		s = Summary{Slug: d.Incident.Slug}
		return load(ctx, tx, d, pop, &s)
	})
	if err != nil {
		return Summary{}, err
	}
	return s, nil
}

func load(ctx context.Context, q db.Querier, d dataSet, pop []merchant, s *Summary) error {
	id, err := insertIncident(ctx, q, d.Incident)
	if err != nil {
		return err
	}
	s.IncidentID = id
	steps := []func(context.Context, db.Querier, int64, dataSet, *Summary) error{
		insertTimeline, insertMilestones, insertAccountability, insertFund,
	}
	for _, step := range steps {
		if err := step(ctx, q, id, d, s); err != nil {
			return err
		}
	}
	if err := insertPopulation(ctx, q, id, d, pop, s); err != nil {
		return err
	}
	return insertRestore(ctx, q, id, d, pop, s)
}
