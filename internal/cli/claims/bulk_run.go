package claims

import (
	"context"
	"errors"
	"fmt"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
)

// runBulk runs act a batch per transaction (compensation.RunBulk), a
// progress line per batch.
func (r *claimRun) runBulk(ctx context.Context, act compensation.BulkAct) (runSummary, error) {
	s := runSummary{Run: r.name, Steps: []runStep{}, Bulk: true}
	total, err := compensation.CountInState(ctx, r.conn, r.inc.ID, r.queue.state)
	if err != nil {
		return s, err
	}
	if r.flags.Limit > 0 && int64(r.flags.Limit) < total {
		total = int64(r.flags.Limit)
	}
	t, err := compensation.RunBulk(ctx, r.conn, r.f.As, r.flags.Limit, act, func(t compensation.BulkTotals, st compensation.BulkStep) {
		if st.Claims > 0 && !r.flags.JSON {
			fmt.Fprintf(r.f.Out, "%s/%s %s %s claims, %s in all\n", glossary.Count(int(t.Claims)), glossary.Count(int(total)),
				r.verb, glossary.Count(int(st.Claims)), compensation.FormatFen(t.Fen))
		}
	})
	s.Done, s.DoneFen, s.Changed, s.Batches, s.Interrupted = int(t.Claims), t.Fen, int(t.KeyTaken), t.Batches, t.Interrupted
	switch {
	case errors.Is(err, compensation.ErrFundExhausted):
		// Refused by the database although the batch was cut to the money
		// left: the fund changed meanwhile. Nothing of that batch stayed.
		s.Stopped = "the fund cannot cover the next batch: the database refused it" + constraintOf(err)
		return s, nil
	case err != nil:
		return s, err
	case t.Uncovered:
		s.Stopped = fmt.Sprintf("the fund cannot cover the next claim in line (%s); approving later, smaller ones first would jump the queue",
			compensation.FormatFen(t.UncoveredFen))
	}
	return s, nil
}

// bulkConflict is the refusal of --bulk beside --every: a paced run is for
// watching claims one at a time.
func bulkConflict() error {
	return &db.FieldError{Field: "--bulk", Reason: "settles claims a batch at a time: leave out --every"}
}
