package access

import (
	"context"
	"time"

	"warroom/db"
)

// AuditEntry is one audited statement: who ran it, when, on what, and the
// rows before and after (JSON arrays; for statements over the detail limit,
// {"rows": n, "digest": ...}).
type AuditEntry struct {
	Seq        int64     `db:"seq" json:"seq"` // position in the chain (commit order)
	ID         int64     `db:"id" json:"id"`
	At         time.Time `db:"at" json:"at"`
	TxID       int64     `db:"txid" json:"txid"`
	Login      string    `db:"login" json:"login"` // the session user
	Actor      string    `db:"actor" json:"actor"` // differs only for superusers acting as someone
	Table      string    `db:"table_name" json:"table"`
	Op         string    `db:"op" json:"op"`
	IncidentID *int64    `db:"incident_id" json:"incident_id"`
	Rows       int64     `db:"rows" json:"rows"`
	Before     JSON      `db:"before" json:"before"`
	After      JSON      `db:"after" json:"after"`
	Hash       []byte    `db:"hash" json:"hash"`
}

// AuditFilter pages through the trail, newest first.
type AuditFilter struct {
	IncidentID int64  // 0: all
	Table      string // "": all
	BeforeSeq  int64  // 0: from the newest; else entries with a smaller seq (next page)
	Limit      int    // 0: 100
}

// Audit lists committed audit entries, newest first. For the next page pass
// the last entry's Seq as BeforeSeq.
func Audit(ctx context.Context, q db.Querier, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	var out []AuditEntry
	err := q.SelectContext(ctx, &out, `
		SELECT c.seq, a.id, a.at, a.txid, a.login, a.actor, a.table_name, a.op, a.incident_id,
		       a.rows, a.before, a.after, c.hash
		FROM audit_chain c JOIN audit_log a ON a.id = c.audit_id
		WHERE ($1 = 0 OR a.incident_id = $1)
		  AND ($2 = '' OR a.table_name = $2)
		  AND ($3 = 0 OR c.seq < $3)
		ORDER BY c.seq DESC LIMIT $4`, f.IncidentID, f.Table, f.BeforeSeq, f.Limit)
	return out, db.MapError(err)
}
