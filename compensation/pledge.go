package compensation

import (
	"context"
	"strings"

	"warroom/db"
)

// PledgeInput is a contributor's pledge: a new contributor, or the new
// total pledge of one already in the fund (matched by name, any case).
type PledgeInput struct {
	Name, NativeName, Role string
	PledgedFen             int64
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
		_, err = q.ExecContext(ctx, `UPDATE contributors SET pledged_fen = $2, pledged_at = now() WHERE id = $1`, id, in.PledgedFen)
		return db.MapError(err)
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO contributors (incident_id, name, native_name, role, position, pledged_fen, pledged_at)
		VALUES ($1, btrim($2), btrim($3), btrim($4),
		        COALESCE((SELECT max(position) FROM contributors WHERE incident_id = $1), 0) + 1, $5, now())`,
		incidentID, in.Name, in.NativeName, in.Role, in.PledgedFen)
	return db.MapError(err)
}

// PledgeRequest is the contribution request's body for the pledge.
func PledgeRequest(ctx context.Context, q db.Querier, incidentID int64, in PledgeInput) (map[string]any, error) {
	id, err := pledgeTarget(ctx, q, incidentID, in.Name)
	if err != nil {
		return nil, err
	}
	if id != 0 {
		return map[string]any{"contributor_id": id, "pledged_fen": in.PledgedFen}, nil
	}
	return map[string]any{"contributor_name": strings.TrimSpace(in.Name), "pledged_fen": in.PledgedFen,
		"native_name": in.NativeName, "role": in.Role}, nil
}
