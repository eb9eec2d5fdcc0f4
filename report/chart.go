package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The charts are drawn by gonum.org/v1/plot and written as SVG by its
// vgsvg canvas (fonts not embedded: the page's CSS gives the font stack).
// vgsvg escapes every text it writes (html.EscapeString), so milestone
// keys from the database reach the SVG as text, never as markup. Positions
// are floats, which is fine for drawing: no amount is computed here, the
// figures printed beside a chart come from the integer fen.

var (
	plannedColor = color.RGBA{R: 0xb8, G: 0xc7, B: 0xdc, A: 0xff}
	actualColor  = color.RGBA{R: 0x1f, G: 0x4e, B: 0x8c, A: 0xff}
	lineColor    = color.RGBA{R: 0xb0, G: 0x2a, B: 0x2a, A: 0xff}
)

// ganttSVG draws each milestone's planned span (light, upper) and actual
// span (dark, lower) on one time axis in the incident's zone. A milestone
// still running has its actual bar end at the report's time.
func ganttSVG(r *Report) (template.HTML, error) {
	p := plot.New()
	p.X.Tick.Marker = timeTicks(r.Loc, "01-02")
	p.Add(plotter.NewGrid())
	g := gantt{}
	names := make([]string, len(r.Milestones))
	n := len(r.Milestones)
	for i, m := range r.Milestones {
		y := float64(n - 1 - i) // first milestone on top
		names[n-1-i] = m.Key
		if m.PlannedStart != nil && m.PlannedEnd != nil {
			g.bars = append(g.bars, bar{y: y + 0.17, from: unix(*m.PlannedStart), to: unix(*m.PlannedEnd), c: plannedColor})
		}
		if m.ActualStart != nil {
			end := r.Made
			if m.ActualEnd != nil {
				end = *m.ActualEnd
			}
			g.bars = append(g.bars, bar{y: y - 0.17, from: unix(*m.ActualStart), to: unix(end), c: actualColor})
		}
	}
	p.Add(g)
	xmin, xmax, _, _ := g.DataRange()
	pad := (xmax - xmin) / 40 // room between the axis labels and the first bar
	p.X.Min, p.X.Max = xmin-pad, xmax+pad
	p.NominalY(names...)
	p.Y.Padding = 0
	return svg(p, 17*vg.Centimeter, vg.Length(1.6+0.9*float64(n))*vg.Centimeter)
}

type bar struct {
	y, from, to float64
	c           color.Color
}

// gantt is a plot.Plotter of horizontal bars between two x values.
type gantt struct{ bars []bar }

func (g gantt) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	const half = 0.15 // of a row
	for _, b := range g.bars {
		y0, y1 := ty(b.y-half), ty(b.y+half)
		x0, x1 := tx(b.from), tx(b.to)
		if x1-x0 < 1 {
			x1 = x0 + 1 // a span of minutes stays visible
		}
		c.FillPolygon(b.c, c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}))
	}
}

func (g gantt) DataRange() (xmin, xmax, ymin, ymax float64) {
	if len(g.bars) == 0 {
		return 0, 1, 0, 1
	}
	xmin, xmax, ymin, ymax = g.bars[0].from, g.bars[0].to, g.bars[0].y, g.bars[0].y
	for _, b := range g.bars {
		xmin, xmax = min(xmin, b.from), max(xmax, b.to)
		ymin, ymax = min(ymin, b.y), max(ymax, b.y)
	}
	return xmin, xmax, ymin - 0.5, ymax + 0.5
}

// drawdownSVG draws what is left of the pledged total after each day of
// payouts, as steps from the pledged total, in millions.
func drawdownSVG(r *Report) (template.HTML, error) {
	p := plot.New()
	p.X.Tick.Marker = timeTicks(r.Loc, "01-02")
	p.Y.Label.Text = fmt.Sprintf(r.Words.Millions, r.Fund.Currency)
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	pts := make(plotter.XYs, 0, len(r.Drawdown)+1)
	first := r.Drawdown[0].Day
	pts = append(pts, plotter.XY{X: unix(first.Add(-24 * time.Hour)), Y: millions(r.Fund.PledgedFen)})
	for _, d := range r.Drawdown {
		pts = append(pts, plotter.XY{X: unix(d.Day), Y: millions(d.RemainingFen)})
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return "", err
	}
	line.StepStyle = plotter.PostStep
	line.Color = lineColor
	line.Width = vg.Points(1.5)
	p.Add(line)
	return svg(p, 17*vg.Centimeter, 7*vg.Centimeter)
}

func millions(fen int64) float64 { return float64(fen) / 100 / 1e6 }

func unix(t time.Time) float64 { return float64(t.Unix()) }

// timeTicks labels a time axis in the incident's zone.
func timeTicks(loc *time.Location, format string) plot.Ticker {
	return plot.TimeTicks{Format: format, Time: func(t float64) time.Time { return time.Unix(int64(t), 0).In(loc) }}
}

// svg renders p and returns the <svg> element alone (no XML prolog), with
// a viewBox so the page's CSS can scale it to the column.
func svg(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", err
	}
	s := b.String()
	i := strings.Index(s, "<svg")
	if i < 0 {
		return "", fmt.Errorf("chart: no <svg> element in the plot's output")
	}
	s = s[i:]
	s = strings.Replace(s, "<svg", fmt.Sprintf(`<svg viewBox="0 0 %g %g" role="img"`, w.Points(), h.Points()), 1)
	return template.HTML(s), nil
}
