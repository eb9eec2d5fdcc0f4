package incident

import (
	"context"
	"time"

	"warroom/db"
)

// Person is someone named in the incident's accountability record.
type Person struct {
	ID         int64  `db:"id" json:"-"`
	Name       string `db:"name" json:"name"`
	NativeName string `db:"native_name" json:"native_name"`
	Title      string `db:"title" json:"title"`
	// PledgedFen is the person's personal contribution to the fund, 0 if none.
	PledgedFen int64     `db:"pledged_fen" json:"pledged_fen"`
	Findings   []Finding `db:"-" json:"findings"`
}

// Finding is one thing a person answered for.
type Finding struct {
	ID          int64  `db:"id" json:"-"`
	PersonID    int64  `db:"person_id" json:"-"`
	Finding     string `db:"finding" json:"finding"`
	Consequence string `db:"consequence" json:"consequence"`
}

// Measure is one remediation measure with its action items.
type Measure struct {
	ID       int64        `db:"id" json:"-"`
	Position int          `db:"position" json:"position"`
	Title    string       `db:"title" json:"title"`
	Summary  string       `db:"summary" json:"summary"`
	Items    []ActionItem `db:"-" json:"items"`
}

// ActionItem is one step of a remediation measure.
type ActionItem struct {
	ID        int64      `db:"id" json:"-"`
	MeasureID int64      `db:"measure_id" json:"-"`
	Title     string     `db:"title" json:"title"`
	Owner     string     `db:"owner" json:"owner"`
	Status    string     `db:"status" json:"status"`
	Due       *time.Time `db:"due" json:"due"`
	// Reason says why an item is won't do (required then).
	Reason    string    `db:"reason" json:"reason,omitempty"`
	UpdatedAt time.Time `db:"updated_at" json:"updated_at"`
	UpdatedBy string    `db:"updated_by" json:"updated_by"`
	Version   int       `db:"version" json:"version"`
}

// Accountability is who answered for what, and the plan to fix it.
type Accountability struct {
	People   []Person  `json:"people"`
	Measures []Measure `json:"measures"`
}

// LoadAccountability reads people with their findings and pledges, and the
// remediation measures with their action items.
func LoadAccountability(ctx context.Context, q db.Querier, incidentID int64) (Accountability, error) {
	var acc Accountability
	err := q.SelectContext(ctx, &acc.People, `
		SELECT p.id, p.name, p.native_name, p.title,
		       COALESCE((SELECT sum(c.pledged_fen) FROM contributors c WHERE c.person_id = p.id), 0)::bigint AS pledged_fen
		FROM people p
		WHERE p.incident_id = $1
		ORDER BY (SELECT min(f.position) FROM findings f WHERE f.person_id = p.id) NULLS LAST, p.id`, incidentID)
	if err != nil {
		return acc, db.MapError(err)
	}
	var findings []Finding
	err = q.SelectContext(ctx, &findings, `
		SELECT id, person_id, finding, consequence FROM findings
		WHERE incident_id = $1 ORDER BY position, id`, incidentID)
	if err != nil {
		return acc, db.MapError(err)
	}
	byPerson := map[int64]int{}
	for i, p := range acc.People {
		byPerson[p.ID] = i
	}
	for _, f := range findings {
		if i, ok := byPerson[f.PersonID]; ok {
			acc.People[i].Findings = append(acc.People[i].Findings, f)
		}
	}

	err = q.SelectContext(ctx, &acc.Measures, `
		SELECT id, position, title, summary FROM remediation_measures
		WHERE incident_id = $1 ORDER BY position`, incidentID)
	if err != nil {
		return acc, db.MapError(err)
	}
	var items []ActionItem
	err = q.SelectContext(ctx, &items, `
		SELECT `+actionColumnsOf("a")+`
		FROM action_items a JOIN remediation_measures m ON m.id = a.measure_id
		WHERE m.incident_id = $1 ORDER BY m.position, a.position`, incidentID)
	if err != nil {
		return acc, db.MapError(err)
	}
	byMeasure := map[int64]int{}
	for i, m := range acc.Measures {
		byMeasure[m.ID] = i
	}
	for _, it := range items {
		i := byMeasure[it.MeasureID]
		acc.Measures[i].Items = append(acc.Measures[i].Items, it)
	}
	return acc, nil
}
