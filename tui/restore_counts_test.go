package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// restoreOn is the Restore view on the demo incident with its counts read.
func restoreOn(t *testing.T, w, h int) *restoreView {
	t.Helper()
	conn := demoDB(t)
	snap, err := LoadSnapshot(context.Background(), conn, "")
	if err != nil {
		t.Fatal(err)
	}
	st := newStyles(DefaultTheme())
	v := newRestoreView(&st)
	v.SetSize(w, h)
	v.SetData(snap)
	req, ok := v.refreshCounts()().(readRequestMsg)
	if !ok {
		t.Fatal("the counts page asked for no read")
	}
	v.Receive(req.q.run(context.Background(), conn, ""))
	return v
}

// TestGoldenRestoreCounts pins the data counts page on the demo incident:
// a bar per domain, the merchants with all their data back and the curve.
func TestGoldenRestoreCounts(t *testing.T) {
	for _, size := range [][2]int{{120, 38}, {80, 22}} {
		w, h := size[0], size[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			v := restoreOn(t, w, h)
			if strings.Contains(ansi.Strip(v.Render()), "Data restored") {
				t.Fatal("counts shown before c")
			}
			v.Update(press("c"))
			out := ansi.Strip(v.Render())
			checkBlock(t, out, w, h)
			for _, want := range []string{"merchants with all their data back: 3,000 of 3,000", "orders", "pages", "100%",
				"9,344,781 of 9,344,781", "snapshot 7 of 7", "Restored over time"} {
				if !strings.Contains(out, want) {
					t.Errorf("missing %q\n%s", want, out)
				}
			}
			golden.RequireEqual(t, []byte(out))
			v.Update(press("esc"))
			if out := ansi.Strip(v.Render()); !strings.Contains(out, "MILESTONE") {
				t.Fatalf("esc did not go back to the milestones:\n%s", out)
			}
		})
	}
}

// The demo's data-retrieval milestone is counted from its five domains.
func TestRestoreMilestoneCountedOnDemo(t *testing.T) {
	v := restoreOn(t, 120, 38)
	for _, r := range v.list.rows {
		if r.m.Key == "data-retrieval" {
			if len(r.m.Domains) != 5 || r.m.Progress != 100 {
				t.Fatalf("data-retrieval: domains %v, progress %d", r.m.Domains, r.m.Progress)
			}
			return
		}
	}
	t.Fatal("no data-retrieval milestone")
}

// The merchant statement shows the merchant's data per domain.
func TestMerchantStatementShowsRestore(t *testing.T) {
	conn := demoDB(t)
	v, _ := fundOn(t, conn, "", 100, 40)
	keyDrain(t, v, "m", "enter")
	out := ansi.Strip(v.Render())
	checkBlock(t, out, 100, 40)
	for _, want := range []string{"Data restored", "orders", "members", "back", "as of 03-03 09:00"} {
		if !strings.Contains(out, want) {
			t.Errorf("statement: missing %q\n%s", want, out)
		}
	}
}
