package tui

import (
	"context"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"warroom/compensation"
	"warroom/db/dbtest"
	"warroom/demo"
)

func newTestFund(w, h int) *fundView {
	st := newStyles(DefaultTheme())
	v := newFundView(&st).(*fundView)
	v.SetSize(w, h)
	v.SetData(accFundSnapshot())
	return v
}

func checkBlock(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw != w {
			t.Errorf("%dx%d: line %d is %d wide: %q", w, h, i, lw, ansi.Strip(l))
		}
	}
}

func TestFundRendersFiguresTableAndChart(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		v := newTestFund(size[0], size[1])
		out := v.Render()
		dumpView(t, out)
		checkBlock(t, out, size[0], size[1])
		plain := ansi.Strip(out)
		for _, want := range []string{"CNY", "150,000,000.00", "120,000,000.00", "10,000,000.00",
			"30,000,000.00", "110,000,000.00", "孙涛勇", "28.5%", "100.0%", "Drawdown", "150M", "04-"} {
			if !strings.Contains(plain, want) {
				t.Errorf("%dx%d: missing %q", size[0], size[1], want)
			}
		}
	}
}

func TestFundCJKColumnsAlign(t *testing.T) {
	v := newTestFund(100, 40)
	lines := strings.Split(v.Render(), "\n")
	a := columnAfter(lines, "Sun Taoyong", "chairman")
	b := columnAfter(lines, "the company", "-")
	c := columnAfter(lines, "Huang Junwei", "executive")
	if a < 0 || a != b || a != c {
		t.Fatalf("role column: %d %d %d", a, b, c)
	}
	// Right-aligned money ends in the same column too.
	d := columnAfter(lines, "Sun Taoyong", "28.5%")
	e := columnAfter(lines, "Huang Junwei", "100.0%")
	if d < 0 || d+len("28.5%") != e+len("100.0%") {
		t.Fatalf("percent column: %d vs %d", d, e)
	}
}

func TestFundNoFund(t *testing.T) {
	st := newStyles(DefaultTheme())
	v := newFundView(&st)
	v.SetSize(80, 20)
	s := accFundSnapshot()
	s.Fund, s.Drawdown = nil, nil
	v.SetData(s)
	out := v.Render()
	checkBlock(t, out, 80, 20)
	if !strings.Contains(out, "No compensation fund for this incident.") {
		t.Fatalf("no note:\n%s", ansi.Strip(out))
	}
}

func TestFundHidesChartWhenShort(t *testing.T) {
	v := newTestFund(80, 16)
	out := v.Render()
	checkBlock(t, out, 80, 16)
	plain := ansi.Strip(out)
	if !strings.Contains(plain, "chart hidden") || strings.Contains(plain, "150M") {
		t.Fatalf("chart not hidden:\n%s", plain)
	}
	if v.charts != 0 {
		t.Fatal("built a chart that is not shown")
	}
}

func TestFundTinyWindowScrollsContributors(t *testing.T) {
	v := newTestFund(60, 11)
	out := v.Render()
	checkBlock(t, out, 60, 11)
	for range 4 {
		v.Update(press("j"))
	}
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, "You Fengchun") {
		t.Fatalf("cursor on the last contributor but it is not shown:\n%s", plain)
	}
}

func TestFundFilter(t *testing.T) {
	v := newTestFund(100, 40)
	v.Update(press("/"))
	for _, r := range "桐" {
		v.Update(press(string(r)))
	}
	plain := ansi.Strip(v.Render())
	if !strings.Contains(plain, "Fang Tongshu") || strings.Contains(plain, "Sun Taoyong") {
		t.Fatalf("filter:\n%s", plain)
	}
	if !strings.Contains(plain, "Contributors (1 of 5)") {
		t.Errorf("count not narrowed")
	}
	v.Update(press("esc"))
	if !strings.Contains(ansi.Strip(v.Render()), "Sun Taoyong") {
		t.Fatal("esc did not clear")
	}
}

func TestFundCache(t *testing.T) {
	v := newTestFund(100, 40)
	a := v.Render()
	v.Render()
	if v.renders != 1 || v.charts != 1 {
		t.Fatalf("renders=%d charts=%d", v.renders, v.charts)
	}
	v.Update(press("j"))
	b := v.Render()
	if v.renders != 2 || a == b {
		t.Fatal("cursor move did not redraw")
	}
	if v.charts != 1 {
		t.Fatal("cursor move rebuilt the chart")
	}
	v.SetSize(110, 40)
	v.Render()
	if v.renders != 3 || v.charts != 2 {
		t.Fatalf("resize: renders=%d charts=%d", v.renders, v.charts)
	}
	v.SetData(accFundSnapshot())
	v.Render()
	if v.renders != 4 || v.charts != 2 {
		t.Fatalf("same payouts reloaded: renders=%d charts=%d", v.renders, v.charts)
	}
	s := accFundSnapshot()
	s.Drawdown = s.Drawdown[:10]
	v.SetData(s)
	v.Render()
	if v.renders != 5 || v.charts != 3 {
		t.Fatalf("new payouts: renders=%d charts=%d", v.renders, v.charts)
	}
}

func TestFundSanitises(t *testing.T) {
	s := accFundSnapshot()
	s.Fund.Contributors[1].Name = "Sun\x1b]0;pwned\x07 Taoyong\x1b[2J"
	s.Fund.Currency = "CNY\x1b[5m"
	st := newStyles(DefaultTheme())
	v := newFundView(&st)
	v.SetSize(100, 30)
	v.SetData(s)
	out := v.Render()
	if strings.Contains(out, "pwned") || strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b[5m") {
		t.Fatalf("escape sequences reached the screen: %q", out)
	}
}

func TestFundNoPayouts(t *testing.T) {
	st := newStyles(DefaultTheme())
	v := newFundView(&st)
	v.SetSize(80, 24)
	s := accFundSnapshot()
	s.Drawdown = nil
	v.SetData(s)
	if !strings.Contains(ansi.Strip(v.Render()), "No payouts yet") {
		t.Fatal("no note for an empty drawdown")
	}
}

func TestFundPercent(t *testing.T) {
	for _, c := range []struct {
		part, whole int64
		want        string
	}{{1, 3, "33.3%"}, {0, 0, "-"}, {150, 150, "100.0%"}, {-5, 100, "-5.0%"}, {1_000_000_000, 3_500_000_000, "28.5%"}} {
		if got := fundPercent(c.part, c.whole); got != c.want {
			t.Errorf("fundPercent(%d,%d) = %q, want %q", c.part, c.whole, got, c.want)
		}
	}
}

func TestCompactYuan(t *testing.T) {
	for v, want := range map[float64]string{150e6: "150M", 92.5e6: "92.5M", 0: "0", 1.5e9: "1.5B", 2500: "2.5K", -3e6: "-3M"} {
		if got := compactYuan(v); got != want {
			t.Errorf("compactYuan(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestDrawdownSinglePoint(t *testing.T) {
	st := newStyles(DefaultTheme())
	s := accFundSnapshot()
	out := drawdownChart(&st, []compensation.DrawdownPoint{s.Drawdown[0]}, s.Fund.PledgedFen, s.Incident.Location(), 60, 8)
	if n := len(strings.Split(out, "\n")); out == "" || n < minChartHeight || n > 8 || !strings.Contains(ansi.Strip(out), "150M") {
		t.Fatalf("single point chart:\n%s", out)
	}
}

// TestAccountabilityAndFundOnDemoData renders both views from the reference
// incident as the console loads it, at the smallest and a common size.
func TestAccountabilityAndFundOnDemoData(t *testing.T) {
	ctx := context.Background()
	conn := dbtest.New(t)
	if _, err := demo.Load(ctx, conn); err != nil {
		t.Fatal(err)
	}
	snap, err := LoadSnapshot(ctx, conn, "")
	if err != nil {
		t.Fatal(err)
	}
	st := newStyles(DefaultTheme())
	for _, size := range [][2]int{{80, 20}, {120, 36}} {
		w, h := size[0], size[1]
		acc := newAccountabilityView(&st, nil)
		acc.SetSize(w, h)
		acc.SetData(snap)
		out := acc.Render()
		dumpView(t, out)
		checkBlock(t, out, w, h)
		lines := strings.Split(out, "\n")
		if a, b := columnAfter(lines, "Sun Taoyong", "chairman"), columnAfter(lines, "Huang Junwei", "executive"); a < 0 || a != b {
			t.Errorf("%dx%d accountability: title column %d vs %d", w, h, a, b)
		}
		if !strings.Contains(ansi.Strip(out), "35,000,000.00") {
			t.Errorf("%dx%d accountability: no pledge", w, h)
		}

		fund := newFundView(&st)
		fund.SetSize(w, h)
		fund.SetData(snap)
		out = fund.Render()
		dumpView(t, out)
		checkBlock(t, out, w, h)
		plain := ansi.Strip(out)
		for _, want := range []string{"CNY", "150,000,000.00", "孙涛勇", "Drawdown", "150M"} {
			if !strings.Contains(plain, want) {
				t.Errorf("%dx%d fund: missing %q", w, h, want)
			}
		}
		lines = strings.Split(out, "\n")
		if a, b := columnAfter(lines, "Sun Taoyong", "chairman"), columnAfter(lines, "The company", "company"); a < 0 || a != b {
			t.Errorf("%dx%d fund: role column %d vs %d", w, h, a, b)
		}
	}
}

func TestViewsAnySize(t *testing.T) {
	st := newStyles(DefaultTheme())
	for _, w := range []int{1, 10, 30, 79, 200} {
		for _, h := range []int{1, 2, 5, 9, 13, 23, 60} {
			for _, v := range []view{newAccountabilityView(&st, nil), newFundView(&st)} {
				v.SetSize(w, h)
				v.SetData(accFundSnapshot())
				for _, k := range []string{"j", "G", "/", "a", "enter", "k", "g"} {
					v.Update(press(k))
					out := v.Render()
					if n := len(strings.Split(out, "\n")); n != h {
						t.Fatalf("%s %dx%d after %q: %d lines", v.Name(), w, h, k, n)
					}
					for i, l := range strings.Split(out, "\n") {
						if lw := lipgloss.Width(l); lw != w {
							t.Fatalf("%s %dx%d after %q: line %d is %d wide", v.Name(), w, h, k, i, lw)
						}
					}
				}
			}
		}
	}
}
