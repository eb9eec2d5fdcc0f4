package tui

import (
	"context"
	"database/sql"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/jmoiron/sqlx"

	"warroom/compensation"
	"warroom/glossary"
)

// The fund view's claims page: the pipeline (claims and amounts by state
// and plan, the in-kind plan apart from cash) and the projection (open
// claims against what the fund has left, with the pro-rata figure when
// they do not fit). Both are aggregates over every claim, so they are read
// when the page opens, and again while it is open when a reload says
// claims moved, not with every snapshot.

// openClaims shows the claims page and reads it.
func (v *fundView) openClaims() tea.Cmd {
	v.page = pageClaims
	v.stale &^= stalePipeline
	return tea.Batch(v.fetchClaims(), v.startPoll())
}

func (v *fundView) fetchClaims() tea.Cmd {
	v.claimsSeq++
	v.claimsLoading = true
	return requestRead(claimsQuery{seq: v.claimsSeq, inc: v.incID})
}

func (v *fundView) gotClaims(a claimsMsg) tea.Cmd {
	if a.seq != v.claimsSeq {
		return nil
	}
	v.claimsLoading = false
	if a.err != nil {
		v.claimsErr = a.err
		return nil
	}
	v.pipeline, v.projection, v.claimsErr = a.stages, &a.proj, nil
	return nil
}

// readClaims reads pipeline and projection in one read-only snapshot, so
// their totals agree.
func readClaims(ctx context.Context, conn *sqlx.DB, inc int64) ([]compensation.Stage, compensation.Projection, error) {
	if conn == nil {
		return nil, compensation.Projection{}, errNoConnection
	}
	tx, err := conn.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, compensation.Projection{}, err
	}
	defer tx.Rollback()
	stages, err := compensation.Pipeline(ctx, tx, inc)
	if err != nil {
		return nil, compensation.Projection{}, err
	}
	proj, err := compensation.Project(ctx, tx, inc)
	return stages, proj, err
}

func (v *fundView) claimsKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, fundKeys.Back):
		v.page = pageOverview
	case key.Matches(msg, fundKeys.Merchants):
		return v.openMerchants()
	case key.Matches(msg, listKeys.Down):
		v.claimsScroll++
	case key.Matches(msg, listKeys.Up):
		v.claimsScroll--
	case key.Matches(msg, listKeys.Top):
		v.claimsScroll = 0
	case key.Matches(msg, listKeys.Bottom):
		v.claimsScroll = v.claimsMaxScroll()
	}
	v.claimsScroll = min(max(v.claimsScroll, 0), v.claimsMaxScroll())
	return nil
}

// Pipeline columns.
const (
	pStateW  = 13
	pPlanW   = 7
	pClaimsW = 9
	pMoneyW  = 17 // a million claims can owe more than the fund's 14 digits
)

func (v *fundView) renderClaims() []string {
	w := v.width
	st := v.st
	cur := ""
	if v.fund != nil {
		cur = ", amounts in " + v.fund.Currency
	}
	out := []string{titleWithHint(st, "Claims pipeline"+cur, "m merchants · esc back", w)}
	switch {
	case v.claimsErr != nil:
		return append(out, st.Bad.Render(fit("  Could not read the claims: "+SanitizeLine(v.claimsErr.Error()), w)))
	case v.projection == nil:
		return append(out, st.Muted.Render(fit("  Loading…", w)))
	}
	lines := v.claimsLines()
	scroll := min(max(v.claimsScroll, 0), max(len(lines)-(v.height-len(out)), 0))
	if scroll > 0 {
		out[0] = titleWithHint(st, "Claims pipeline"+cur+" (scrolled, k up)", "m merchants · esc back", w)
	}
	return append(out, lines[scroll:]...)
}

// claimsMaxScroll is how far the claims page scrolls: 0 when it fits.
func (v *fundView) claimsMaxScroll() int {
	if v.claimsErr != nil || v.projection == nil {
		return 0
	}
	return max(len(v.claimsLines())-(v.height-1), 0)
}

// claimsLines is the claims page below its title.
func (v *fundView) claimsLines() []string {
	w := v.width
	st := v.st
	row := func(state, plan, claims, amount, paid string, style lipgloss.Style) string {
		return style.Render("  " + fit(state, pStateW) + " " + fit(plan, pPlanW) + " " + fitRight(claims, pClaimsW) +
			" " + fitRight(amount, pMoneyW) + " " + fitRight(paid, pMoneyW))
	}
	var lines []string
	lines = append(lines, row("STATE", "PLAN", "CLAIMS", "AMOUNT", "PAID", st.Muted))
	var all, cash, inkind, none compensation.Stage
	for _, s := range v.pipeline {
		amount := compensation.FormatFen(s.AmountFen)
		if s.State == "awaiting_rate" {
			amount = "rate not set"
		}
		paid := ""
		if s.PaidFen != 0 {
			paid = compensation.FormatFen(s.PaidFen)
		}
		lines = append(lines, row(stateText(&s.State), planText(&s.Plan), groupInt(s.Claims), amount, paid, v.stateStyle(stateText(&s.State))))
		add := func(t *compensation.Stage) { t.Claims += s.Claims; t.AmountFen += s.AmountFen; t.PaidFen += s.PaidFen }
		add(&all)
		switch s.Plan {
		case compensation.PlanCash:
			add(&cash)
		case compensation.PlanTraffic:
			add(&inkind)
		default:
			add(&none)
		}
	}
	if len(v.pipeline) == 0 {
		lines = append(lines, st.Muted.Render("  No claims yet (claims compute makes them)."))
	}
	lines = append(lines, row("all", "", groupInt(all.Claims), compensation.FormatFen(all.AmountFen), compensation.FormatFen(all.PaidFen), st.Bold))
	each := ""
	if v.fund != nil {
		each = ", internal value " + compensation.FormatFen(v.fund.InKindValueFen) + " each"
	}
	lines = append(lines,
		st.Muted.Render("  "+glossary.Plan(compensation.PlanCash)+" ")+groupInt(cash.Claims)+st.Muted.Render(" claims ")+compensation.FormatFen(cash.AmountFen)+
			st.Muted.Render(" · no plan yet ")+groupInt(none.Claims)+st.Muted.Render(" claims ")+compensation.FormatFen(none.AmountFen),
		st.Muted.Render("  "+glossary.Plan(compensation.PlanTraffic)+" ")+groupInt(inkind.Claims)+st.Muted.Render(" claims ")+compensation.FormatFen(inkind.AmountFen)+
			st.Muted.Render(each))

	p := v.projection
	label := func(l string) string { return st.Muted.Render(fit("  "+l, 15)) }
	lines = append(lines, "", st.Section.Render(fit("Projection: open claims against the fund", w)),
		label("Available")+st.Bold.Render(compensation.FormatFen(p.AvailableFen))+st.Muted.Render("  pledged less committed and paid"),
		label("Open claims")+groupInt(p.OpenClaims)+st.Muted.Render(": "+glossary.Plan(compensation.PlanCash)+" ")+compensation.FormatFen(p.OpenCashFen)+
			st.Muted.Render(" + "+glossary.Plan(compensation.PlanTraffic)+" ")+compensation.FormatFen(p.OpenInKindFen)+st.Muted.Render(" = ")+st.Bold.Render(compensation.FormatFen(p.OpenFen)))
	if p.ShortfallFen > 0 {
		lines = append(lines,
			label("Shortfall")+st.Bad.Bold(true).Render(compensation.FormatFen(p.ShortfallFen)),
			label("Pro rata")+st.Warn.Render("open claims paid "+compensation.TrimDecimal(p.ProRataPercent)+"%")+
				st.Muted.Render(", ")+compensation.FormatFen(p.ProRataPaysFen)+st.Muted.Render(" in all"),
			st.Muted.Render(fit("", 15)+"(approved and paid claims in full; each open claim rounded down)"))
	} else {
		lines = append(lines, label("Covered")+st.Good.Render(compensation.FormatFen(p.AvailableFen-p.OpenFen))+
			st.Muted.Render(" left after every open claim"))
	}
	if p.AwaitingRate > 0 {
		lines = append(lines, label("Not counted")+st.Warn.Render(groupInt(p.AwaitingRate)+" claims await a margin rate")+
			st.Muted.Render(" (not in the total)"))
	}
	return append(append(lines, ""), v.inKindLines(w)...) // fund_forms.go
}

// titleWithHint is a section title with the sub-page keys right-aligned on
// the same line, or the title alone when both do not fit.
func titleWithHint(st *Styles, title, hint string, w int) string {
	tw, hw := lipgloss.Width(title), lipgloss.Width(hint)
	if tw+2+hw > w {
		return st.Section.Render(fit(title, w))
	}
	return st.Section.Render(title) + fitRight(st.Muted.Render(hint), w-tw)
}
