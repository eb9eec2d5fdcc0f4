package compensation

import (
	"context"
	"strings"

	"warroom/db"
)

// PledgeInput is a contributor's pledge: a new contributor, or the new
// total pledge of one already in the fund (matched by name, any case).
// PledgeNote is how the source states the pledge when it is not exact
// ("more than 35,000,000"), kept on the contributor.
type PledgeInput struct {
	Name, NativeName, Role string
	PledgedFen             int64
	PledgeNote             string
}

// pledgeTarget finds the contributor the pledge is for (0: a new one).
func pledgeTarget(ctx context.Context, q db.Querier, incidentID int64, name string) (int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, `SELECT id FROM contributors WHERE incident_id = $1 AND lower(name) = lower($2)`,
		incidentID, strings.TrimSpace(name))
	if err != nil || len(ids) == 0 {
		return 0, db.MapError(err)
	}
	return ids[0], nil
}

// Pledge records the pledge directly; a login is refused with
// db.ErrNeedsApproval (a pledge is the contribution operation's).
func Pledge(ctx context.Context, q db.Querier, incidentID int64, in PledgeInput) error {
	if strings.TrimSpace(in.Name) == "" {
		return db.Invalid("CONTRIBUTOR", "empty")
	}
	id, err := pledgeTarget(ctx, q, incidentID, in.Name)
	if err != nil {
		return err
	}
	if id != 0 {
		_, err = q.ExecContext(ctx, `UPDATE contributors SET pledged_fen = $2, pledged_at = now(),
			pledge_note = CASE WHEN $3 = '' THEN pledge_note ELSE $3 END WHERE id = $1`,
			id, in.PledgedFen, strings.TrimSpace(in.PledgeNote))
		return db.MapError(err)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO contributors (incident_id, name, native_name, role, position, pledged_fen, pledged_at, pledge_note)
		VALUES ($1, btrim($2), btrim($3), btrim($4),
		        COALESCE((SELECT max(position) FROM contributors WHERE incident_id = $1), 0) + 1, $5, now(), btrim($6))`,
		incidentID, in.Name, in.NativeName, in.Role, in.PledgedFen, in.PledgeNote)
	return db.MapError(err)
}

// PledgeRequest is the contribution request's body for the pledge.
func PledgeRequest(ctx context.Context, q db.Querier, incidentID int64, in PledgeInput) (map[string]any, error) {
	id, err := pledgeTarget(ctx, q, incidentID, in.Name)
	if err != nil {
		return nil, err
	}
	var p map[string]any
	if id != 0 {
		p = map[string]any{"contributor_id": id, "pledged_fen": in.PledgedFen}
	} else {
		p = map[string]any{"contributor_name": strings.TrimSpace(in.Name), "pledged_fen": in.PledgedFen,
			"native_name": in.NativeName, "role": in.Role}
	}
	if n := strings.TrimSpace(in.PledgeNote); n != "" {
		p["pledge_note"] = n
	}
	return p, nil
}
