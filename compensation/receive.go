package compensation

import (
	"context"
	"strings"
	"time"

	"warroom/db"
)

// ReceiveInput is one transfer from a contributor: how much arrived, when,
// and the reference that names it (a bank reference, a voucher number).
type ReceiveInput struct {
	Contributor string // matched by name, any case
	AmountFen   int64
	At          time.Time
	Reference   string
}

// Received is what Receive did: the transfer's row, and whether it was
// already recorded (the same reference from the same contributor, same
// amount: nothing new written).
type Received struct {
	ID              int64     `db:"id" json:"id"`
	Contributor     string    `db:"contributor" json:"contributor"`
	AmountFen       int64     `db:"amount_fen" json:"amount_fen"`
	At              time.Time `db:"received_at" json:"received_at"`
	Reference       string    `db:"reference" json:"reference"`
	AlreadyRecorded bool      `db:"-" json:"already_recorded"`
	// ReceivedFen is the contributor's received total after this transfer.
	ReceivedFen int64 `db:"-" json:"contributor_received_fen"`
}

// MayReceive reports whether the login may record money received (the
// finance role, as the database's grants say): a front end asks so as to
// offer the form only to those who may; the database still decides.
func MayReceive(ctx context.Context, q db.Querier) (bool, error) {
	var may bool
	err := q.GetContext(ctx, &may, `SELECT warroom_has_role('finance')`)
	return may, db.MapError(err)
}

// Receive records money received from a contributor of the incident's
// fund. The database refuses a login without the finance role. A reference
// already recorded for the contributor with the same amount is reported as
// AlreadyRecorded (a retried command does not count money twice); with
// another amount it is refused naming the reference.
func Receive(ctx context.Context, q db.Querier, incidentID int64, in ReceiveInput, now time.Time) (Received, error) {
	ref := strings.TrimSpace(in.Reference)
	switch {
	case strings.TrimSpace(in.Contributor) == "":
		return Received{}, db.Invalid("CONTRIBUTOR", "empty")
	case in.AmountFen <= 0:
		return Received{}, db.Invalid("AMOUNT", "must be more than 0.00")
	case ref == "":
		return Received{}, db.Invalid("--reference", "empty: name the transfer (bank reference, voucher number)")
	case in.At.IsZero():
		return Received{}, db.Invalid("--at", "empty: when the money arrived")
	case in.At.After(now.Add(time.Minute)):
		return Received{}, db.Invalid("--at", "%s is in the future", in.At.Format(time.RFC3339))
	}
	var who struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	err := q.GetContext(ctx, &who, `SELECT id, name FROM contributors WHERE incident_id = $1 AND lower(name) = lower(btrim($2))`,
		incidentID, in.Contributor)
	if db.IsNotFound(err) {
		return Received{}, db.Invalid("CONTRIBUTOR", "%q has pledged nothing to this fund (see warroom fund)", strings.TrimSpace(in.Contributor))
	}
	if err != nil {
		return Received{}, db.MapError(err)
	}
	var r Received
	err = q.GetContext(ctx, &r, `
		SELECT r.id, c.name AS contributor, r.amount_fen, r.received_at, r.reference
		FROM contributions r JOIN contributors c ON c.id = r.contributor_id
		WHERE r.contributor_id = $1 AND lower(btrim(r.reference)) = lower($2) AND btrim(r.reference) <> ''`, who.ID, ref)
	switch {
	case err == nil && r.AmountFen == in.AmountFen:
		r.AlreadyRecorded = true
	case err == nil:
		return Received{}, db.Invalid("--reference", "%q from %s is already recorded as %s (transfer %d), not %s",
			r.Reference, who.Name, FormatFen(r.AmountFen), r.ID, FormatFen(in.AmountFen))
	case !db.IsNotFound(err):
		return Received{}, db.MapError(err)
	default:
		err = q.GetContext(ctx, &r, `
			INSERT INTO contributions (contributor_id, amount_fen, received_at, reference)
			VALUES ($1, $2, $3, $4)
			RETURNING id, $5::text AS contributor, amount_fen, received_at, reference`,
			who.ID, in.AmountFen, in.At, ref, who.Name)
		if err != nil {
			return Received{}, db.MapError(err)
		}
	}
	err = q.GetContext(ctx, &r.ReceivedFen, `SELECT COALESCE(sum(amount_fen), 0)::bigint FROM contributions WHERE contributor_id = $1`, who.ID)
	return r, db.MapError(err)
}
