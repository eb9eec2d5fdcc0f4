package tui

import (
	"os"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"warroom/compensation"
	"warroom/incident"
)

// accFundSnapshot is a hand-built slice of the reference incident: enough
// people, measures, contributors and payout days to exercise both views.
func accFundSnapshot() *Snapshot {
	day := func(m time.Month, d int) *time.Time {
		t := time.Date(2020, m, d, 0, 0, 0, 0, time.UTC)
		return &t
	}
	cst := time.FixedZone("CST", 8*3600)
	s := &Snapshot{
		Incident: incident.Incident{ID: 1, Slug: "weimob-2020-02", Title: "Production data deleted", TimeZone: "Asia/Shanghai"},
		Accountability: incident.Accountability{
			People: []incident.Person{
				{ID: 1, Name: "Sun Taoyong", NativeName: "孙涛勇", Title: "chairman of the board and CEO", PledgedFen: 3_500_000_000,
					Findings: []incident.Finding{{Finding: "Did not treat data security as a priority; did not have the data-security safeguards analysed and reviewed further; engaged no outside experts.", Consequence: "Personal contribution 35,000,000."}}},
				{ID: 2, Name: "Huang Junwei", NativeName: "黄骏伟", Title: "executive director and CTO", PledgedFen: 500_000_000,
					Findings: []incident.Finding{{Finding: "Did not tier and partition the operations staff's authorisations."}}},
				{ID: 3, Name: "the employee", NativeName: "", Title: "operations", PledgedFen: 0,
					Findings: []incident.Finding{{Finding: "Deliberately destroyed the production environment and data.", Consequence: "Detained by police."}}},
				{ID: 4, Name: "You Fengchun", NativeName: "游凤椿", Title: "executive director", PledgedFen: 500_000_000},
			},
			Measures: []incident.Measure{
				{ID: 1, Position: 1, Title: "Data-security management", Summary: "Permissions, monitoring, audit.",
					Items: []incident.ActionItem{
						{ID: 1, Title: "Least-privilege cloud permissions", Owner: "黄骏伟", Status: "done", Due: day(3, 31)},
						{ID: 2, Title: "Bastion host with audited logs", Owner: "Security team", Status: "in_progress", Due: day(4, 30)},
					}},
				{ID: 2, Position: 2, Title: "Disaster recovery", Summary: "Backups in several regions.",
					Items: []incident.ActionItem{
						{ID: 3, Title: "Cold standby in Beijing, Shanghai, Nanjing", Owner: "SRE", Status: "blocked"},
						{ID: 4, Title: "Quarterly recovery drills", Owner: "孙涛勇", Status: "open", Due: day(6, 30)},
					}},
			},
		},
		Fund: &compensation.Fund{
			Incident: "weimob-2020-02", Currency: "CNY",
			PledgedFen: 15_000_000_000, ReceivedFen: 12_000_000_000, CommittedFen: 1_000_000_000,
			PaidFen: 3_000_000_000, RemainingFen: 11_000_000_000, Claims: 1200, PaidClaims: 800,
			Contributors: []compensation.Contributor{
				{Name: "the company", Role: "-", PledgedFen: 10_000_000_000, ReceivedFen: 10_000_000_000},
				{Name: "Sun Taoyong", NativeName: "孙涛勇", Role: "chairman of the board and CEO", PledgedFen: 3_500_000_000, ReceivedFen: 1_000_000_000},
				{Name: "Huang Junwei", NativeName: "黄骏伟", Role: "executive director and CTO", PledgedFen: 500_000_000, ReceivedFen: 500_000_000},
				{Name: "Fang Tongshu", NativeName: "方桐舒", Role: "executive director", PledgedFen: 500_000_000, ReceivedFen: 500_000_000},
				{Name: "You Fengchun", NativeName: "游凤椿", Role: "executive director", PledgedFen: 500_000_000},
			},
		},
	}
	var cum int64
	for i := range 20 {
		paid := int64(100_000_000 + i*10_000_000)
		cum += paid
		s.Drawdown = append(s.Drawdown, compensation.DrawdownPoint{
			Day:     time.Date(2020, 4, 1+i, 0, 0, 0, 0, cst),
			PaidFen: paid, CumPaidFen: cum, RemainingFen: s.Fund.PledgedFen - cum,
		})
	}
	return s
}

func newTestAccountability(w, h int) *accountabilityView {
	st := newStyles(DefaultTheme())
	v := newAccountabilityView(&st, func() time.Time { return fixedNow })
	v.SetSize(w, h)
	v.SetData(accFundSnapshot())
	return v
}

// dumpView prints a rendering when WARROOM_DUMP is set, for eyeballing.
func dumpView(t *testing.T, s string) {
	if os.Getenv("WARROOM_DUMP") != "" {
		t.Log("\n" + s)
	}
}

// columnAfter is the display column where after starts, past anchor, on
// the first line that contains anchor, or -1.
func columnAfter(lines []string, anchor, after string) int {
	for _, l := range lines {
		l = ansi.Strip(l)
		i := strings.Index(l, anchor)
		if i < 0 {
			continue
		}
		i += len(anchor)
		j := strings.Index(l[i:], after)
		if j < 0 {
			return -1
		}
		return lipgloss.Width(l[:i+j])
	}
	return -1
}

func TestAccountabilityRendersPeopleAndMeasures(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		v := newTestAccountability(size[0], size[1])
		out := v.Render()
		dumpView(t, out)
		plain := ansi.Strip(out)
		for _, want := range []string{"Sun Taoyong", "孙涛勇", "35,000,000.00", "Remediation measures",
			"1. Data-security management", "1/2 done", "in progress", "2020-04-30"} {
			if !strings.Contains(plain, want) {
				t.Errorf("%dx%d: missing %q", size[0], size[1], want)
			}
		}
		lines := strings.Split(out, "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := lipgloss.Width(l); w != size[0] {
				t.Errorf("%dx%d: line %d is %d wide: %q", size[0], size[1], i, w, ansi.Strip(l))
			}
		}
	}
}

func TestAccountabilityPledgeDash(t *testing.T) {
	v := newTestAccountability(100, 40)
	for _, l := range strings.Split(ansi.Strip(v.Render()), "\n") {
		if strings.Contains(l, "the employee") && !strings.HasSuffix(strings.TrimRight(l, " "), "-") {
			t.Fatalf("no pledge should show as '-': %q", l)
		}
	}
}

func TestAccountabilityCJKColumnsAlign(t *testing.T) {
	v := newTestAccountability(100, 40)
	lines := strings.Split(v.Render(), "\n")
	// The title column starts at the same cell whether the native name is
	// three CJK characters or empty.
	a := columnAfter(lines, "Sun Taoyong", "chairman")
	b := columnAfter(lines, "the employee", "operations")
	if a < 0 || a != b {
		t.Fatalf("title column: %d vs %d", a, b)
	}
	// Due dates line up whether the owner is Chinese or not.
	c := columnAfter(lines, "Least-privilege", "2020-03-31")
	d := columnAfter(lines, "Quarterly recovery", "2020-06-30")
	e := columnAfter(lines, "Cold standby", "-")
	if c < 0 || c != d {
		t.Fatalf("due column: %d vs %d", c, d)
	}
	_ = e
}

func TestAccountabilityFilter(t *testing.T) {
	v := newTestAccountability(100, 40)
	v.Update(press("/"))
	if !v.Capturing() {
		t.Fatal("filter prompt should capture keys")
	}
	for _, r := range "drill" {
		v.Update(press(string(r)))
	}
	v.Update(press("enter"))
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, "Quarterly recovery drills") || !strings.Contains(plain, "2. Disaster recovery") {
		t.Fatalf("filtered view lost the match or its measure:\n%s", plain)
	}
	for _, gone := range []string{"Sun Taoyong", "Bastion host", "Cold standby"} {
		if strings.Contains(plain, gone) {
			t.Errorf("filter kept %q", gone)
		}
	}
	if !strings.Contains(plain, "filter: drill") {
		t.Errorf("no filter line")
	}
	v.Update(press("esc"))
	if !strings.Contains(ansi.Strip(v.Render()), "Sun Taoyong") {
		t.Fatal("esc did not clear the filter")
	}
}

func TestAccountabilityFilterByPerson(t *testing.T) {
	v := newTestAccountability(100, 40)
	v.Update(press("/"))
	for _, r := range "黄骏" {
		v.Update(press(string(r)))
	}
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, "Huang Junwei") || strings.Contains(plain, "You Fengchun") {
		t.Fatalf("CJK filter:\n%s", plain)
	}
	// Huang owns an action item, so it stays too.
	if !strings.Contains(plain, "Least-privilege") {
		t.Fatalf("owner match lost:\n%s", plain)
	}
}

func TestAccountabilityScrollsOnlyVisibleRows(t *testing.T) {
	s := accFundSnapshot()
	items := s.Accountability.Measures[0].Items
	for i := range 500 {
		items = append(items, incident.ActionItem{ID: int64(100 + i), Title: "step " + string(rune('a'+i%26)), Owner: "ops", Status: "open"})
	}
	s.Accountability.Measures[0].Items = items
	st := newStyles(DefaultTheme())
	v := newAccountabilityView(&st, func() time.Time { return fixedNow })
	v.SetSize(80, 10)
	v.SetData(s)
	if n := len(strings.Split(v.Render(), "\n")); n != 10 {
		t.Fatalf("%d lines", n)
	}
	v.Update(press("G"))
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, "Quarterly recovery drills") {
		t.Fatalf("G did not reach the last item:\n%s", plain)
	}
	if strings.Contains(plain, "Sun Taoyong") {
		t.Fatal("top rows still shown after G")
	}
	v.Update(press("g"))
	if !strings.Contains(ansi.Strip(v.Render()), "People") {
		t.Fatal("g did not return to the top")
	}
}

func TestAccountabilityCursorScrolls(t *testing.T) {
	v := newTestAccountability(80, 8)
	first := v.Render()
	for range 8 {
		v.Update(press("j"))
	}
	if ansi.Strip(v.Render()) == ansi.Strip(first) {
		t.Fatal("moving the cursor down 8 entries did not scroll")
	}
}

func TestAccountabilityCache(t *testing.T) {
	v := newTestAccountability(100, 30)
	a := v.Render()
	v.Render()
	if v.renders != 1 {
		t.Fatalf("rendered %d times for an unchanged view", v.renders)
	}
	v.Update(press("j"))
	b := v.Render()
	if v.renders != 2 || a == b {
		t.Fatalf("cursor move did not redraw (renders=%d)", v.renders)
	}
	v.Update(press("x")) // not a key of this view
	v.Render()
	if v.renders != 2 {
		t.Fatal("an unused key dropped the cache")
	}
	v.SetSize(90, 30)
	v.Render()
	if v.renders != 3 {
		t.Fatal("resize did not redraw")
	}
	v.SetData(accFundSnapshot())
	v.Render()
	if v.renders != 4 {
		t.Fatal("new data did not redraw")
	}
}

func TestAccountabilityKeepsSelectionOnReload(t *testing.T) {
	v := newTestAccountability(100, 30)
	v.Update(press("j"))
	before, _ := v.list.Selected()
	v.SetData(accFundSnapshot())
	after, _ := v.list.Selected()
	if before != after || before != 1 {
		t.Fatalf("selection %d -> %d", before, after)
	}
}

func TestAccountabilitySanitises(t *testing.T) {
	s := accFundSnapshot()
	s.Accountability.People[0].Name = "Sun\x1b[31m Taoyong\x1b]0;pwned\x07"
	s.Accountability.Measures[0].Items[0].Owner = "evil\x1b[2J"
	st := newStyles(DefaultTheme())
	v := newAccountabilityView(&st, nil)
	v.SetSize(100, 30)
	v.SetData(s)
	out := v.Render()
	if strings.Contains(out, "pwned") || strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b[31m") {
		t.Fatalf("escape sequences reached the screen: %q", out)
	}
	if !strings.Contains(ansi.Strip(out), "Sun Taoyong") {
		t.Fatal("sanitised name missing")
	}
}

func TestAccountabilityEmpty(t *testing.T) {
	st := newStyles(DefaultTheme())
	v := newAccountabilityView(&st, nil)
	v.SetSize(80, 10)
	v.SetData(&Snapshot{})
	if !strings.Contains(v.Render(), "No accountability record") {
		t.Fatal("no empty note")
	}
	v.SetData(nil)
	v.Render()
}

func TestAccountabilitySelectedItemShowsFullTitle(t *testing.T) {
	s := accFundSnapshot()
	long := "Cold standby with full backups in several regions, Beijing, Shanghai and Nanjing, checked weekly"
	s.Accountability.Measures[1].Items[0].Title = long
	st := newStyles(DefaultTheme())
	v := newAccountabilityView(&st, func() time.Time { return fixedNow })
	v.SetSize(80, 40)
	v.SetData(s)
	if strings.Contains(ansi.Strip(v.Render()), "checked weekly") {
		t.Fatal("unselected long title should be cut")
	}
	// People (4), measure 1, its 2 items, measure 2, then the item.
	for range 8 {
		v.Update(press("j"))
	}
	if e, _ := v.list.Selected(); v.list.rows[e].kind != accItem || v.list.rows[e].item != 0 || v.list.rows[e].measure != 1 {
		t.Fatalf("cursor on entry %+v", v.list.rows[e])
	}
	if !strings.Contains(ansi.Strip(v.Render()), "checked weekly") {
		t.Fatalf("selected long title not shown in full:\n%s", ansi.Strip(v.Render()))
	}
}
