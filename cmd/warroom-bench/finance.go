package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
)

// financeRuns takes the later batch's computed claims to payout as a
// finance login would (`claims choose-run|approve-run|pay-run --bulk`):
// a login of its own, not the owner, so every guard, counter and audit
// trigger runs as for a person. The baseline is the owner's four plain
// statements that paid the first batch (ownerTook for ownerPaid payouts),
// which skip the guards. Setting up, as the owner: pledges and a payout
// threshold that cover the batch, so the runs stop for no money rule.
func financeRuns(ctx context.Context, out io.Writer, conn *sqlx.DB, dbURL string, inc int64, ownerPaid int64, ownerTook time.Duration) error {
	for _, q := range []string{
		`UPDATE contributors SET pledged_fen = pledged_fen + (SELECT COALESCE(sum(cash_fen), 0) FROM claims WHERE incident_id = $1 AND state = 'computed')
		    WHERE incident_id = $1 AND name = 'bench'`,
		`UPDATE funds SET payout_approval_fen = GREATEST(payout_approval_fen, (SELECT COALESCE(max(cash_fen), 0) FROM claims WHERE incident_id = $1))
		    WHERE incident_id = $1`,
	} {
		if _, err := conn.ExecContext(ctx, q, inc); err != nil {
			return db.MapError(err)
		}
	}
	fin, name, err := financeLogin(ctx, conn, dbURL)
	if err != nil {
		return err
	}
	defer func() {
		fin.Close()
		conn.ExecContext(context.Background(), `DROP OWNED BY `+quoteIdent(name))
		conn.ExecContext(context.Background(), `DROP ROLE IF EXISTS `+quoteIdent(name))
	}()
	stages := []struct {
		name string
		act  compensation.BulkAct
	}{
		{"chose", func(ctx context.Context, q db.Querier, after compensation.BulkCursor, n int) (compensation.BulkStep, error) {
			return compensation.ChooseBatch(ctx, q, inc, compensation.PlanCash, after, n)
		}},
		{"approved", func(ctx context.Context, q db.Querier, after compensation.BulkCursor, n int) (compensation.BulkStep, error) {
			return compensation.ApproveBatch(ctx, q, inc, after, n)
		}},
		{"paid", func(ctx context.Context, q db.Querier, after compensation.BulkCursor, n int) (compensation.BulkStep, error) {
			return compensation.PayBatch(ctx, q, inc, after, n)
		}},
	}
	var all time.Duration
	line := "finance --bulk:  "
	for _, s := range stages {
		t := time.Now()
		tot, err := compensation.RunBulk(ctx, fin, name, 0, s.act, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		d := time.Since(t)
		all += d
		line += fmt.Sprintf("%s %d in %v (%.0f/s); ", s.name, tot.Claims, d.Round(time.Millisecond), float64(tot.Claims)/d.Seconds())
	}
	perOwner := ownerTook.Seconds() / float64(max(ownerPaid, 1))
	var paid int64
	conn.GetContext(ctx, &paid, `SELECT count(*) FROM payouts WHERE incident_id = $1 AND created_by = $2`, inc, name)
	fmt.Fprintf(out, "%sa finance login, guards on, %d claims per transaction\n", line, compensation.BulkBatch)
	fmt.Fprintf(out, "                  choose + approve + pay %v for %d payouts: %.2fx the owner's four plain statements per payout (no guards)\n",
		all.Round(time.Millisecond), paid, all.Seconds()/float64(max(paid, 1))/perOwner)
	return nil
}

// financeLogin adds a finance login (the owner adds it, so no second
// commander is needed) and connects as it.
func financeLogin(ctx context.Context, conn *sqlx.DB, dbURL string) (*sqlx.DB, string, error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "bench_" + hex.EncodeToString(b)
	pw, _, err := access.AddUser(ctx, conn, name, access.Finance)
	if err != nil {
		return nil, "", err
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, "", fmt.Errorf("finance login: %w", err)
	}
	u.User = url.UserPassword(name, pw)
	fin, err := db.Open(ctx, u.String())
	return fin, name, err
}
