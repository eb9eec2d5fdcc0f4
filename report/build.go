package report

import (
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"

	"warroom/compensation"
	"warroom/glossary"
	"warroom/recovery"
)

// The report is built once as a document of plain-text blocks; HTML and
// Markdown each render that document, so both carry the same content and
// each escapes every string in one place (html/template, mdText).

type document struct {
	Lang, Title, Made, MadeLabel string
	Sections                     []section
}

type section struct {
	ID, Heading string
	Blocks      []block
}

// block is one of: a sub-heading, a paragraph, a code line, a key/value
// list, a table or a chart (an SVG for HTML, its table for Markdown).
type block struct {
	Heading string
	Figures []kv // the key figures, shown large
	Text    string
	Code    string
	KV      []kv
	Table   *table
	Chart   *chart
}

type kv struct{ K, V string }

type table struct {
	Head   []string
	Right  []bool // right-aligned columns (numbers)
	NoWrap []bool // columns kept on one line (dates)
	Rows   [][]cell
}

// cell is a table cell: Main, with optional Sub text under it (HTML) or
// after a dash (Markdown), Strong making Main bold; To continues Main (the
// end of a span) on a line of its own in HTML, after a space in Markdown.
type cell struct {
	Main, Sub, To string
	Strong        bool
}

type chart struct {
	Caption string
	SVG     template.HTML // made by gonum/plot's vgsvg, which escapes its text
	Table   *table
}

func c(s string) cell { return cell{Main: s} }

func (r *Report) document() (*document, error) {
	w := r.Words
	d := &document{Lang: w.Lang, Title: w.ReportOf + r.Incident.Title, Made: r.stampZone(r.Made), MadeLabel: w.Generated}
	restore, err := r.restore()
	if err != nil {
		return nil, err
	}
	fund, err := r.fund()
	if err != nil {
		return nil, err
	}
	d.Sections = []section{
		{ID: "summary", Heading: w.Summary, Blocks: r.summary()},
		{ID: "timeline", Heading: w.Timeline, Blocks: r.timeline()},
		{ID: "restore", Heading: w.Restore, Blocks: restore},
		{ID: "accountability", Heading: w.Account, Blocks: r.accountability()},
		{ID: "fund", Heading: w.Fund, Blocks: fund},
		{ID: "integrity", Heading: w.Integrity, Blocks: r.integrity()},
	}
	return d, nil
}

func (r *Report) summary() []block {
	w, inc := r.Words, r.Incident
	resolved, dur := w.NotResolved, r.Made.Sub(inc.StartedAt)
	if inc.ResolvedAt != nil {
		resolved, dur = r.stampZone(*inc.ResolvedAt), inc.ResolvedAt.Sub(inc.StartedAt)
	}
	duration := fmt.Sprintf(w.Hours, formatFixed(int64(dur.Seconds()), 3600))
	if dh := r.daysHours(dur); dh != "" {
		duration = dh + " (" + duration + ")"
	}
	if inc.ResolvedAt == nil {
		duration += " " + w.SoFar
	}
	commander := r.Commander
	if commander == "" {
		commander = w.Nobody
	}
	facts := []kv{
		{w.Severity, word(w.Sev, inc.Severity)},
		{w.Status, word(w.States, inc.Status)},
		{w.Started, r.stampZone(inc.StartedAt)},
		{w.Resolved, resolved},
		{w.Duration, duration},
	}
	if r.OutageHours != "" && r.Terms.OutageStart != nil && r.Terms.OutageEnd != nil {
		facts = append(facts, kv{w.OutageHours, fmt.Sprintf(w.Hours, r.OutageHours) + ": " +
			fmt.Sprintf(w.OutageSpan, r.stamp(*r.Terms.OutageStart), r.stamp(*r.Terms.OutageEnd))})
	}
	facts = append(facts, kv{w.Commander, commander})
	figures := []kv{{w.FigOutage, fmt.Sprintf(w.Hours, formatFixed(int64(dur.Seconds()), 3600))},
		{w.Merchants, glossary.Count(r.Impact.Merchants)}}
	if r.Fund != nil {
		figures = append(figures, kv{w.Pledged, money(r.Fund.PledgedFen)}, kv{w.PaidSoFar, money(r.Impact.PaidFen)})
	}
	blocks := []block{{Figures: figures}}
	if inc.Summary != "" {
		blocks = append(blocks, block{Text: inc.Summary})
	}
	blocks = append(blocks, block{KV: facts}, block{Heading: w.Impact})
	impact := []kv{{w.Merchants, glossary.Count(r.Impact.Merchants)}}
	if r.Fund != nil {
		impact = append(impact,
			kv{w.Claims, glossary.Count(r.Impact.Claims)},
			kv{w.PaidClaims, glossary.Count(r.Impact.PaidClaims)},
			kv{w.PaidSoFar, money(r.Impact.PaidFen) + " " + r.Fund.Currency},
			kv{w.Pledged, money(r.Fund.PledgedFen) + " " + r.Fund.Currency})
	}
	return append(blocks, block{KV: impact})
}

func (r *Report) timeline() []block {
	w := r.Words
	if len(r.Timeline) == 0 {
		return []block{{Text: w.NoEntries}}
	}
	t := &table{Head: []string{w.Planned, w.Actual, w.Kind, w.What}, NoWrap: []bool{true, true}}
	for _, e := range r.Timeline {
		sub := e.Body
		if e.Author != "" {
			sub = strings.TrimSpace(sub + " (" + w.ByAuthor + " " + e.Author + ")")
		}
		t.Rows = append(t.Rows, []cell{
			r.span(e.PlannedStart, e.PlannedEnd, e.Precision),
			r.span(e.ActualStart, e.ActualEnd, e.Precision),
			c(e.Kind),
			{Main: e.Title, Sub: sub, Strong: true},
		})
	}
	return []block{{Text: zoneNote(r)}, {Table: t}}
}

// zoneNote says which zone the times are in.
func zoneNote(r *Report) string {
	return fmt.Sprintf(r.Words.TimesIn, r.Incident.TimeZone)
}

func (r *Report) restore() ([]block, error) {
	w := r.Words
	if len(r.Milestones) == 0 {
		return []block{{Text: w.NoMilestones}}, nil
	}
	t := &table{Head: []string{w.Milestone, w.Owner, w.Status, w.Progress, w.Planned, w.Actual},
		Right: []bool{false, false, false, true, false, false}}
	for _, m := range r.Milestones {
		t.Rows = append(t.Rows, []cell{{Main: m.Title, Sub: m.Key, Strong: true}, c(m.Owner), c(word(w.States, m.Status)),
			c(strconv.Itoa(m.Progress) + "%"), r.span(m.PlannedStart, m.PlannedEnd, ""), r.span(m.ActualStart, m.ActualEnd, "")})
	}
	svg, err := ganttSVG(r)
	if err != nil {
		return nil, err
	}
	blocks := []block{
		{Text: fmt.Sprintf(w.Overall, recovery.Overall(r.Milestones)) + " " + zoneNote(r)},
		{Chart: &chart{Caption: w.PlanVsActual + ". " + w.ChartLegend, SVG: svg, Table: t}},
		{Heading: w.History},
	}
	h := &table{Head: []string{w.When, w.Milestone, w.Status, w.Progress, w.By, w.Note}, Right: []bool{false, false, false, true},
		NoWrap: []bool{true, false, false, true}}
	for _, m := range r.Milestones {
		for _, u := range r.History[m.ID] {
			status := word(w.States, u.ToStatus)
			if u.FromStatus != nil && *u.FromStatus != u.ToStatus {
				status = word(w.States, *u.FromStatus) + " → " + status
			}
			progress := strconv.Itoa(u.ToProgress) + "%"
			if u.FromProgress != nil && *u.FromProgress != u.ToProgress {
				progress = strconv.Itoa(*u.FromProgress) + "% → " + progress
			}
			h.Rows = append(h.Rows, []cell{c(r.stamp(u.At)), c(m.Key), c(status), c(progress), c(u.Author), c(u.Note)})
		}
	}
	sort.SliceStable(h.Rows, func(i, j int) bool { return h.Rows[i][0].Main < h.Rows[j][0].Main })
	return append(blocks, block{Table: h}), nil
}

func (r *Report) accountability() []block {
	w, acc := r.Words, r.Account
	if len(acc.People) == 0 && len(acc.Measures) == 0 {
		return []block{{Text: w.NoAccount}}
	}
	var blocks []block
	if len(acc.People) > 0 {
		t := &table{Head: []string{w.Person, w.Finding, w.Consequence}}
		for _, p := range acc.People {
			name := p.Name
			if p.NativeName != "" {
				name += " " + p.NativeName
			}
			if len(p.Findings) == 0 {
				t.Rows = append(t.Rows, []cell{{Main: name, Sub: p.Title, Strong: true}, c(""), c("")})
			}
			for _, f := range p.Findings {
				t.Rows = append(t.Rows, []cell{{Main: name, Sub: p.Title, Strong: true}, c(f.Finding), c(f.Consequence)})
			}
		}
		blocks = append(blocks, block{Heading: w.Findings}, block{Table: t})
	}
	if len(acc.Measures) > 0 {
		blocks = append(blocks, block{Heading: w.Measures})
		for _, m := range acc.Measures {
			blocks = append(blocks, block{Text: strconv.Itoa(m.Position) + ". " + m.Title + (func() string {
				if m.Summary == "" {
					return ""
				}
				return ": " + m.Summary
			})()})
			if len(m.Items) == 0 {
				continue
			}
			t := &table{Head: []string{w.Action, w.Owner, w.Due, w.Status}, NoWrap: []bool{false, false, true}}
			for _, it := range m.Items {
				due := ""
				if it.Due != nil {
					due = it.Due.In(r.Loc).Format("2006-01-02")
				}
				status := word(w.States, it.Status)
				if it.Reason != "" {
					status += " (" + w.Reason + ": " + it.Reason + ")"
				}
				t.Rows = append(t.Rows, []cell{c(it.Title), c(it.Owner), c(due), c(status)})
			}
			blocks = append(blocks, block{Table: t})
		}
	}
	return blocks
}

func (r *Report) fund() ([]block, error) {
	w, f := r.Words, r.Fund
	if f == nil {
		return []block{{Text: w.NoFund}}, nil
	}
	blocks := []block{{Text: fmt.Sprintf(w.Currency, f.Currency)}}
	ct := &table{Head: []string{w.Contributor, w.Role, w.Pledged, w.Received}, Right: []bool{false, false, true, true}}
	for _, k := range f.Contributors {
		name := k.Name
		if k.NativeName != "" {
			name += " " + k.NativeName
		}
		ct.Rows = append(ct.Rows, []cell{{Main: name, Strong: true}, c(k.Role), c(money(k.PledgedFen)), c(money(k.ReceivedFen))})
	}
	blocks = append(blocks, block{Heading: w.Contributors}, block{Table: ct},
		block{KV: []kv{{w.Pledged, money(f.PledgedFen)}, {w.Received, money(f.ReceivedFen)},
			{w.Committed, money(f.CommittedFen)}, {w.Paid, money(f.PaidFen)}, {w.Remaining, money(f.RemainingFen)}}})

	dt := &table{Head: []string{w.Day, w.PaidThatDay, w.CumPaid, w.Remaining}, Right: []bool{false, true, true, true}, NoWrap: []bool{true}}
	for _, p := range r.Drawdown {
		dt.Rows = append(dt.Rows, []cell{c(p.Day.In(r.Loc).Format("2006-01-02")), c(money(p.PaidFen)), c(money(p.CumPaidFen)), c(money(p.RemainingFen))})
	}
	blocks = append(blocks, block{Heading: w.Drawdown})
	if len(r.Drawdown) == 0 {
		blocks = append(blocks, block{Text: w.NoPayouts})
	} else {
		svg, err := drawdownSVG(r)
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, block{Chart: &chart{SVG: svg, Table: dt}})
	}

	pt := &table{Head: []string{w.State, w.Plan, w.ClaimsCol, w.CostsFund, w.Paid}, Right: []bool{false, false, true, true, true}}
	for _, s := range r.Pipeline {
		pt.Rows = append(pt.Rows, []cell{c(word(w.States, s.State)), c(word(w.Plans, s.Plan)), c(glossary.Count(s.Claims)), c(money(s.AmountFen)), c(money(s.PaidFen))})
	}
	blocks = append(blocks, block{Heading: w.ByState}, block{Table: pt})

	blocks = append(blocks, block{Heading: w.Formula}, block{Text: w.FormulaText})
	if e := r.Example; e != nil && e.MarginPercent != nil && e.CashFen != nil {
		plan := "cash"
		if e.Plan != nil {
			plan = *e.Plan
		}
		blocks = append(blocks,
			block{Text: fmt.Sprintf(w.Example, e.MerchantID, e.Name, e.Industry, word(w.Plans, plan), word(w.States, e.State))},
			block{Code: fmt.Sprintf(w.DailyRevenue, money(e.BaselineFen), r.BaselineDays, money(e.DailyRevenueFen))},
			block{Code: fmt.Sprintf(w.CashLine, money(e.BaselineFen), r.BaselineDays, compensation.TrimDecimal(*e.MarginPercent),
				r.OutageHours, money(*e.CashFen))})
	} else {
		blocks = append(blocks, block{Text: w.NoExample})
	}

	p := r.Projection
	blocks = append(blocks, block{Heading: w.Projection}, block{KV: []kv{
		{w.Available, money(p.AvailableFen)},
		{w.OpenClaims, glossary.Count(p.OpenClaims) + ": " + money(p.OpenFen)},
	}})
	if p.ShortfallFen > 0 {
		blocks = append(blocks, block{KV: []kv{{w.Shortfall, money(p.ShortfallFen)}}},
			block{Text: fmt.Sprintf(w.ProRata, p.ProRataPercent, money(p.ProRataPaysFen))})
	} else {
		blocks = append(blocks, block{Text: fmt.Sprintf(w.Covered, money(p.AvailableFen), money(p.OpenFen))})
	}
	if p.AwaitingRate > 0 {
		blocks = append(blocks, block{Text: fmt.Sprintf(w.AwaitingRate, glossary.Count(p.AwaitingRate))})
	}
	return blocks, nil
}

func (r *Report) integrity() []block {
	w, v := r.Words, r.Chain
	anchor := strconv.FormatInt(v.HeadSeq, 10) + ":" + v.HeadHash
	result := fmt.Sprintf(w.ChainOK, glossary.Count(v.Checked))
	if !v.OK() {
		result = fmt.Sprintf(w.ChainBroken, v.Broken.Error())
	}
	return []block{
		{KV: []kv{{w.ChainHead, anchor}, {w.Verified, result}, {w.Generated, r.stampZone(r.Made)}}},
		{Text: w.CheckLater},
		{Code: "warroom audit verify --anchor " + anchor},
	}
}
