package compensation

import (
	"context"

	"warroom/db"
)

// PageDir says which side of a key a keyset page of merchants lies on.
type PageDir int

const (
	// PageAfter is the merchants with ids above the key ("" starts at the first).
	PageAfter PageDir = iota
	// PageFrom is the merchants from the key on, the key included.
	PageFrom
	// PageBefore is the merchants just below the key ("" ends at the last),
	// still returned in ascending order.
	PageBefore
)

// merchantFind is the condition of a search held in parameter p: the
// merchant id starts with it or the name contains it; ” keeps all.
func merchantFind(p string) string {
	return `(` + p + ` = '' OR m.merchant_id LIKE replace(replace(replace(` + p + `, '\', '\\'), '%', '\%'), '_', '\_') || '%'
		OR strpos(m.name, ` + p + `) > 0)`
}

// MerchantsPage is a keyset page of the merchant list in merchant id order,
// at most limit rows on the dir side of key, so a console can scroll any
// number of merchants while holding a few pages. find is as for Merchants.
// Every page is one index range scan (a search adds its filter), whatever
// the position in the list.
func MerchantsPage(ctx context.Context, q db.Querier, incidentID int64, key string, dir PageDir, find string, limit int) ([]MerchantRow, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	const cols = `SELECT m.merchant_id, m.name, m.industry, c.state, c.plan, c.cash_fen, c.amount_fen, c.updated_at
		FROM merchants m LEFT JOIN claims c ON c.merchant_id = m.id AND c.incident_id = m.incident_id
		WHERE m.incident_id = $1 AND `
	var query string
	switch dir {
	case PageFrom:
		query = cols + `m.merchant_id >= $2 AND ` + merchantFind("$3") + ` ORDER BY m.merchant_id LIMIT $4`
	case PageBefore:
		// Two texts rather than "$2 = '' OR ...", which could cost the
		// planner its index range.
		bound := `m.merchant_id < $2 AND `
		if key == "" {
			bound = `$2 = '' AND `
		}
		query = `SELECT * FROM (` + cols + bound + merchantFind("$3") +
			` ORDER BY m.merchant_id DESC LIMIT $4) p ORDER BY merchant_id`
	default:
		query = cols + `m.merchant_id > $2 AND ` + merchantFind("$3") + ` ORDER BY m.merchant_id LIMIT $4`
	}
	var out []MerchantRow
	err := q.SelectContext(ctx, &out, query, incidentID, key, find, limit)
	return out, db.MapError(err)
}

// MerchantCount is how many merchants MerchantsPage can reach with find.
func MerchantCount(ctx context.Context, q db.Querier, incidentID int64, find string) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, `SELECT count(*) FROM merchants m WHERE m.incident_id = $1 AND `+merchantFind("$2"),
		incidentID, find)
	return n, db.MapError(err)
}
