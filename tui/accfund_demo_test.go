package tui

import (
	"context"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"warroom/db/dbtest"
	"warroom/demo"
)

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
		acc := newAccountabilityView(&st)
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
