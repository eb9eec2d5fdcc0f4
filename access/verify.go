package access

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"warroom/db"
)

// Anchor is a chain position and hash recorded somewhere else (a printed
// report, a ticket): the chain alone cannot show that someone able to
// rewrite all of it did so, an anchor can.
type Anchor struct {
	Seq  int64
	Hash string // hex
}

// ParseAnchor reads "SEQ:HEX".
func ParseAnchor(s string) (Anchor, error) {
	seq, h, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n <= 0 {
		return Anchor{}, db.Invalid("anchor", "%q: want SEQ:HASH, as `warroom audit verify` prints", s)
	}
	if b, err := hex.DecodeString(h); err != nil || len(b) != sha256.Size {
		return Anchor{}, db.Invalid("anchor", "%q: the hash is 64 hex digits", s)
	}
	return Anchor{Seq: n, Hash: strings.ToLower(h)}, nil
}

// Break is the first link of the chain that does not hold.
type Break struct {
	Seq     int64  `json:"seq"`      // chain position
	AuditID int64  `json:"audit_id"` // audit_log row, 0 if unknown
	Reason  string `json:"reason"`
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit chain broken at #%d (audit row %d): %s", b.Seq, b.AuditID, b.Reason)
}

// Verification is what Verify found.
type Verification struct {
	Checked  int64  `json:"checked"`
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
	Broken   *Break `json:"broken,omitempty"`
}

// OK reports an intact chain.
func (v Verification) OK() bool { return v.Broken == nil }

// Verify walks the whole chain in order, recomputing every hash from the
// audit rows in Go (not with the database's own function, which whoever
// tampered could have replaced), and reports the first broken link: an
// altered row, a removed row, a gap, or an audit row left out of the chain.
// It reads one consistent snapshot, so concurrent writers do not disturb it.
func Verify(ctx context.Context, conn *sqlx.DB, anchors ...Anchor) (Verification, error) {
	var v Verification
	err := readSnapshot(ctx, conn, func(tx *sqlx.Tx) error {
		var err error
		v, err = verify(ctx, tx, anchors)
		return err
	})
	return v, err
}

func readSnapshot(ctx context.Context, conn *sqlx.DB, fn func(*sqlx.Tx) error) error {
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return db.MapError(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

type chainRow struct {
	Seq      int64          `db:"seq"`
	Hash     []byte         `db:"hash"`
	AuditID  int64          `db:"audit_id"`
	Present  bool           `db:"present"`
	TxID     sql.NullInt64  `db:"txid"`
	AtMicros sql.NullInt64  `db:"at_us"`
	Login    sql.NullString `db:"login"`
	Actor    sql.NullString `db:"actor"`
	Table    sql.NullString `db:"table_name"`
	Op       sql.NullString `db:"op"`
	Incident sql.NullInt64  `db:"incident_id"`
	Rows     sql.NullInt64  `db:"rows"`
	Before   sql.NullString `db:"before"`
	After    sql.NullString `db:"after"`
}

// canonical must match warroom_audit_canonical in 00004_security.sql.
func (r chainRow) canonical() string {
	inc := ""
	if r.Incident.Valid {
		inc = strconv.FormatInt(r.Incident.Int64, 10)
	}
	return strings.Join([]string{
		strconv.FormatInt(r.Seq, 10), strconv.FormatInt(r.AuditID, 10), strconv.FormatInt(r.TxID.Int64, 10),
		strconv.FormatInt(r.AtMicros.Int64, 10), r.Login.String, r.Actor.String, r.Table.String, r.Op.String,
		inc, strconv.FormatInt(r.Rows.Int64, 10), r.Before.String, r.After.String,
	}, "\x1f")
}

func verify(ctx context.Context, tx *sqlx.Tx, anchors []Anchor) (Verification, error) {
	var v Verification
	want := map[int64]string{}
	for _, a := range anchors {
		want[a.Seq] = a.Hash
	}
	rows, err := tx.QueryxContext(ctx, `
		SELECT c.seq, c.hash, c.audit_id, a.id IS NOT NULL AS present, a.txid,
		       (extract(epoch FROM a.at) * 1000000)::bigint AS at_us, a.login, a.actor,
		       a.table_name, a.op, a.incident_id, a.rows, a.before::text AS before, a.after::text AS after
		FROM audit_chain c LEFT JOIN audit_log a ON a.id = c.audit_id
		ORDER BY c.seq`)
	if err != nil {
		return v, db.MapError(err)
	}
	defer rows.Close()
	prev := make([]byte, sha256.Size) // the genesis link: 32 zero bytes
	for rows.Next() {
		var r chainRow
		if err := rows.StructScan(&r); err != nil {
			return v, db.MapError(err)
		}
		if v.Broken != nil {
			continue // drain: the first break is the one that matters
		}
		switch {
		case r.Seq != v.Checked+1:
			v.Broken = &Break{Seq: v.Checked + 1, Reason: fmt.Sprintf("chain entries %d to %d are missing", v.Checked+1, r.Seq-1)}
		case !r.Present:
			v.Broken = &Break{Seq: r.Seq, AuditID: r.AuditID, Reason: "the audit row was deleted"}
		default:
			h := sha256.New()
			h.Write(prev)
			h.Write([]byte(r.canonical()))
			sum := h.Sum(nil)
			if !bytes.Equal(sum, r.Hash) {
				v.Broken = &Break{Seq: r.Seq, AuditID: r.AuditID, Reason: "hash mismatch: the audit row or its link was altered"}
			} else if a, ok := want[r.Seq]; ok && a != hex.EncodeToString(sum) {
				v.Broken = &Break{Seq: r.Seq, AuditID: r.AuditID, Reason: "differs from the anchor: the chain was rewritten up to here"}
			}
			prev = r.Hash
		}
		if v.Broken == nil {
			v.Checked = r.Seq
		}
	}
	if err := rows.Err(); err != nil {
		return v, db.MapError(err)
	}
	if v.Broken != nil {
		return v, nil
	}
	v.HeadSeq, v.HeadHash = v.Checked, hex.EncodeToString(prev)
	for seq := range want {
		if seq > v.Checked {
			v.Broken = &Break{Seq: seq, Reason: fmt.Sprintf("the chain ends at #%d, before the anchor: entries were removed from its end", v.Checked)}
			return v, nil
		}
	}
	// Every committed audit row must be in the chain (same transaction).
	var orphan sql.NullInt64
	err = tx.GetContext(ctx, &orphan, `SELECT min(a.id) FROM audit_log a
		WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.audit_id = a.id)`)
	if err != nil {
		return v, db.MapError(err)
	}
	if orphan.Valid {
		v.Broken = &Break{Seq: v.Checked + 1, AuditID: orphan.Int64, Reason: "an audit row is missing from the chain (its link was deleted, or chaining disabled)"}
	}
	return v, nil
}
