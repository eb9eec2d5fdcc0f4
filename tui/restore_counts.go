package tui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/NimbleMarkets/ntcharts/v2/linechart/timeserieslinechart"
	"github.com/jmoiron/sqlx"

	"warroom/glossary"
	"warroom/recovery"
)

// The Restore view's data counts (`c`): a bar per data domain from the
// latest restore counts snapshot, the merchants with all their data back,
// and the curve of restoration over every snapshot. The view reads them
// itself (read.go) when the page opens and again on every change while it
// is open: a handful of rows (restore_totals), whatever the number of
// merchants.

var rsCountsKeys = struct{ Toggle, Back key.Binding }{
	Toggle: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "data counts")),
	Back:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to milestones")),
}

// rsCountsDomainW is the domain column; rsCountsFigW the "restored of
// expected" column.
const (
	rsCountsDomainW = 12
	rsCountsFigW    = 25
)

// restoreCountsQuery reads the latest totals and the curve.
type restoreCountsQuery struct {
	gen int
	inc int64
}

type restoreCountsMsg struct {
	gen   int
	st    recovery.RestoreStatus
	curve []recovery.CurvePoint
	err   error
}

func (restoreCountsMsg) forViews() {}

func (q restoreCountsQuery) run(ctx context.Context, conn *sqlx.DB, _ string) tea.Msg {
	if conn == nil {
		return restoreCountsMsg{gen: q.gen, err: errNoConnection}
	}
	st, err := recovery.Status(ctx, conn, q.inc)
	if err != nil {
		return restoreCountsMsg{gen: q.gen, err: err}
	}
	curve, err := recovery.Curve(ctx, conn, q.inc)
	return restoreCountsMsg{gen: q.gen, st: st, curve: curve, err: err}
}

// rsCounts is what the view holds of the counts.
type rsCounts struct {
	gen    int
	loaded bool
	show   bool
	// reading: a read is on its way; stale: data changed since it left,
	// so it is read again when it answers (a busy feed costs one read at
	// a time, not one per delivery).
	reading, stale bool
	st             recovery.RestoreStatus
	curve          []recovery.CurvePoint
	err            error
	// the chart, drawn once per data and size
	chart          string
	chartW, chartH int
}

var _ sideView = (*restoreView)(nil)

// refreshCounts reads the counts: when the page opens, and again while it
// is open whenever data may have changed (Refresh).
func (v *restoreView) refreshCounts() tea.Cmd {
	if v.incID == 0 {
		return nil
	}
	v.rc.gen++
	v.rc.reading, v.rc.stale = true, false
	return requestRead(restoreCountsQuery{gen: v.rc.gen, inc: v.incID})
}

// Refresh is the root saying data may have changed (a feed delivery, a
// load, ctrl+r): an open counts page reads again, so a snapshot imported
// anywhere shows without a key. A closed one reads when it opens.
func (v *restoreView) Refresh() tea.Cmd {
	switch {
	case !v.rc.show:
		return nil
	case v.rc.reading:
		v.rc.stale = true
		return nil
	}
	return v.refreshCounts()
}

func (v *restoreView) gotCounts(m restoreCountsMsg) tea.Cmd {
	if m.gen != v.rc.gen {
		return nil
	}
	v.drop()
	v.rc.reading = false
	v.rc.loaded, v.rc.err = true, m.err
	if m.err == nil {
		v.rc.st, v.rc.curve, v.rc.chart = m.st, m.curve, ""
	}
	if v.rc.stale && v.rc.show {
		return v.refreshCounts()
	}
	return nil
}

// countsKey handles a key while the counts are on screen.
func (v *restoreView) countsKey(msg tea.KeyPressMsg) {
	if key.Matches(msg, rsCountsKeys.Toggle, rsCountsKeys.Back) {
		v.rc.show = false
	}
}

// renderCounts draws the counts page: w x h.
func (v *restoreView) renderCounts() string {
	st, w, h := v.st, v.width, v.height
	rc := &v.rc
	lines := make([]string, 0, h)
	switch {
	case rc.err != nil:
		lines = append(lines, st.Bad.Render(fit(" Could not read the restore counts: "+SanitizeLine(rc.err.Error()), w)))
		return strings.Join(padLines(lines, h, w), "\n")
	case !rc.loaded:
		lines = append(lines, st.Muted.Render(fit(" Loading…", w)))
		return strings.Join(padLines(lines, h, w), "\n")
	case rc.st.Snapshot == nil:
		lines = append(lines, st.Muted.Render(fit(" No restore counts yet: warroom restore counts import FILE.csv", w)))
		return strings.Join(padLines(lines, h, w), "\n")
	}
	s := rc.st.Snapshot
	lines = append(lines,
		fit(" "+st.Section.Render("Data restored")+"  merchants with all their data back: "+
			st.Bold.Render(glossary.Count(s.MerchantsComplete))+" of "+glossary.Count(s.Merchants), w),
		st.Muted.Render(fit(" as of "+shortWhen(s.TakenAt.In(v.loc), v.started.In(v.loc))+" · snapshot "+
			strconv.FormatInt(s.ID, 10)+", the latest of "+strconv.Itoa(len(rc.curve))+" · "+SanitizeLine(s.File), w)),
		fit("", w))
	barW := max(min(w-2-rsCountsDomainW-1-5-1-rsCountsFigW-10, 40), 10)
	var e, r int64
	for _, d := range rc.st.Domains {
		e, r = e+d.Expected, r+d.Restored
		full, empty := progressBar(d.Percent(), barW)
		short := ""
		if d.Short > 0 {
			short = st.Warn.Render(" " + glossary.Count(d.Short) + " short")
		}
		lines = append(lines, fit(" "+fit(SanitizeLine(d.Domain), rsCountsDomainW)+" "+st.Good.Render(full)+st.Muted.Render(empty)+
			" "+st.Bold.Render(fitRight(strconv.Itoa(d.Percent())+"%", 4))+" "+
			st.Muted.Render(fit(glossary.Count(d.Restored)+" of "+glossary.Count(d.Expected), rsCountsFigW))+short, w))
	}
	full, empty := progressBar(recovery.Percent(r, e), barW)
	lines = append(lines, fit(" "+fit("all", rsCountsDomainW)+" "+st.Good.Render(full)+st.Muted.Render(empty)+
		" "+st.Bold.Render(fitRight(strconv.Itoa(recovery.Percent(r, e))+"%", 4))+" "+
		st.Muted.Render(glossary.Count(r)+" of "+glossary.Count(e)), w), fit("", w))
	if ch := h - len(lines) - 1; ch >= minChartHeight && len(rc.curve) > 1 {
		if rc.chart == "" || rc.chartW != w-2 || rc.chartH != ch {
			rc.chart, rc.chartW, rc.chartH = restoreChart(v.st, rc.curve, v.loc, w-2, ch), w-2, ch
		}
		lines = append(lines, st.Section.Render(fit(" Restored over time, all domains (%)", w)))
		for _, l := range strings.Split(rc.chart, "\n") {
			lines = append(lines, fit(" "+l, w))
		}
	}
	return strings.Join(padLines(lines, h, w), "\n")
}

// restoreChart is the share of all expected data restored at each
// snapshot, 0-100%, over time.
func restoreChart(st *Styles, curve []recovery.CurvePoint, loc *time.Location, w, h int) string {
	if len(curve) < 2 || w < 20 || h < minChartHeight {
		return ""
	}
	yStep := (h - 2) / 4
	h = 4*yStep + 2
	first, last := curve[0].At, curve[len(curve)-1].At
	if !last.After(first) {
		return ""
	}
	layout, xStep := axisDateLayout(first.In(loc), last.In(loc))
	c := timeserieslinechart.New(w, h,
		timeserieslinechart.WithXLabelFormatter(func(_ int, v float64) string {
			return time.Unix(int64(v), 0).In(loc).Format(layout)
		}),
		timeserieslinechart.WithYLabelFormatter(func(_ int, v float64) string {
			return strconv.Itoa(int(v+0.5)) + "%"
		}),
		timeserieslinechart.WithXYSteps(xStep, yStep),
		timeserieslinechart.WithTimeRange(first, last),
		timeserieslinechart.WithYRange(0, 100),
		timeserieslinechart.WithAxesStyles(st.Muted, st.Muted),
		timeserieslinechart.WithStyle(st.Good),
	)
	for _, p := range curve {
		e, r := p.Sums()
		// A chart coordinate only; the figures above are integers.
		c.Push(timeserieslinechart.TimePoint{Time: p.At, Value: float64(recovery.Percent(r, e))})
	}
	c.DrawBraille()
	return strings.TrimRight(c.View(), "\n")
}
