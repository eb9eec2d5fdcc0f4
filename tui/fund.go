package tui

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"warroom/compensation"
	"warroom/glossary"
)

// Fund shows the compensation fund's position, who pays into it, and how
// fast payouts draw it down. The top block and the contributors table take
// what they need; the chart gets the rest, or gives way with a note.

const (
	fundMaxChartHeight = 30
	fundMoneyW         = 14 // "150,000,000.00"
	fundPctW           = 6  // "100.0%"
)

type fundView struct {
	st *Styles

	// The view's own reads (claims page, merchant list and statement) go
	// through the root (read.go); their answers arrive in Receive.
	incID int64
	page  fundPage

	// claims page (pipeline.go)
	pipeline      []compensation.Stage
	projection    *compensation.Projection
	claimsErr     error
	claimsSeq     int
	claimsLoading bool
	claimsScroll  int

	// merchant list and statement (merchants.go)
	ml           merchantList
	detailID     string
	detail       *compensation.MerchantDetail
	detailErr    error
	detailSeq    int
	detailScroll int

	tick    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd // tea.Tick; tests drive delays themselves
	srcFund *compensation.Fund                                   // the snapshot's own pointer: a new one means the fund part was read again
	stale   staleParts
	polling bool

	fund     *compensation.Fund // sanitised copy; nil when the incident has none
	drawdown []compensation.DrawdownPoint
	loc      *time.Location
	list     list[compensation.Contributor] // over fund.Contributors

	// form is the open form (fund_forms.go), nil when none; flash what
	// the last one did.
	form     *fundForm
	flash    string
	flashBad bool
	// mayReceive: the login may record money received (Snapshot.MayReceive):
	// r is offered only then.
	mayReceive bool

	width, height int
	nameW         int
	nativeW       int
	moneyW        int // money columns: fundMoneyW, or wider for a larger fund
	markW         int // 1 when a pledge carries a note (pledgeMark after it), else 0
	// factsCompact: the last summary had no room for the in-kind plan and
	// the pledge note in full (summaryFacts): the plan took the blank
	// under the figures, the note goes on the contributors' title line.
	factsCompact bool

	dataGen  int // bumped by SetData so the chart cache knows
	chart    string
	chartKey [3]int // dataGen, width, height the chart was drawn for
	drawCache
	charts int // how often the chart was built
}

// fundPage is what the fund view shows: the overview, or one of its
// sub-pages, each opened by a key and left with esc.
type fundPage int

const (
	pageOverview  fundPage = iota
	pageClaims             // pipeline and projection (pipeline.go)
	pageMerchants          // the merchant list (merchants.go)
	pageDetail             // one merchant's statement
)

// staleParts are the sub-pages a reload of the fund has made stale; the
// open one is read again on the next poll.
type staleParts uint8

const (
	stalePipeline staleParts = 1 << iota
	staleMerchants
	staleDetail
)

var fundKeys = struct {
	Claims, Merchants, Back, Open, Search key.Binding
}{
	Claims:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "claims")),
	Merchants: key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "merchants")),
	Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	Open:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "statement")),
	Search:    key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "find id or name")),
}

// newFundView builds the fund view.
func newFundView(st *Styles) view {
	return &fundView{st: st, tick: tea.Tick, moneyW: fundMoneyW, chartKey: [3]int{-1, -1, -1}}
}

func (v *fundView) Name() string { return "Fund" }

func (v *fundView) Capturing() bool {
	if v.form != nil {
		return true
	}
	switch v.page {
	case pageOverview:
		return v.list.Capturing()
	case pageMerchants:
		return v.ml.input.Editing()
	}
	return false
}

// Paste types a bracketed paste into the open filter or search prompt.
func (v *fundView) Paste(msg tea.PasteMsg) tea.Cmd {
	v.drop()
	defer v.layout()
	if v.form != nil {
		return v.form.f.Paste(msg)
	}
	switch v.page {
	case pageOverview:
		if v.list.Paste(msg) {
		}
	case pageMerchants:
		if v.ml.input.Editing() {
			return v.searchEdit(msg)
		}
	}
	return nil
}

// searchKeys are the merchant search prompt's keys besides typing.
var searchKeys = struct{ Run, Clear key.Binding }{
	Run:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
	Clear: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
}

func (v *fundView) ShortHelp() []key.Binding {
	k, l := fundKeys, listKeys
	if v.form != nil {
		return v.form.f.ShortHelp()
	}
	if v.fund == nil {
		return v.formKeysHelp()
	}
	switch v.page {
	case pageClaims:
		return append(scrollHelp(v.claimsMaxScroll(), l.Down, l.Up), k.Merchants, k.Back)
	case pageMerchants:
		if v.ml.input.Editing() {
			return []key.Binding{searchKeys.Run, searchKeys.Clear}
		}
		return []key.Binding{l.Down, l.Up, k.Open, k.Search, k.Back}
	case pageDetail:
		return append(scrollHelp(v.detailMaxScroll(), l.Down, l.Up), k.Back)
	}
	if v.list.Capturing() {
		return v.list.ShortHelp()
	}
	return append(v.list.ShortHelp(), k.Claims, k.Merchants)
}

// scrollHelp is the scroll keys of a sub-page, offered only when it has
// more lines than fit.
func scrollHelp(maxScroll int, keys ...key.Binding) []key.Binding {
	if maxScroll == 0 {
		return nil
	}
	return keys
}

func (v *fundView) FullHelp() [][]key.Binding {
	k, l := fundKeys, listKeys
	if v.form != nil {
		return v.form.f.FullHelp()
	}
	if v.fund == nil {
		return [][]key.Binding{v.formKeysHelp()}
	}
	switch v.page {
	case pageClaims:
		return [][]key.Binding{scrollHelp(v.claimsMaxScroll(), l.Up, l.Down, l.Top, l.Bottom), {k.Merchants, k.Back}}
	case pageMerchants:
		if v.ml.input.Editing() {
			return [][]key.Binding{{searchKeys.Run, searchKeys.Clear}}
		}
		return [][]key.Binding{listNavKeys(), {k.Open, k.Search, k.Claims, k.Back}}
	case pageDetail:
		return [][]key.Binding{scrollHelp(v.detailMaxScroll(), l.Up, l.Down, l.Top), {k.Back}}
	}
	if v.list.Capturing() {
		return [][]key.Binding{v.list.FullHelp()}
	}
	return [][]key.Binding{v.list.FullHelp(), append([]key.Binding{k.Claims, k.Merchants}, v.formKeysHelp()...)}
}

func (v *fundView) SetSize(width, height int) {
	v.drop()
	if width == v.width && height == v.height {
		return
	}
	v.width, v.height = width, height
	if v.form != nil {
		v.form.f.SetWidth(width)
	}
	v.layout()
}

// layout sizes the contributors list and the merchant list for the
// current size, data and prompts. Everything that changes those calls it
// (SetSize, SetData, Update, Paste, Receive), so Render only draws.
func (v *fundView) layout() {
	if v.width <= 0 || v.height <= 0 {
		return
	}
	if v.fund != nil {
		rows, _ := v.overviewLayout()
		v.list.SetHeight(rows)
	}
	if h := v.merchantRows(); v.ml.height != h {
		v.ml.height = h
		v.ml.clamp()
	}
}

// overviewLayout is the rows of the contributors table and the height of
// the chart under it (0: no room for one).
func (v *fundView) overviewLayout() (rows, chartH int) {
	reserved := 0
	if v.list.Filtering() {
		reserved = 1 // the filter line
	}
	// Rows left for the table body and the chart block (blank + title + chart).
	sum := len(v.summary())
	avail := v.height - sum - btoi(!v.factsCompact) - 2 - reserved
	want := max(v.list.Len(), 1)
	rows = want
	if len(v.drawdown) > 0 && avail-want-2 >= minChartHeight {
		chartH = min(avail-want-2, fundMaxChartHeight)
	} else {
		rows = max(min(want, avail), 1)
	}
	return rows, chartH
}

// Parts: the fund and its drawdown; the rest it reads itself (fund_read.go).
func (v *fundView) Parts() part { return partFund | partIncident | partDuty } // partDuty: mayReceive

func (v *fundView) SetData(s *Snapshot) {
	v.drop()
	v.setData(s)
	v.layout()
}

func (v *fundView) setData(s *Snapshot) {
	old, oldDrawdown, oldLoc := v.fund, v.drawdown, v.loc
	v.fund, v.drawdown, v.loc = nil, nil, time.UTC
	defer func() {
		// Live updates reload the snapshot often while payouts change
		// rarely; the chart is only redrawn when what it plots moved.
		if old == nil || v.fund == nil || old.PledgedFen != v.fund.PledgedFen ||
			oldLoc.String() != v.loc.String() || !slices.EqualFunc(oldDrawdown, v.drawdown, sameDrawdownPoint) {
			v.dataGen++
		}
	}()
	if s != nil && s.Incident.ID != v.incID {
		// Another incident: its merchants are not these.
		v.incID = s.Incident.ID
		v.ml.opened, v.ml.rows, v.ml.find = false, nil, ""
		v.ml.input.Close()
		v.ml.gen++
		v.pipeline, v.projection, v.detail = nil, nil, nil
		v.flash, v.flashBad = "", false // what a form did was said of the other incident
		if v.page != pageOverview {
			v.page = pageOverview
		}
	} else if s != nil && s.Fund != v.srcFund {
		// The fund was read again: claims or payouts may have moved. The
		// open sub-page re-reads on its next poll; the list keeps its place.
		v.stale = stalePipeline | staleMerchants | staleDetail
	}
	if s != nil {
		v.srcFund, v.mayReceive = s.Fund, s.MayReceive
	}
	if s != nil {
		v.loc = s.Incident.Location() // the forms read times in it, a fund or not
	}
	if s == nil || s.Fund == nil {
		v.list.SetRows(nil, nil, nil)
		return
	}
	f := *s.Fund
	f.Currency = SanitizeLine(f.Currency)
	f.InKindPlan, f.InKindValueSource = SanitizeLine(f.InKindPlan), SanitizeLine(f.InKindValueSource)
	f.Contributors = make([]compensation.Contributor, len(s.Fund.Contributors))
	v.nameW, v.nativeW = len("name"), 0
	for i, c := range s.Fund.Contributors {
		c.Name, c.NativeName, c.Role = SanitizeLine(c.Name), SanitizeLine(c.NativeName), SanitizeLine(c.Role)
		c.PledgeNote = SanitizeLine(c.PledgeNote)
		f.Contributors[i] = c
		v.nameW = max(v.nameW, lipgloss.Width(c.Name))
		v.nativeW = max(v.nativeW, lipgloss.Width(c.NativeName))
	}
	v.nameW, v.nativeW = min(v.nameW, 20), min(v.nativeW, 12)
	// Money columns widen for a fund past 999 million rather than cut digits.
	v.moneyW = fundMoneyW
	for _, fen := range []int64{f.PledgedFen, f.ReceivedFen, f.PaidFen, f.CommittedFen, f.RemainingFen, f.CashOnHandFen} {
		v.moneyW = max(v.moneyW, len(compensation.FormatFen(fen)))
	}
	v.fund = &f
	v.markW = btoi(v.hasPledgeNotes())
	v.drawdown = s.Drawdown
	v.loc = s.Incident.Location()
	v.list.SetRows(f.Contributors, func(c *compensation.Contributor) string {
		return c.Name + " " + c.NativeName + " " + c.Role
	}, nil)
}

func (v *fundView) Update(msg tea.KeyPressMsg) tea.Cmd {
	v.drop()
	cmd := v.update(msg)
	v.layout()
	return cmd
}

func (v *fundView) update(msg tea.KeyPressMsg) tea.Cmd {
	if v.form != nil {
		return v.formKey(msg)
	}
	if v.page == pageOverview && !v.list.Capturing() && v.openForm(msg) {
		return nil
	}
	switch v.page {
	case pageClaims:
		return v.claimsKey(msg)
	case pageMerchants:
		return v.merchantsKey(msg)
	case pageDetail:
		return v.detailKey(msg)
	}
	if !v.list.Capturing() && v.fund != nil {
		switch {
		case key.Matches(msg, fundKeys.Claims):
			return v.openClaims()
		case key.Matches(msg, fundKeys.Merchants):
			return v.openMerchants()
		}
	}
	v.list.Update(msg)
	return nil
}

func (v *fundView) Render() string { return v.draw(v.render) }

func (v *fundView) render() string {
	w, h := v.width, v.height
	if w <= 0 || h <= 0 {
		return ""
	}
	if v.form != nil {
		return strings.Join(fundPadLines(v.form.f.Render(w, h), w, h), "\n")
	}
	if v.fund == nil {
		lines := []string{"", v.st.Muted.Render("  No compensation fund for this incident."),
			v.st.Muted.Render("  A commander opens one: o (windows, payout threshold, in-kind plan).")}
		if v.flash != "" {
			lines = append(lines, "", v.flashLine())
		}
		return strings.Join(fundPadLines(lines, w, h), "\n")
	}
	switch v.page {
	case pageClaims:
		return strings.Join(fundPadLines(v.renderClaims(), w, h), "\n")
	case pageMerchants:
		return strings.Join(fundPadLines(v.renderMerchants(), w, h), "\n")
	case pageDetail:
		return strings.Join(fundPadLines(v.renderDetail(), w, h), "\n")
	}
	f := v.fund
	out := v.summary()
	if !v.factsCompact {
		out = append(out, "")
	}

	filterLine := v.list.FilterLine(v.st, w)
	_, chartH := v.overviewLayout()

	count := glossary.Count(len(f.Contributors))
	if v.list.Filter() != "" {
		count = glossary.Count(v.list.Len()) + " of " + count
	}
	title := "Contributors (" + count + ")"
	if v.factsCompact {
		out = append(out, titleWithHint(v.st, title, v.pledgeNoteHint(), w))
	} else {
		out = append(out, v.st.Section.Render(fit(title, w)))
	}
	out = append(out, v.st.Muted.Render(fit(v.contributorRow("NAME", "NATIVE", "ROLE", "PLEDGED"+strings.Repeat(" ", v.markW), "RECEIVED", "RECV %"), w)))
	out = append(out, v.list.table(v.st, w, [...]int{v.nameW, v.nativeW, v.moneyW, v.markW}, "No contributors.", "Nothing matches the filter.",
		func(c *compensation.Contributor, _ bool) []cell {
			pledged := compensation.FormatFen(c.PledgedFen)
			if v.markW > 0 {
				mark := " "
				if c.PledgeNote != "" {
					mark = pledgeMark
				}
				pledged += mark
			}
			return v.contributorCells(c.Name, c.NativeName, c.Role,
				pledged, compensation.FormatFen(c.ReceivedFen), fundPercent(c.ReceivedFen, c.PledgedFen))
		})...)

	switch {
	case len(v.drawdown) == 0:
		out = append(out, "", v.st.Muted.Render(fit("  No payouts yet: nothing to chart.", w)))
	case chartH > 0:
		out = append(out, "", v.st.Section.Render(fit("Drawdown: pledged less paid out, by day ("+f.Currency+", "+drawdownSpan(v.drawdown, v.loc)+")", w)))
		out = append(out, strings.Split(v.drawdownChart(w, chartH), "\n")...)
	default:
		out = append(out, "", v.st.Muted.Render(fit("  Drawdown chart hidden: the window is too short.", w)))
	}

	out = fundPadLines(out, w, h-btoi(filterLine != ""))
	if filterLine != "" {
		out = append(out, filterLine)
	}
	return strings.Join(out, "\n")
}

func sameDrawdownPoint(a, b compensation.DrawdownPoint) bool {
	return a.Day.Equal(b.Day) && a.RemainingFen == b.RemainingFen
}

// drawdownChart returns the cached chart when neither data nor size moved:
// the canvas costs far more than the rest of the view.
func (v *fundView) drawdownChart(w, h int) string {
	k := [3]int{v.dataGen, w, h}
	if k != v.chartKey {
		v.charts++
		v.chart = drawdownChart(v.st, v.drawdown, v.fund.PledgedFen, v.loc, w, h)
		v.chartKey = k
	}
	return v.chart
}

// summary is the fund's position as labelled figures: five across when the
// width allows, else three over two.
func (v *fundView) summary() []string {
	f := v.fund
	st := v.st
	out := []string{titleWithHint(st, "Compensation fund, amounts in "+f.Currency, "c claims · m merchants", v.width)}
	remaining := st.Good
	if f.RemainingFen < 0 {
		remaining = st.Bad
	}
	type figure struct {
		label string
		fen   int64
		style lipgloss.Style
		note  string
	}
	figs := []figure{
		{"Pledged", f.PledgedFen, st.Bold, "100% of fund"},
		{"Received", f.ReceivedFen, st.Bold, fundPercent(f.ReceivedFen, f.PledgedFen) + " in"},
		{"Committed", f.CommittedFen, st.Warn, "owed on claims"},
		{"Paid", f.PaidFen, st.Info, claimsNote(f.PaidClaims, f.Claims, v.width/5-2)},
		{"Remaining", f.RemainingFen, remaining, fundPercent(f.RemainingFen, f.PledgedFen) + " left"},
	}
	// Cash on hand: a sixth figure when six fit across (or in the second
	// row of three), else a line of its own under five.
	cash := figure{"Cash on hand", f.CashOnHandFen, cashStyle(st, f), "received less paid"}
	perRow := 6
	switch {
	case v.width/6 >= v.moneyW+1:
		figs = append(figs, cash)
	case v.width/5 >= v.moneyW+1:
		perRow = 5
	default:
		figs = append(figs, cash)
		perRow = 3
	}
	colW := max(v.width/perRow, 1)
	for start := 0; start < len(figs); start += perRow {
		var labels, values, notes strings.Builder
		for _, g := range figs[start:min(start+perRow, len(figs))] {
			labels.WriteString(st.Muted.Render(fit("  "+g.label, colW)))
			values.WriteString(g.style.Bold(true).Render(fit("  "+compensation.FormatFen(g.fen), colW)))
			notes.WriteString(st.Muted.Render(fit("  "+g.note, colW)))
		}
		out = append(out, labels.String(), values.String(), notes.String())
	}
	if len(figs) < 6 {
		// Five across: on the title line, right above Remaining, where
		// the keys' hint was (the footer has them); else a line of its own.
		title, val := "Compensation fund, amounts in "+f.Currency, compensation.FormatFen(cash.fen)
		hint := st.Muted.Render("cash on hand ") + cash.style.Bold(true).Render(val)
		if tw, hw := lipgloss.Width(title), lipgloss.Width(hint); tw+2+hw <= v.width {
			out[0] = st.Section.Render(title) + fitRight(hint, v.width-tw)
		} else {
			out = append(out, st.Muted.Render("  cash on hand ")+cash.style.Bold(true).Render(val))
		}
	}
	return append(out, v.summaryFacts(len(out))...) // fund_forms.go
}

// claimsNote is "1,812/3,000 claims" when it fits the column, else the paid
// count alone.
func claimsNote(paid, all int64, w int) string {
	s := glossary.Count(paid) + "/" + glossary.Count(all) + " claims"
	if len(s) > w {
		s = glossary.Count(paid) + " claims"
	}
	return s
}

// contributorRow lays the table out in fixed columns; fit pads by display
// width, so a native name such as 孙涛勇 keeps the next column in line.
func (v *fundView) contributorRow(name, native, role, pledged, received, pct string) string {
	return tableRow(v.st, v.contributorCells(name, native, role, pledged, received, pct), false)
}

// contributorCells lays out a contributors row: name, native name (when
// any contributor has one), role, pledged, received and its percentage.
func (v *fundView) contributorCells(name, native, role, pledged, received, pct string) []cell {
	roleW := v.width - 2 - v.nameW - 1 - 1 - v.moneyW - v.markW - 1 - v.moneyW - 1 - fundPctW
	cells := []cell{{text: name, w: v.nameW}}
	if v.nativeW > 0 {
		cells = append(cells, cell{text: native, w: v.nativeW})
		roleW -= v.nativeW + 1
	}
	return append(cells, cell{text: role, w: max(roleW, 0)},
		cell{text: pledged, w: v.moneyW + v.markW, right: true},
		cell{text: received, w: v.moneyW, right: true},
		cell{text: pct, w: fundPctW, right: true})
}

// fundPercent is part/whole to one decimal, in integers so no money value
// passes through a float.
func fundPercent(part, whole int64) string {
	if whole == 0 {
		return "-"
	}
	tenths := part * 1000 / whole
	neg := tenths < 0
	if neg {
		tenths = -tenths
	}
	s := strconv.FormatInt(tenths/10, 10) + "." + strconv.FormatInt(tenths%10, 10) + "%"
	if neg {
		s = "-" + s
	}
	return s
}

// fundClipLines keeps the first n lines.
func fundClipLines(lines []string, n int) []string {
	if n < 0 {
		n = 0
	}
	if len(lines) > n {
		return lines[:n]
	}
	return lines
}

// fundPadLines makes exactly h lines, each w cells wide, so the root can lay
// the view out without measuring it.
func fundPadLines(lines []string, w, h int) []string {
	lines = fundClipLines(lines, h)
	for i, l := range lines {
		lines[i] = fit(l, w)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", max(w, 0)))
	}
	return lines
}
