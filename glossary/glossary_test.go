package glossary_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"warroom/access"
	"warroom/compensation"
	"warroom/glossary"
	"warroom/incident"
	"warroom/recovery"
)

// Each set's values are exactly the values the domain packages accept, in
// their order: a status added there and not here would print raw.
func TestSetsMatchTheDomainLists(t *testing.T) {
	for _, c := range []struct {
		set  glossary.Set
		want []string
	}{
		{glossary.Plans, []string{compensation.PlanCash, compensation.PlanTraffic}},
		{glossary.MilestoneStatuses, recovery.Statuses},
		{glossary.ActionStatuses, incident.ActionStatuses},
		{glossary.IncidentStatuses, incident.Statuses},
		{glossary.Severities, incident.Severities},
		{glossary.Roles, access.Roles},
		{glossary.DutyRoles, incident.DutyRoles},
		{glossary.Audiences, incident.Audiences},
	} {
		if got := c.set.Values(); !slices.Equal(got, c.want) {
			t.Errorf("%s: glossary has %v, the domain %v", c.set.Name, got, c.want)
		}
	}
}

// And the database's CHECK lists (db/schema.sql) hold no value the
// glossary lacks.
func TestSetsCoverTheSchemaChecks(t *testing.T) {
	schema, err := os.ReadFile("../db/schema.sql")
	if err != nil {
		t.Fatal(err)
	}
	for constraint, set := range map[string]glossary.Set{
		"claims_plan_check":               glossary.Plans,
		"claims_state_check":              glossary.ClaimStates,
		"milestones_status_check":         glossary.MilestoneStatuses,
		"action_items_status_check":       glossary.ActionStatuses,
		"incidents_status_check":          glossary.IncidentStatuses,
		"incidents_severity_check":        glossary.Severities,
		"warroom_users_role_check":        glossary.Roles,
		"timeline_entries_audience_check": glossary.Audiences,
		"approvals_state_check":           glossary.ApprovalStates,
		"plan_changes_to_plan_check":      glossary.Plans,
	} {
		m := regexp.MustCompile(`CONSTRAINT ` + constraint + ` CHECK \(\(\w+ = ANY \(ARRAY\[([^\]]*)\]`).FindSubmatch(schema)
		if m == nil {
			t.Errorf("%s not found in db/schema.sql", constraint)
			continue
		}
		for _, v := range regexp.MustCompile(`'([^']*)'::text`).FindAllSubmatch(m[1], -1) {
			if !slices.Contains(set.Values(), string(v[1])) {
				t.Errorf("%s allows %q; the glossary's %s has no word for it", constraint, v[1], set.Name)
			}
		}
	}
	for _, op := range []access.Op{access.OpVoidEntry, access.OpVoidMilestone, access.OpContribution, access.OpPayout,
		access.OpPayoutThreshold, access.OpMarginRate, access.OpRoleGrant, access.OpInKindValue, access.OpFundTerms} {
		if !slices.Contains(glossary.Operations.Values(), string(op)) {
			t.Errorf("operation %q has no word", op)
		}
	}
}

func TestWordsNeverShowMachineSpellings(t *testing.T) {
	for _, set := range glossary.All() {
		for _, term := range set.Terms {
			if strings.ContainsAny(term.Word, "_") {
				t.Errorf("%s %q reads %q", set.Name, term.Value, term.Word)
			}
			if got := set.Word(term.Value); got != term.Word {
				t.Errorf("%s.Word(%q) = %q", set.Name, term.Value, got)
			}
			for _, typed := range []string{term.Value, term.Word, strings.ToUpper(term.Word), strings.ReplaceAll(term.Word, " ", "-")} {
				if v, ok := set.Parse(typed); !ok || v != term.Value {
					t.Errorf("%s.Parse(%q) = %q, %v; want %q", set.Name, typed, v, ok, term.Value)
				}
			}
		}
		if _, ok := set.Parse("nonsense"); ok {
			t.Errorf("%s parses nonsense", set.Name)
		}
	}
	for v, want := range map[string]string{"traffic": "in kind", "cash": "cash", "": "not chosen"} {
		if got := glossary.Plan(v); got != want {
			t.Errorf("Plan(%q) = %q, want %q", v, got, want)
		}
	}
	if got := glossary.ActionStatus("wont_do"); got != "won't do" {
		t.Errorf("wont_do reads %q", got)
	}
	// A value the glossary does not know still loses its underscores.
	if got := glossary.DutyRole("on_call-lead"); got != "on call lead" {
		t.Errorf("unknown duty role reads %q", got)
	}
}

func TestNumbers(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 1421: "1,421", 12360: "12,360",
		1000000: "1,000,000", -1234567: "-1,234,567"} {
		if got := glossary.Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	for fen, want := range map[int64]string{0: "0.00", 5: "0.05", 1500000000: "15,000,000.00", -123456: "-1,234.56", 100: "1.00"} {
		if got := glossary.Money(fen); got != want {
			t.Errorf("Money(%d) = %q, want %q", fen, got, want)
		}
	}
	if compensation.FormatFen(4510054086) != "45,100,540.86" {
		t.Errorf("FormatFen is not Money: %q", compensation.FormatFen(4510054086))
	}
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 timeline entries"}, {1, "1 timeline entry"}, {16, "16 timeline entries"}, {1812, "1,812 timeline entries"}} {
		if got := glossary.Rows(c.n, "timeline_entries"); got != c.want {
			t.Errorf("Rows(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := glossary.Rows(1, "payouts"); got != "1 payout" {
		t.Errorf("Rows(1, payouts) = %q", got)
	}
	if got := glossary.Rows(2, "some_new_table"); got != "2 some new table" {
		t.Errorf("unknown table: %q", got)
	}
}

func TestZoneIsNamed(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 3, 1, 14, 0, 0, 0, time.UTC)
	if got := glossary.Zone(sh, at); got != "Asia/Shanghai (CST)" {
		t.Errorf("Zone = %q", got)
	}
	if got := glossary.Zone(time.UTC, at); got != "UTC" {
		t.Errorf("Zone(UTC) = %q", got)
	}
	if got := glossary.TimesIn(sh, at); got != "times in Asia/Shanghai (CST)" {
		t.Errorf("TimesIn = %q", got)
	}
}
