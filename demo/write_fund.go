package demo

import (
	"context"
	"fmt"

	"warroom/db"
)

// insertFund writes the fund with its windows and in-kind plan value, the
// contributors (linked to their people rows by name) and what each has
// actually transferred.
func insertFund(ctx context.Context, q db.Querier, incidentID int64, d dataSet, s *Summary) error {
	f := d.Fund
	_, err := q.ExecContext(ctx, `
		INSERT INTO funds (incident_id, currency, baseline_start, baseline_end, outage_start, outage_end,
		    inkind_value_fen, inkind_plan, inkind_value_source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		incidentID, f.Currency, f.BaselineStart, f.BaselineEnd, f.OutageStart, f.OutageEnd,
		d.Population.TrafficValueFen, f.InKindPlan, f.InKindValueSource)
	if err != nil {
		return fmt.Errorf("fund: %w", db.MapError(err))
	}
	for pos, c := range f.Contributors {
		var id int64
		// An empty person matches no row, so the company stays unlinked.
		err := q.GetContext(ctx, &id, `
			INSERT INTO contributors (incident_id, person_id, name, native_name, role,
			    position, pledged_fen, pledged_at, pledge_note)
			VALUES ($1, (SELECT id FROM people WHERE incident_id = $1 AND name = $2),
			    $3, $4, $5, $6, $7, $8, $9)
			RETURNING id`,
			incidentID, c.Person, c.Name, c.NativeName, c.Role, pos+1, c.PledgedFen, c.PledgedAt, c.PledgeNote)
		if err != nil {
			return fmt.Errorf("contributor %q: %w", c.Name, db.MapError(err))
		}
		s.Contributors++
		s.PledgedFen += c.PledgedFen
		for _, r := range c.Receipts {
			_, err := q.ExecContext(ctx, `
				INSERT INTO contributions (contributor_id, amount_fen, received_at, reference)
				VALUES ($1, $2, $3, $4)`,
				id, r.AmountFen, r.ReceivedAt, r.Reference)
			if err != nil {
				return fmt.Errorf("contribution from %q: %w", c.Name, db.MapError(err))
			}
			s.Contributions++
			s.ReceivedFen += r.AmountFen
		}
	}
	return nil
}
