package claims

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
	"warroom/glossary"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// Runs over many claims: `claims choose-run`, `claims approve-run` and
// `claims pay-run`. Each claim is its own transaction through the engine's
// lifecycle function (compensation.Choose, Approve, Pay), so a run stopped
// half way (Ctrl-C, a refusal, a lost connection) leaves every claim it
// touched done or untouched, and a second run carries on where it stopped.
// With --bulk a run settles a batch of claims per transaction instead, in
// set statements (bulk_run.go, compensation/bulk.go), for the same reasons
// at the scale of a million claims.

// RunFlags are the flags the runs share.
type RunFlags struct {
	Limit int
	Every time.Duration
	Bulk  bool
	JSON  bool
}

func (r *RunFlags) add(c *cobra.Command) {
	c.Flags().IntVar(&r.Limit, "limit", 0, "stop after N claims (0: all)")
	c.Flags().DurationVar(&r.Every, "every", 0, "pause this long between claims (e.g. 200ms), to watch the Fund view move")
	c.Flags().BoolVar(&r.Bulk, "bulk", false, fmt.Sprintf("settle %s claims per transaction with set statements (for thousands of claims; a progress line per batch)", glossary.Count(compensation.BulkBatch)))
	cmdutil.AddJSONFlag(c, &r.JSON)
}

func (r *RunFlags) check() error {
	if r.Limit < 0 {
		return &db.FieldError{Field: "--limit", Reason: fmt.Sprintf("%d: want 0 (all) or more", r.Limit)}
	}
	if r.Bulk && r.Every != 0 {
		return bulkConflict()
	}
	if r.Every < 0 {
		return &db.FieldError{Field: "--every", Reason: fmt.Sprintf("%v is negative", r.Every)}
	}
	return nil
}

// runBatch is how many candidates a run reads at a time.
const runBatch = 200

// claimQueue walks the incident's claims in one state, oldest first (by the
// time they reached it, then merchant id), a batch at a time.
type claimQueue struct {
	conn     *sqlx.DB
	incident int64
	state    string
	maxOwed  *int64 // only claims owing at most this (pay-run: the threshold)
	batch    []compensation.RunCandidate
	cursor   compensation.RunCursor
	done     bool
}

func (q *claimQueue) next(ctx context.Context) (compensation.RunCandidate, bool, error) {
	if len(q.batch) == 0 && !q.done {
		var err error
		q.batch, err = compensation.RunCandidates(ctx, q.conn, q.incident, q.state, q.cursor, q.maxOwed, runBatch)
		if err != nil {
			return compensation.RunCandidate{}, false, err
		}
		q.done = len(q.batch) < runBatch
	}
	if len(q.batch) == 0 {
		return compensation.RunCandidate{}, false, nil
	}
	c := q.batch[0]
	q.batch = q.batch[1:]
	q.cursor = compensation.RunCursor{At: c.At, Merchant: c.Merchant}
	return c, true, nil
}

// pace waits between claims; false when the run was interrupted.
func pace(ctx context.Context, every time.Duration, first bool) bool {
	if every <= 0 || first {
		return ctx.Err() == nil
	}
	t := time.NewTimer(every)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// runStep is one claim of a run.
type runStep struct {
	Merchant string `json:"merchant_id"`
	Fen      int64  `json:"amount_fen"`
	Key      string `json:"idempotency_key,omitempty"`
	Outcome  string `json:"outcome"` // chosen, approved, paid, already paid, skipped: ...
}

// runSummary is what a run did.
type runSummary struct {
	Run         string                    `json:"run"`
	Done        int                       `json:"done"`
	DoneFen     int64                     `json:"done_fen"`
	Repeated    int                       `json:"already_paid,omitempty"`
	Changed     int                       `json:"changed_meanwhile"` // no longer in the state the run acts on (--bulk: its key already paid another claim)
	Interrupted bool                      `json:"interrupted"`
	Stopped     string                    `json:"stopped,omitempty"` // why the run ended before running out of claims
	Steps       []runStep                 `json:"steps"`             // one claim at a time only
	Bulk        bool                      `json:"bulk"`
	Batches     int                       `json:"batches,omitempty"` // --bulk: transactions committed
	Fund        compensation.FundPosition `json:"fund"`

	// pay-run only
	AboveThreshold    int64  `json:"above_threshold,omitempty"`
	AboveThresholdFen int64  `json:"above_threshold_fen,omitempty"`
	AboveExample      string `json:"above_threshold_hint,omitempty"`
}

// claimRun runs act on each claim the queue gives, one transaction each.
// A refusal because the claim moved on meanwhile is counted and skipped;
// the fund unable to cover an approval stops the run (reported, not an
// error); any other error ends the run with it.
type claimRun struct {
	name  string
	verb  string // past tense for progress lines
	flags *RunFlags
	f     *cmdutil.Factory
	conn  *sqlx.DB
	inc   incident.Incident
	queue *claimQueue
	act   func(ctx context.Context, tx *sqlx.Tx, c compensation.RunCandidate) (runStep, error)
}

// openRun connects for a run over the claims in state.
func openRun(ctx context.Context, f *cmdutil.Factory, flags *RunFlags, name, verb, state string) (*claimRun, error) {
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return nil, err
	}
	return &claimRun{name: name, verb: verb, flags: flags, f: f, conn: conn, inc: inc,
		queue: &claimQueue{conn: conn, incident: inc.ID, state: state}}, nil
}

func (r *claimRun) run(ctx context.Context) (runSummary, error) {
	// A claim once started is finished even on Ctrl-C: the transaction runs
	// on a context that is not cancelled, and the run stops before the next.
	txCtx := context.WithoutCancel(ctx)
	s := runSummary{Run: r.name, Steps: []runStep{}}
	r.suggestBulk(ctx)
	for first := true; r.flags.Limit == 0 || s.Done < r.flags.Limit; first = false {
		if !pace(ctx, r.flags.Every, first) {
			s.Interrupted = true
			break
		}
		c, ok, err := r.queue.next(txCtx)
		if err != nil {
			return s, err
		}
		if !ok {
			break
		}
		var step runStep
		stop := false
		err = db.Write(txCtx, r.conn, r.f.As, func(tx *sqlx.Tx) (err error) {
			step, err = r.act(txCtx, tx, c)
			return err
		})
		switch {
		case errors.Is(err, compensation.ErrFundExhausted):
			// The database refused it (fund_not_overdrawn) and the claim's
			// transaction rolled back. The run stops at the first claim the
			// fund cannot cover: approving later, smaller ones first would
			// jump the queue.
			stop = true
			s.Stopped = fmt.Sprintf("the fund cannot cover %s's %s: the database refused the approval%s",
				cmdutil.CleanLine(c.Merchant), compensation.FormatFen(c.OwedFen), constraintOf(err))
			s.Steps = append(s.Steps, runStep{Merchant: c.Merchant, Fen: c.OwedFen, Outcome: "refused: the fund cannot cover it"})
		case err == nil && step.Outcome == "already paid":
			s.Repeated++
		case err == nil:
			s.Done++
			s.DoneFen += step.Fen
		case movedOn(err):
			// The claim moved on between the read and its lock (another
			// run, a person at the console): not this run's to do.
			s.Changed++
			step = runStep{Merchant: c.Merchant, Fen: c.OwedFen, Outcome: "skipped: " + err.Error()}
		default:
			return s, err
		}
		if stop {
			break
		}
		s.Steps = append(s.Steps, step)
		if !r.flags.JSON {
			r.progress(r.f.Out, s, step)
		}
	}
	if ctx.Err() != nil {
		s.Interrupted = true
	}
	return s, nil
}

// suggestBulkFrom is how many claims make a one-at-a-time run worth a
// word about --bulk: at a few hundred claims a second, minutes.
const suggestBulkFrom = 20000

// suggestBulk says, on stderr, when a run over all claims would take long
// one at a time.
func (r *claimRun) suggestBulk(ctx context.Context) {
	if r.flags.Limit != 0 || r.flags.Every != 0 {
		return
	}
	n, err := compensation.CountInState(ctx, r.conn, r.inc.ID, r.queue.state)
	if err == nil && n >= suggestBulkFrom {
		fmt.Fprintf(r.f.ErrOut, "%s %s claims one at a time, each its own transaction; --bulk settles them %s per transaction (docs/compensation.md)\n",
			r.name+":", glossary.Count(int(n)), glossary.Count(compensation.BulkBatch))
	}
}

// constraintOf names the constraint a database refusal cites, if any.
func constraintOf(err error) string {
	var me *db.MappedError
	if errors.As(err, &me) && me.PG.Constraint != "" {
		return " (constraint " + me.PG.Constraint + ")"
	}
	return ""
}

// movedOn: the claim is no longer the run's to act on (its state changed,
// it was removed, or a payout now needs a second authorisation).
func movedOn(err error) bool {
	return errors.Is(err, db.ErrInvalidInput) || errors.Is(err, db.ErrWrongState) ||
		errors.Is(err, db.ErrNotFound) || errors.Is(err, db.ErrNeedsApproval)
}

func (r *claimRun) progress(out io.Writer, s runSummary, step runStep) {
	n := glossary.Count(s.Done)
	if r.flags.Limit > 0 {
		n += "/" + glossary.Count(r.flags.Limit)
	}
	line := fmt.Sprintf("%-6s %s %-12s %14s", n, cmdutil.CleanLine(step.Merchant), step.Outcome, compensation.FormatFen(step.Fen))
	if step.Key != "" {
		line += "  key " + step.Key
	}
	// With a pace someone is watching: show the fund moving too.
	if r.flags.Every > 0 {
		if f, err := compensation.ReadFundPosition(context.Background(), r.conn, r.inc.ID); err == nil {
			line += "  | fund " + f.String()
		}
	}
	fmt.Fprintln(out, line)
}

// finish prints the summary, after the run's error if it ended in one.
func (r *claimRun) finish(ctx context.Context, s runSummary, runErr error) error {
	if runErr != nil {
		return errors.Join(runErr, r.summary(ctx, s))
	}
	return r.summary(ctx, s)
}

func (r *claimRun) summary(ctx context.Context, s runSummary) error {
	f, err := compensation.ReadFundPosition(context.WithoutCancel(ctx), r.conn, r.inc.ID)
	if err != nil {
		return err
	}
	s.Fund = f
	out := r.f.Out
	if r.flags.JSON {
		return cmdutil.WriteJSON(out, s)
	}
	fmt.Fprintf(out, "%s: %s %s, %s in all", r.name, r.verb, glossary.Plural(s.Done, "claim", "claims"), compensation.FormatFen(s.DoneFen))
	if s.Repeated > 0 {
		fmt.Fprintf(out, "; %s already paid under their key (nothing paid twice)", glossary.Count(s.Repeated))
	}
	switch {
	case s.Changed > 0 && s.Bulk:
		fmt.Fprintf(out, "; %s passed over: the key pay-run-<merchant> already paid another claim (pay them with claims pay --key)", glossary.Count(s.Changed))
	case s.Changed > 0:
		fmt.Fprintf(out, "; %s skipped (changed meanwhile)", glossary.Count(s.Changed))
	}
	fmt.Fprintln(out)
	if s.Interrupted {
		fmt.Fprintln(out, "interrupted: every claim above is done; run it again to carry on")
	}
	if s.Stopped != "" {
		fmt.Fprintln(out, "stopped: "+s.Stopped)
	}
	if s.AboveThreshold > 0 {
		fmt.Fprintf(out, "skipped %s approved claims owing more than the %s payout threshold (%s in all): each needs a second authorisation,\n  e.g. %s\n",
			glossary.Count(s.AboveThreshold), compensation.FormatFen(s.Fund.ThresholdFen), compensation.FormatFen(s.AboveThresholdFen), s.AboveExample)
	}
	fmt.Fprintln(out, "fund: "+f.String())
	return nil
}
