package tui

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"warroom/compensation"
	"warroom/glossary"
	"warroom/recovery"
)

// The fund view's merchant list is a keyset-paged window over every
// merchant of the incident: it holds a few pages around the cursor
// (merchantBufPages of twice the visible height each), asks for the next
// page before the cursor reaches either end, and drops pages far behind,
// so a million merchants cost the console no more than a hundred. `/`
// searches on the server (id prefix or name); enter opens the merchant's
// statement.
//
// Its queries are the view's own, not the snapshot's (a million rows do not
// belong in it): it asks the root for them (read.go) and takes the typed
// answers in Receive (fund_read.go).

const (
	merchantBufPages    = 3
	merchantSearchDelay = 300 * time.Millisecond
	// fundPollEvery is how often an open sub-page checks whether a reload
	// of the snapshot has made its own rows stale.
	fundPollEvery = time.Second
)

// merchantList is the paged list of merchants (list, paged.go) with its
// server-side search.
type merchantList struct {
	list[compensation.MerchantRow]
	find       string    // the search in force
	input      lineInput // the search being typed; focused while it takes keys
	total      int64
	totalKnown bool
	err        error
	searchSeq  int
	opened     bool
	restore    []recovery.MerchantCount // the open statement's data per domain
}

// pageSize is twice the visible height: one screen ahead of the cursor.
func (v *fundView) pageSize() int { return min(max(2*v.ml.height, 20), 1000) }

// restart drops the window and reads it again from one end, cancelling
// whatever the previous window still had on its way.
func (v *fundView) restart(kind pageKind) tea.Cmd {
	ml := &v.ml
	ml.list.restart() // the root cancels what the previous window still has on its way
	ml.err, ml.totalKnown = nil, false
	cmds := []tea.Cmd{v.fetchPage("", map[pageKind]compensation.PageDir{pageFirst: compensation.PageAfter, pageLast: compensation.PageBefore}[kind], kind), v.countCmd()}
	return tea.Batch(cmds...)
}

func (v *fundView) fetchPage(key string, dir compensation.PageDir, kind pageKind) tea.Cmd {
	ml := &v.ml
	ml.fetches++
	limit := v.pageSize()
	if kind == pageRefresh {
		limit = min(max(len(ml.rows), limit), 1000)
	}
	q := merchantPageQuery{gen: ml.gen, kind: kind, inc: v.incID, key: key, dir: dir, find: ml.find, limit: limit}
	return requestReadIn("merchants", ml.gen, q)
}

func (v *fundView) countCmd() tea.Cmd {
	ml := &v.ml
	return requestReadIn("merchants", ml.gen, merchantCountQuery{gen: ml.gen, inc: v.incID, find: ml.find})
}

// gotCount applies the number of matching merchants.
func (v *fundView) gotCount(a merchantCountMsg) tea.Cmd {
	if a.gen != v.ml.gen || a.err != nil {
		return nil // a failed count only costs the position figure
	}
	v.ml.total, v.ml.totalKnown = a.n, true
	if v.ml.base < 0 && v.ml.atEnd {
		v.ml.base = int(a.n) - len(v.ml.rows)
	}
	return nil
}

// gotPage applies one page to the window.
func (v *fundView) gotPage(a merchantPageMsg) tea.Cmd {
	ml := &v.ml
	kind, rows, err, limit := a.q.kind, a.rows, a.err, a.q.limit
	if a.q.gen != ml.gen {
		return nil
	}
	ml.landed(kind)
	if err != nil {
		if cancelled(err) {
			return nil
		}
		ml.err, ml.loading = err, false
		return nil
	}
	ml.err = nil
	// The id stays raw: it is the paging key and the statement's lookup.
	// It is sanitised where it is drawn.
	for i := range rows {
		rows[i].Name = SanitizeLine(rows[i].Name)
		rows[i].Industry = SanitizeLine(rows[i].Industry)
	}
	total := -1
	if ml.totalKnown {
		total = int(ml.total)
	}
	ml.apply(kind, rows, len(rows) == limit, total, merchantBufPages*v.pageSize())
	return v.prefetch()
}

// prefetch asks for the next page at an end the cursor is within one page of.
func (v *fundView) prefetch() tea.Cmd {
	ml := &v.ml
	next, prev := ml.wants(v.pageSize())
	var cmds []tea.Cmd
	if next {
		cmds = append(cmds, v.fetchPage(ml.rows[len(ml.rows)-1].MerchantID, compensation.PageAfter, pageNext))
	}
	if prev {
		cmds = append(cmds, v.fetchPage(ml.rows[0].MerchantID, compensation.PageBefore, pagePrev))
	}
	return tea.Batch(cmds...)
}

// refreshMerchants re-reads the rows held (a reload said claims changed),
// keeping the cursor where it is.
func (v *fundView) refreshMerchants() tea.Cmd {
	ml := &v.ml
	if ml.loading || len(ml.rows) == 0 || ml.fwd || ml.back {
		return nil
	}
	ml.gen++ // answers to the old window no longer fit it
	return v.fetchPage(ml.rows[0].MerchantID, compensation.PageFrom, pageRefresh)
}

// merchantsKey handles a key on the merchant list.
func (v *fundView) merchantsKey(msg tea.KeyPressMsg) tea.Cmd {
	ml := &v.ml
	if ml.input.Editing() {
		return v.searchKey(msg)
	}
	if s, ok := ml.navKey(msg); ok {
		if kind, restart := ml.navigate(s); restart {
			return v.restart(kind)
		}
		return v.prefetch()
	}
	switch {
	case key.Matches(msg, fundKeys.Search):
		ml.input.Open(ml.find)
	case key.Matches(msg, fundKeys.Open):
		if r, ok := ml.selected(); ok {
			return v.openDetail(r.MerchantID)
		}
		return nil
	case key.Matches(msg, fundKeys.Back):
		if ml.find != "" {
			return v.search("")
		}
		v.page = pageOverview
	case key.Matches(msg, fundKeys.Claims):
		return v.openClaims()
	default:
		return nil
	}
	ml.clamp()
	return v.prefetch()
}

// searchKey edits the search; the list follows a short pause in typing,
// or enter at once.
func (v *fundView) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	ml := &v.ml
	switch {
	case key.Matches(msg, searchKeys.Clear):
		ml.input.Close()
		return v.search("")
	case key.Matches(msg, searchKeys.Run):
		find := strings.TrimSpace(ml.input.Value())
		ml.input.Close()
		return v.search(find)
	}
	return v.searchEdit(msg)
}

// searchEdit types a key or a paste into the search and, when the text
// changed, runs it after the pause.
func (v *fundView) searchEdit(msg tea.Msg) tea.Cmd {
	ml := &v.ml
	before := ml.input.Value()
	ml.input.Update(msg)
	if ml.input.Value() == before {
		return nil
	}
	ml.searchSeq++
	due := searchDueMsg{seq: ml.searchSeq, find: strings.TrimSpace(ml.input.Value())}
	return v.tick(merchantSearchDelay, func(time.Time) tea.Msg { return due })
}

// searchDue runs the search typed before the pause, unless more typing
// came or the prompt closed.
func (v *fundView) searchDue(d searchDueMsg) tea.Cmd {
	if d.seq != v.ml.searchSeq || !v.ml.input.Editing() {
		return nil
	}
	return v.search(d.find)
}

// search starts the list over with find in force.
func (v *fundView) search(find string) tea.Cmd {
	ml := &v.ml
	ml.searchSeq++
	if find == ml.find && ml.opened {
		return nil
	}
	ml.find = find
	return v.restart(pageFirst)
}

// openMerchants shows the list, reading its first page the first time.
func (v *fundView) openMerchants() tea.Cmd {
	v.page = pageMerchants
	cmds := []tea.Cmd{v.startPoll()}
	if !v.ml.opened {
		v.ml.opened = true
		cmds = append(cmds, v.restart(pageFirst))
	}
	return tea.Batch(cmds...)
}

// openDetail shows one merchant's statement.
func (v *fundView) openDetail(merchant string) tea.Cmd {
	v.page = pageDetail
	v.detailID, v.detail, v.detailErr, v.detailScroll = merchant, nil, nil, 0
	return v.fetchDetail()
}

func (v *fundView) fetchDetail() tea.Cmd {
	v.detailSeq++
	return requestRead(merchantQuery{seq: v.detailSeq, inc: v.incID, id: v.detailID})
}

func (v *fundView) gotDetail(a merchantMsg) tea.Cmd {
	if a.seq != v.detailSeq {
		return nil
	}
	if a.err != nil {
		v.detailErr = a.err
		return nil
	}
	v.detail, v.detailErr, v.ml.restore = &a.d, nil, a.restore
	return nil
}

// startPoll starts the check for stale rows while a sub-page is open.
func (v *fundView) startPoll() tea.Cmd {
	if v.polling {
		return nil
	}
	v.polling = true
	return v.pollCmd()
}

func (v *fundView) pollCmd() tea.Cmd {
	return v.tick(fundPollEvery, func(time.Time) tea.Msg { return fundPollMsg{} })
}

// poll re-reads what the open sub-page shows when a reload marked it stale,
// and stops once the overview is back on screen.
func (v *fundView) poll() tea.Cmd {
	if v.page == pageOverview {
		v.polling = false
		return nil
	}
	var cmds []tea.Cmd
	if v.stale&stalePipeline != 0 && v.page == pageClaims {
		v.stale &^= stalePipeline
		cmds = append(cmds, v.fetchClaims())
	}
	if v.stale&staleMerchants != 0 && (v.page == pageMerchants || v.page == pageDetail) {
		if c := v.refreshMerchants(); c != nil {
			v.stale &^= staleMerchants
			cmds = append(cmds, c)
		}
	}
	if v.stale&staleDetail != 0 && v.page == pageDetail {
		v.stale &^= staleDetail
		cmds = append(cmds, v.fetchDetail())
	}
	return tea.Batch(append(cmds, v.pollCmd())...)
}

// Merchant list columns.
const (
	mIDW     = 10
	mStateW  = 13 // "awaiting rate"
	mPlanW   = 7  // "in kind"
	mIndW    = 14
	mAmountW = fundMoneyW
)

func (v *fundView) merchantRowCells(id, name, industry, state, plan, amount string, header bool) []cell {
	w := v.width
	showInd := w >= 100
	fixed := 2 + mIDW + 1 + 1 + mStateW + 1 + mPlanW + 1 + mAmountW
	if showInd {
		fixed += mIndW + 1
	}
	nameW := max(w-fixed, 4)
	st := lipgloss.NewStyle()
	if header {
		st = v.st.Muted
	}
	cells := []cell{{text: id, w: mIDW, style: st}, {text: name, w: nameW, style: st}}
	if showInd {
		cells = append(cells, cell{text: industry, w: mIndW, style: st})
	}
	stateStyle := st
	if !header {
		stateStyle = v.stateStyle(state)
	}
	return append(cells,
		cell{text: state, w: mStateW, style: stateStyle},
		cell{text: plan, w: mPlanW, style: st},
		cell{text: amount, w: mAmountW, style: st, right: true})
}

func (v *fundView) stateStyle(state string) lipgloss.Style {
	switch state {
	case "paid":
		return v.st.Good
	case "approved", "chosen":
		return v.st.Info
	case "awaiting rate":
		return v.st.Warn
	case "rejected":
		return v.st.Bad
	}
	return v.st.Muted
}

// stateText is a claim state for people.
func stateText(s *string) string {
	if s == nil {
		return "not computed"
	}
	return glossary.ClaimState(*s)
}

// planText is a plan for people; the in-kind plan says so.
func planText(p *string) string {
	switch {
	case p == nil || *p == "":
		return "-"
	}
	return glossary.Plan(*p)
}

// merchantRows is the rows the merchant list gets: the body less its
// title, column names and the search line when there is one.
func (v *fundView) merchantRows() int {
	h := v.height - 2
	if v.ml.input.Editing() || v.ml.find != "" {
		h--
	}
	return max(h, 1)
}

func (v *fundView) renderMerchants() []string {
	ml := &v.ml
	w := v.width
	st := v.st
	title := "Merchants"
	switch {
	case ml.totalKnown && ml.find != "":
		title += " matching " + strconv.Quote(ml.find) + " (" + groupInt(ml.total) + ")"
	case ml.totalKnown:
		title += " (" + groupInt(ml.total) + ")"
	case ml.find != "":
		title += " matching " + strconv.Quote(ml.find)
	}
	if ml.base >= 0 && len(ml.rows) > 0 {
		title += "  " + groupInt(int64(ml.base+ml.cursor+1))
		if ml.totalKnown {
			title += " of " + groupInt(ml.total)
		}
	}
	out := []string{titleWithHint(st, title, "enter statement · esc back", w)}
	out = append(out, tableRow(st, v.merchantRowCells("ID", "NAME", "INDUSTRY", "STATE", "PLAN", "AMOUNT", true), false))
	bottom := ""
	if ml.input.Editing() {
		bottom = fit(st.Section.Render("/")+ml.input.View(st)+st.Muted.Render("  id prefix or name; enter searches, esc clears"), w)
	} else if ml.find != "" {
		bottom = fit(st.Muted.Render("search: ")+ml.find+st.Muted.Render("  (esc clears, / edits)"), w)
	}
	switch {
	case ml.err != nil:
		out = append(out, st.Bad.Render(fit("  Could not read merchants: "+SanitizeLine(ml.err.Error()), w)))
	case ml.loading:
		out = append(out, st.Muted.Render(fit("  Loading…", w)))
	case len(ml.rows) == 0 && ml.find != "":
		out = append(out, st.Muted.Render(fit("  No merchant id starts with, or name contains, "+strconv.Quote(ml.find)+".", w)))
	case len(ml.rows) == 0:
		out = append(out, st.Muted.Render(fit("  No merchants.", w)))
	}
	if !ml.loading {
		out = append(out, ml.table(st, w, nil, "", "", func(r *compensation.MerchantRow, _ bool) []cell {
			amount := ""
			if r.State != nil && r.AmountFen != nil && *r.State != "awaiting_rate" {
				amount = compensation.FormatFen(*r.AmountFen)
			}
			return v.merchantRowCells(SanitizeLine(r.MerchantID), r.Name, r.Industry, stateText(r.State), planText(r.Plan), amount, false)
		})...)
	}
	if _, end := ml.visible(len(ml.rows)); !ml.loading && end == len(ml.rows) && len(ml.rows) > 0 && !ml.atEnd && len(out) < v.height {
		out = append(out, st.Muted.Render(fit("  Loading more…", w)))
	}
	out = fundPadLines(out, w, v.height-btoi(bottom != ""))
	if bottom != "" {
		out = append(out, bottom)
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// groupInt is 1234567 -> "1,234,567" (glossary.Count).
func groupInt(n int64) string { return glossary.Count(n) }

// renderDetail is one merchant's statement: the formula with its numbers.
func (v *fundView) renderDetail() []string {
	w := v.width
	st := v.st
	out := []string{titleWithHint(st, "Merchant "+SanitizeLine(v.detailID), "esc back to list", w)}
	switch {
	case v.detailErr != nil:
		return append(out, st.Bad.Render(fit("  Could not read the merchant: "+SanitizeLine(v.detailErr.Error()), w)))
	case v.detail == nil:
		return append(out, st.Muted.Render(fit("  Loading…", w)))
	}
	lines := v.detailLines()
	scroll := min(max(v.detailScroll, 0), max(len(lines)-(v.height-len(out)), 0))
	return append(out, lines[scroll:]...)
}

// detailMaxScroll is how far the statement scrolls: 0 when it fits.
func (v *fundView) detailMaxScroll() int {
	if v.detailErr != nil || v.detail == nil {
		return 0
	}
	return max(len(v.detailLines())-(v.height-1), 0)
}

// detailLines is the statement below its title.
func (v *fundView) detailLines() []string {
	w := v.width
	st := v.st
	d := v.detail
	label := func(l string) string { return st.Muted.Render(fit("  "+l, 17)) }
	days := compensation.TrimDecimal(strconv.FormatFloat(d.BaselineHours/24, 'f', 4, 64))
	hours := compensation.TrimDecimal(strconv.FormatFloat(d.OutageHours, 'f', 4, 64))
	var lines []string
	lines = append(lines,
		label("Name")+SanitizeLine(d.Name)+st.Muted.Render("  industry ")+SanitizeLine(d.Industry),
		label("State")+v.stateStyle(stateText(&d.State)).Render(stateText(&d.State))+st.Muted.Render("   plan ")+planLong(d.Plan),
		label("Baseline sales")+st.Bold.Render(compensation.FormatFen(d.BaselineFen))+
			st.Muted.Render(" over "+days+" d ("+compensation.TrimDecimal(strconv.FormatFloat(d.BaselineHours, 'f', 4, 64))+" h), "+groupInt(d.SalesRows)+" sales rows"),
		label("Daily revenue")+compensation.FormatFen(d.DailyRevenueFen)+st.Muted.Render(" (shown rounded)"),
	)
	if d.MarginPercent != nil {
		src := SanitizeLine(d.MarginSource)
		lines = append(lines, label("Margin rate")+compensation.TrimDecimal(*d.MarginPercent)+"%"+st.Muted.Render("  source: "+src))
	} else {
		lines = append(lines, label("Margin rate")+st.Warn.Render("awaiting the rate of "+SanitizeLine(d.Industry)))
	}
	lines = append(lines, label("Outage")+hours+" h")
	switch {
	case d.MarginPercent != nil && d.CashNowFen != nil:
		// Decided before the windows changed: the hours now give another sum.
		lines = append(lines, label("Formula")+compensation.FormatFen(d.BaselineFen)+" / "+days+" d x "+compensation.TrimDecimal(*d.MarginPercent)+
			"% x "+hours+" h / 24 = "+compensation.FormatFen(*d.CashNowFen)+st.Muted.Render(" now"),
			label("")+st.Warn.Render("decided at "+compensation.FormatFen(*d.CashFen)+" over the windows of then: it keeps that"))
	case d.MarginPercent != nil && d.CashFen != nil:
		lines = append(lines, label("Formula")+compensation.FormatFen(d.BaselineFen)+" / "+days+" d x "+compensation.TrimDecimal(*d.MarginPercent)+
			"% x "+hours+" h / 24 = "+st.Bold.Render(compensation.FormatFen(*d.CashFen)))
	default:
		lines = append(lines, label("Formula")+st.Muted.Render(compensation.FormatFen(d.BaselineFen)+" / "+days+" d x (rate?) x "+hours+" h / 24"))
	}
	lines = append(lines,
		label("Cost to fund")+compensation.FormatFen(d.AmountFen)+st.Muted.Render("   paid ")+compensation.FormatFen(d.PaidFen),
		"",
		st.Section.Render(fit("Payouts ("+glossary.Count(len(d.Payouts))+")", w)))
	if len(d.Payouts) == 0 {
		lines = append(lines, st.Muted.Render("  none yet"))
	}
	for _, p := range d.Payouts {
		lines = append(lines, "  "+p.PaidAt.In(v.loc).Format("2006-01-02 15:04")+"  "+fitRight(compensation.FormatFen(p.AmountFen), fundMoneyW)+
			st.Muted.Render("  "+SanitizeLine(p.IdempotencyKey)))
	}
	if len(d.PlanChanges) > 0 {
		lines = append(lines, "", st.Section.Render("Plan changes"))
		for _, c := range d.PlanChanges {
			lines = append(lines, "  "+SanitizeLine(c))
		}
	}
	lines = append(lines, "", st.Section.Render(fit("Data restored", w)))
	if len(v.ml.restore) == 0 {
		lines = append(lines, st.Muted.Render("  no restore counts name this merchant"))
	}
	for _, c := range v.ml.restore {
		state := st.Good.Render("back")
		if c.Restored < c.Expected {
			state = st.Warn.Render(glossary.Count(c.Expected-c.Restored) + " missing")
		}
		full, empty := progressBar(c.Percent, 10)
		lines = append(lines, fit("  "+fit(SanitizeLine(c.Domain), 12)+" "+st.Good.Render(full)+st.Muted.Render(empty)+" "+
			fitRight(strconv.Itoa(c.Percent)+"%", 4)+"  "+glossary.Count(c.Restored)+" of "+glossary.Count(c.Expected)+
			"  "+state+st.Muted.Render("  as of "+c.AsOf.In(v.loc).Format("01-02 15:04")), w))
	}
	return lines
}

// planLong names a plan in full: the in-kind plan is not cash.
func planLong(p *string) string {
	switch {
	case p == nil || *p == "":
		return "not chosen"
	}
	return glossary.Plan(*p)
}

func (v *fundView) detailKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, fundKeys.Back):
		v.page = pageMerchants
	case key.Matches(msg, listKeys.Down):
		v.detailScroll++
	case key.Matches(msg, listKeys.Up):
		v.detailScroll--
	case key.Matches(msg, listKeys.Top):
		v.detailScroll = 0
	}
	v.detailScroll = min(max(v.detailScroll, 0), v.detailMaxScroll())
	return nil
}
