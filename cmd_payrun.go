package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/compensation"
	"warroom/db"
)

// Runs over many claims: `claims choose-run`, `claims approve-run` and
// `claims pay-run`. Each claim is its own transaction through the engine's
// lifecycle function (compensation.Choose, Approve, Pay), so a run stopped
// half way (Ctrl-C, a refusal, a lost connection) leaves every claim it
// touched done or untouched, and a second run carries on where it stopped.

// payRunKey is the idempotency key of a run's payout to a merchant. It names
// only the merchant, so two runs (one re-run, or two at once) meet on the
// same key and the merchant is paid once.
func payRunKey(merchant string) string { return "pay-run-" + merchant }

// runFlags are the flags the runs share.
type runFlags struct {
	limit  int
	every  time.Duration
	asJSON bool
	as     string
}

func (f *runFlags) add(c *cobra.Command) {
	c.Flags().IntVar(&f.limit, "limit", 0, "stop after N claims (0: all)")
	c.Flags().DurationVar(&f.every, "every", 0, "pause this long between claims (e.g. 200ms), to watch the Fund view move")
	c.Flags().BoolVar(&f.asJSON, "json", false, "print the summary as JSON (no progress lines)")
	c.Flags().StringVar(&f.as, "as", "", "author `name` (embedded database only)")
}

func (f *runFlags) check() error {
	if f.limit < 0 {
		return &db.FieldError{Field: "--limit", Reason: fmt.Sprintf("%d: want 0 (all) or more", f.limit)}
	}
	if f.every < 0 {
		return &db.FieldError{Field: "--every", Reason: fmt.Sprintf("%v is negative", f.every)}
	}
	return nil
}

// runCandidate is a claim a run may act on.
type runCandidate struct {
	ClaimID  int64     `db:"claim_id"`
	Merchant string    `db:"merchant"`
	At       time.Time `db:"at"`
	OwedFen  int64     `db:"owed_fen"`
}

// claimQueue walks the incident's claims in one state, oldest first (by the
// time they reached it, then merchant id), a batch at a time, keyset-paged
// so a claim skipped or changed meanwhile is never read again in this run.
type claimQueue struct {
	conn     *sqlx.DB
	incident int64
	state    string
	at       string // the claim's timestamp column for that state; "" for merchant id order
	maxOwed  *int64 // only claims owing at most this (pay-run: the threshold)
	batch    []runCandidate
	lastAt   time.Time
	lastCode string
	done     bool
}

func (q *claimQueue) next(ctx context.Context) (runCandidate, bool, error) {
	if len(q.batch) == 0 && !q.done {
		at := "'epoch'::timestamptz"
		if q.at != "" {
			at = "COALESCE(c." + q.at + ", 'epoch')"
		}
		err := q.conn.SelectContext(ctx, &q.batch, `
			SELECT c.id AS claim_id, m.merchant_id AS merchant, `+at+` AS at,
			       c.amount_fen - c.paid_fen AS owed_fen
			FROM claims c JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = $1
			WHERE c.incident_id = $1 AND c.state = $2
			  AND (`+at+`, m.merchant_id) > ($3, $4)
			  AND ($5::bigint IS NULL OR c.amount_fen - c.paid_fen <= $5)
			ORDER BY 3, 2 LIMIT 200`, q.incident, q.state, q.lastAt, q.lastCode, q.maxOwed)
		if err != nil {
			return runCandidate{}, false, db.MapError(err)
		}
		q.done = len(q.batch) < 200
	}
	if len(q.batch) == 0 {
		return runCandidate{}, false, nil
	}
	c := q.batch[0]
	q.batch = q.batch[1:]
	q.lastAt, q.lastCode = c.At, c.Merchant
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

// fundLine is the fund's position, for the progress and the summary.
type fundLine struct {
	PledgedFen   int64 `db:"pledged_fen" json:"pledged_fen"`
	CommittedFen int64 `db:"committed_fen" json:"committed_fen"`
	PaidFen      int64 `db:"paid_fen" json:"paid_fen"`
	RemainingFen int64 `db:"remaining_fen" json:"remaining_fen"`
	ThresholdFen int64 `db:"payout_approval_fen" json:"payout_approval_fen"`
}

func readFund(ctx context.Context, q db.Querier, incident int64) (fundLine, error) {
	var f fundLine
	err := q.GetContext(ctx, &f, `
		SELECT pledged_fen, committed_fen, paid_fen, pledged_fen - committed_fen - paid_fen AS remaining_fen,
		       payout_approval_fen
		FROM funds WHERE incident_id = $1`, incident)
	if db.IsNotFound(db.MapError(err)) {
		return f, fmt.Errorf("the incident has no compensation fund: %w", db.ErrNotFound)
	}
	return f, db.MapError(err)
}

func (f fundLine) String() string {
	return fmt.Sprintf("paid %s, committed %s, remaining %s of %s",
		compensation.FormatFen(f.PaidFen), compensation.FormatFen(f.CommittedFen),
		compensation.FormatFen(f.RemainingFen), compensation.FormatFen(f.PledgedFen))
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
	Run         string    `json:"run"`
	Done        int       `json:"done"`
	DoneFen     int64     `json:"done_fen"`
	Repeated    int       `json:"already_paid,omitempty"`
	Changed     int       `json:"changed_meanwhile"` // no longer in the state the run acts on
	Interrupted bool      `json:"interrupted"`
	Stopped     string    `json:"stopped,omitempty"` // why the run ended before running out of claims
	Steps       []runStep `json:"steps"`
	Fund        fundLine  `json:"fund"`

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
	flags *runFlags
	queue *claimQueue
	act   func(ctx context.Context, tx *sqlx.Tx, c runCandidate) (runStep, error)
}

func (r *claimRun) run(cmd *cobra.Command, w *writeTarget) (runSummary, error) {
	ctx := cmd.Context()
	// A claim once started is finished even on Ctrl-C: the transaction runs
	// on a context that is not cancelled, and the run stops before the next.
	txCtx := context.WithoutCancel(ctx)
	s := runSummary{Run: r.name, Steps: []runStep{}}
	out := cmd.OutOrStdout()
	for first := true; r.flags.limit == 0 || s.Done < r.flags.limit; first = false {
		if !pace(ctx, r.flags.every, first) {
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
		err = db.Write(txCtx, w.conn, w.actor, func(tx *sqlx.Tx) (err error) {
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
				cleanLine(c.Merchant), compensation.FormatFen(c.OwedFen), constraintOf(err))
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
		if !r.flags.asJSON {
			progress(out, r, s, step, w)
		}
	}
	if ctx.Err() != nil {
		s.Interrupted = true
	}
	return s, nil
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

func progress(out io.Writer, r *claimRun, s runSummary, step runStep, w *writeTarget) {
	n := fmt.Sprint(s.Done)
	if r.flags.limit > 0 {
		n += fmt.Sprintf("/%d", r.flags.limit)
	}
	line := fmt.Sprintf("%-6s %s %-12s %14s", n, cleanLine(step.Merchant), step.Outcome, compensation.FormatFen(step.Fen))
	if step.Key != "" {
		line += "  key " + step.Key
	}
	// With a pace someone is watching: show the fund moving too.
	if r.flags.every > 0 {
		if f, err := readFund(context.Background(), w.conn, w.inc.ID); err == nil {
			line += "  | fund " + f.String()
		}
	}
	fmt.Fprintln(out, line)
}

func (r *claimRun) finish(cmd *cobra.Command, w *writeTarget, s runSummary) error {
	f, err := readFund(context.WithoutCancel(cmd.Context()), w.conn, w.inc.ID)
	if err != nil {
		return err
	}
	s.Fund = f
	out := cmd.OutOrStdout()
	if r.flags.asJSON {
		return writeJSON(out, s)
	}
	fmt.Fprintf(out, "%s: %s %d claims, %s in all", r.name, r.verb, s.Done, compensation.FormatFen(s.DoneFen))
	if s.Repeated > 0 {
		fmt.Fprintf(out, "; %d already paid under their key (nothing paid twice)", s.Repeated)
	}
	if s.Changed > 0 {
		fmt.Fprintf(out, "; %d skipped (changed meanwhile)", s.Changed)
	}
	fmt.Fprintln(out)
	if s.Interrupted {
		fmt.Fprintln(out, "interrupted: every claim above is done; run it again to carry on")
	}
	if s.Stopped != "" {
		fmt.Fprintln(out, "stopped: "+s.Stopped)
	}
	if s.AboveThreshold > 0 {
		fmt.Fprintf(out, "skipped %d approved claims owing more than the %s payout threshold (%s in all): each needs a second authorisation,\n  e.g. %s\n",
			s.AboveThreshold, compensation.FormatFen(s.Fund.ThresholdFen), compensation.FormatFen(s.AboveThresholdFen), s.AboveExample)
	}
	fmt.Fprintln(out, "fund: "+f.String())
	return nil
}

func newClaimsPayRunCmd() *cobra.Command {
	var f runFlags
	c := &cobra.Command{
		Use:   "pay-run [--limit N] [--every DURATION] [--json]",
		Short: "Pay approved claims one at a time (each its own transaction, key pay-run-<merchant>)",
		Long: `Pay approved claims, oldest approval first, each in its own transaction with
compensation.Pay and the idempotency key pay-run-<merchant id>: a re-run, or
two runs at once, never pays a merchant twice. Claims owing more than the
fund's payout threshold are skipped and counted: each needs a second
authorisation (warroom approvals request payout ...). --every 200ms paces
the run so the Fund view (4) can be watched moving; Ctrl-C stops after the
claim in hand.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			w, err := openForWrite(cmd, f.as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			fund, err := readFund(cmd.Context(), w.conn, w.inc.ID)
			if err != nil {
				return err
			}
			threshold := fund.ThresholdFen
			r := &claimRun{name: "pay-run", verb: "paid", flags: &f,
				queue: &claimQueue{conn: w.conn, incident: w.inc.ID, state: "approved", at: "approved_at", maxOwed: &threshold},
				act: func(ctx context.Context, tx *sqlx.Tx, c runCandidate) (runStep, error) {
					key := payRunKey(c.Merchant)
					p, err := compensation.Pay(ctx, tx, w.inc.ID, c.Merchant, key)
					step := runStep{Merchant: c.Merchant, Fen: p.AmountFen, Key: key, Outcome: "paid"}
					if p.Repeated {
						step.Outcome = "already paid"
					}
					return step, err
				}}
			s, err := r.run(cmd, w)
			if err != nil {
				return errors.Join(err, r.finish(cmd, w, s))
			}
			// What this run left for a second authorisation.
			var above struct {
				N   int64 `db:"n"`
				Fen int64 `db:"fen"`
				ID  *int64
				M   *string
				Owe *int64
			}
			err = w.conn.QueryRowxContext(context.WithoutCancel(cmd.Context()), `
				SELECT count(*), COALESCE(sum(c.amount_fen - c.paid_fen), 0)::bigint,
				       (array_agg(c.id ORDER BY c.approved_at, m.merchant_id))[1],
				       (array_agg(m.merchant_id ORDER BY c.approved_at, m.merchant_id))[1],
				       (array_agg(c.amount_fen - c.paid_fen ORDER BY c.approved_at, m.merchant_id))[1]
				FROM claims c JOIN merchants m ON m.id = c.merchant_id AND m.incident_id = $1
				JOIN funds f ON f.incident_id = c.incident_id
				WHERE c.incident_id = $1 AND c.state = 'approved' AND c.amount_fen - c.paid_fen > f.payout_approval_fen`,
				w.inc.ID).Scan(&above.N, &above.Fen, &above.ID, &above.M, &above.Owe)
			if err != nil {
				return db.MapError(err)
			}
			s.AboveThreshold, s.AboveThresholdFen = above.N, above.Fen
			if above.ID != nil {
				payload, _ := json.Marshal(map[string]any{"claim_id": *above.ID, "amount_fen": *above.Owe, "idempotency_key": payRunKey(*above.M)})
				s.AboveExample = fmt.Sprintf("warroom approvals request payout --payload %s --reason %s",
					shellQuote(string(payload)), shellQuote(fmt.Sprintf("pay-run: %s owes %s", cleanLine(*above.M), compensation.FormatFen(*above.Owe))))
			}
			return r.finish(cmd, w, s)
		},
	}
	f.add(c)
	return c
}

func newClaimsApproveRunCmd() *cobra.Command {
	var f runFlags
	c := &cobra.Command{
		Use:   "approve-run [--limit N] [--json]",
		Short: "Approve chosen claims, oldest choice first, until the fund cannot cover the next",
		Long: `Approve chosen claims one at a time (compensation.Approve, each its own
transaction), oldest choice first. The database refuses an approval the fund
cannot cover (constraint fund_not_overdrawn): the run reports it and stops.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			w, err := openForWrite(cmd, f.as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			r := &claimRun{name: "approve-run", verb: "approved", flags: &f,
				queue: &claimQueue{conn: w.conn, incident: w.inc.ID, state: "chosen", at: "chosen_at"},
				act: func(ctx context.Context, tx *sqlx.Tx, c runCandidate) (runStep, error) {
					cl, err := compensation.Approve(ctx, tx, w.inc.ID, c.Merchant)
					return runStep{Merchant: c.Merchant, Fen: cl.Amount, Outcome: "approved"}, err
				}}
			s, err := r.run(cmd, w)
			if err != nil {
				return errors.Join(err, r.finish(cmd, w, s))
			}
			return r.finish(cmd, w, s)
		},
	}
	f.add(c)
	return c
}

func newClaimsChooseRunCmd() *cobra.Command {
	var (
		f    runFlags
		plan string
	)
	c := &cobra.Command{
		Use:   "choose-run --plan cash|traffic [--limit N] [--json]",
		Short: "Record a plan for computed claims that have not chosen yet (for demos and bulk choices)",
		Long: `Record the same plan for computed claims without a choice, in merchant id
order, one at a time (compensation.Choose, each its own transaction).
Merchants choose for themselves; this is for walkthroughs, and for a batch
of choices received together. Claims awaiting a margin rate are not offered
a choice.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if plan != compensation.PlanCash && plan != compensation.PlanTraffic {
				return &db.FieldError{Field: "--plan", Reason: fmt.Sprintf("%q: want cash or traffic", plan)}
			}
			w, err := openForWrite(cmd, f.as)
			if err != nil {
				return err
			}
			defer w.conn.Close()
			r := &claimRun{name: "choose-run", verb: "chose " + plan + " for", flags: &f,
				queue: &claimQueue{conn: w.conn, incident: w.inc.ID, state: "computed"},
				act: func(ctx context.Context, tx *sqlx.Tx, c runCandidate) (runStep, error) {
					cl, err := compensation.Choose(ctx, tx, w.inc.ID, c.Merchant, plan)
					if errors.Is(err, db.ErrConflict) {
						err = fmt.Errorf("%w: %w", db.ErrWrongState, err) // chose meanwhile: skip it
					}
					return runStep{Merchant: c.Merchant, Fen: cl.Amount, Outcome: "chose " + plan}, err
				}}
			s, err := r.run(cmd, w)
			if err != nil {
				return errors.Join(err, r.finish(cmd, w, s))
			}
			return r.finish(cmd, w, s)
		},
	}
	f.add(c)
	c.Flags().StringVar(&plan, "plan", "", "cash or traffic (required)")
	return c
}

// newClaimsRunCmds are the three runs, to add under `claims`.
func newClaimsRunCmds() []*cobra.Command {
	return []*cobra.Command{newClaimsChooseRunCmd(), newClaimsApproveRunCmd(), newClaimsPayRunCmd()}
}

// shellQuote quotes s for a POSIX shell: the hint is meant to be pasted,
// and merchant ids are whatever the imported CSV said.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
