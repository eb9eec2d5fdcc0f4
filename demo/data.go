package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The scenario lives in a data file, not in Go literals, so the console
// never depends on one incident's facts and the file can be read and
// corrected without touching code.
//
//go:embed incident-2020-02.json
var scenarioJSON []byte

// dataSet is the whole embedded file.
type dataSet struct {
	About      []string        `json:"about"`
	Incident   incidentData    `json:"incident"`
	Timeline   []entryData     `json:"timeline"`
	Milestones []milestoneData `json:"milestones"`
	People     []personData    `json:"people"`
	Measures   []measureData   `json:"measures"`
	Fund       fundData        `json:"fund"`
	WarRoom    warRoomData     `json:"war_room"`
	Population populationSpec  `json:"population"`
}

type incidentData struct {
	Slug       string     `json:"slug"`
	Title      string     `json:"title"`
	Summary    string     `json:"summary"`
	TimeZone   string     `json:"time_zone"`
	Status     string     `json:"status"`
	Severity   string     `json:"severity"`
	StartedAt  time.Time  `json:"started_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
}

type entryData struct {
	Kind         string     `json:"kind"`
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	Precision    string     `json:"precision"`
	PlannedStart *time.Time `json:"planned_start"`
	PlannedEnd   *time.Time `json:"planned_end"`
	ActualStart  *time.Time `json:"actual_start"`
	ActualEnd    *time.Time `json:"actual_end"`
	Author       string     `json:"author"`
}

type milestoneData struct {
	Key          string       `json:"key"`
	Title        string       `json:"title"`
	Owner        string       `json:"owner"`
	PlannedStart *time.Time   `json:"planned_start"`
	PlannedEnd   *time.Time   `json:"planned_end"`
	ActualStart  *time.Time   `json:"actual_start"`
	ActualEnd    *time.Time   `json:"actual_end"`
	Updates      []updateData `json:"updates"`
}

// updateData is one step of a milestone's history; the milestone's current
// status and progress are those of its last update.
type updateData struct {
	At       time.Time `json:"at"`
	Author   string    `json:"author"`
	Status   string    `json:"status"`
	Progress int       `json:"progress"`
	Note     string    `json:"note"`
}

type personData struct {
	Name       string        `json:"name"`
	NativeName string        `json:"native_name"`
	Title      string        `json:"title"`
	Findings   []findingData `json:"findings"`
}

type findingData struct {
	Finding     string `json:"finding"`
	Consequence string `json:"consequence"`
}

type measureData struct {
	Title   string     `json:"title"`
	Summary string     `json:"summary"`
	Items   []itemData `json:"items"`
}

type itemData struct {
	Title  string `json:"title"`
	Owner  string `json:"owner"`
	Status string `json:"status"`
	// Due is a calendar date (YYYY-MM-DD), passed to the date column as text
	// so no time zone can shift it by a day.
	Due string `json:"due"`
}

type fundData struct {
	Currency      string    `json:"currency"`
	BaselineStart time.Time `json:"baseline_start"`
	BaselineEnd   time.Time `json:"baseline_end"`
	OutageStart   time.Time `json:"outage_start"`
	OutageEnd     time.Time `json:"outage_end"`
	ReceiptsNote  string    `json:"receipts_note"`
	// InKindPlan is what the in-kind (traffic) plan gives a merchant;
	// InKindValueSource who valued it ("": its value is an assumption).
	InKindPlan        string            `json:"inkind_plan"`
	InKindValueSource string            `json:"inkind_value_source"`
	Contributors      []contributorData `json:"contributors"`
}

type contributorData struct {
	Name       string `json:"name"`
	NativeName string `json:"native_name"`
	Role       string `json:"role"`
	// Person names a people row (by name) when the contributor is one.
	Person     string     `json:"person"`
	PledgedFen int64      `json:"pledged_fen"`
	PledgedAt  *time.Time `json:"pledged_at"`
	// PledgeNote is how the source states the pledge when the figure is
	// a minimum ("more than ...").
	PledgeNote string        `json:"pledge_note"`
	Receipts   []receiptData `json:"receipts"`
}

type receiptData struct {
	AmountFen  int64     `json:"amount_fen"`
	ReceivedAt time.Time `json:"received_at"`
	Reference  string    `json:"reference"`
}

var (
	parseOnce   sync.Once
	parsedData  dataSet
	parsedError error
)

// scenario returns the embedded data set, parsed and checked once.
func scenario() (dataSet, error) {
	parseOnce.Do(func() {
		parsedData, parsedError = parseDataSet(scenarioJSON)
	})
	return parsedData, parsedError
}

// ConsoleLogin is the login the console connects as on the embedded
// database when no --as is given: one of the demo's commanders.
func ConsoleLogin() string {
	d, err := scenario()
	if err != nil {
		return ""
	}
	return d.WarRoom.ConsoleLogin
}

// Slug is the demo incident's slug, as the embedded data names it.
func Slug() string {
	d, err := scenario()
	if err != nil {
		return ""
	}
	return d.Incident.Slug
}

// parseDataSet decodes strictly: an unknown field is a typo in the data
// file, and silently dropping it would load a different incident.
// Integers decode exactly into int64, so amounts never pass through a float.
func parseDataSet(raw []byte) (dataSet, error) {
	var d dataSet
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return d, fmt.Errorf("demo data: %w", err)
	}
	if err := d.validate(); err != nil {
		return d, fmt.Errorf("demo data: %w", err)
	}
	return d, nil
}

func (d dataSet) validate() error {
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	inc := d.Incident
	check(inc.Slug != "" && inc.Title != "", "incident needs a slug and a title")
	if _, err := time.LoadLocation(inc.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("incident time zone: %w", err))
	}
	check(!inc.StartedAt.IsZero(), "incident started_at missing")

	for i, e := range d.Timeline {
		check(e.Title != "", "timeline[%d]: title missing", i)
		check(e.PlannedStart != nil || e.ActualStart != nil, "timeline[%d] %q: no planned or actual start", i, e.Title)
		check(e.Precision == "" || e.Precision == "minute" || e.Precision == "day" || e.Precision == "approx",
			"timeline[%d] %q: precision %q", i, e.Title, e.Precision)
	}

	keys := map[string]bool{}
	for i, m := range d.Milestones {
		check(!keys[m.Key], "milestone %q listed twice", m.Key)
		keys[m.Key] = true
		check(len(m.Updates) > 0, "milestone[%d] %q: no updates", i, m.Key)
		for j, u := range m.Updates {
			check(u.Progress >= 0 && u.Progress <= 100, "milestone %q update %d: progress %d", m.Key, j, u.Progress)
			check(u.Status != "done" || u.Progress == 100, "milestone %q update %d: done below 100%%", m.Key, j)
			check(j == 0 || !u.At.Before(m.Updates[j-1].At), "milestone %q update %d: out of order", m.Key, j)
		}
	}

	people := map[string]bool{}
	for _, p := range d.People {
		check(!people[p.Name], "person %q listed twice", p.Name)
		people[p.Name] = true
	}
	for _, m := range d.Measures {
		for _, it := range m.Items {
			if it.Due != "" {
				_, err := time.Parse(time.DateOnly, it.Due)
				check(err == nil, "action item %q: due %q is not YYYY-MM-DD", it.Title, it.Due)
			}
		}
	}

	f := d.Fund
	check(f.BaselineEnd.After(f.BaselineStart), "fund baseline window is empty")
	// The population's sales are one sale a day at the daily revenue, so
	// the engine's baseline / window is exactly that daily revenue.
	check(f.BaselineEnd.Sub(f.BaselineStart)%(24*time.Hour) == 0, "fund baseline window is not a whole number of days")
	check(f.OutageEnd.After(f.OutageStart), "fund outage window is empty")
	for _, c := range f.Contributors {
		check(c.PledgedFen >= 0, "contributor %q: negative pledge", c.Name)
		check(c.Person == "" || people[c.Person], "contributor %q: unknown person %q", c.Name, c.Person)
		for _, r := range c.Receipts {
			check(r.AmountFen > 0, "contributor %q: receipt of %d fen", c.Name, r.AmountFen)
		}
	}
	if err := d.WarRoom.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := d.Population.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
