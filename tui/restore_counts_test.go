package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"warroom/db"
	"warroom/recovery"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// restoreOn is the Restore view on the demo incident with its counts read.
func restoreOn(t *testing.T, w, h int) *restoreView {
	t.Helper()
	return restoreOnDB(t, demoDB(t), w, h)
}

func restoreOnDB(t *testing.T, conn *sqlx.DB, w, h int) *restoreView {
	t.Helper()
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
				"9,344,781 of 9,344,781", "snapshot 7, the latest of 7", "Restored over time"} {
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

// An open counts page reads again when the root says data changed (a feed
// delivery, ctrl+r): a snapshot imported elsewhere shows with no key
// pressed. A closed page reads nothing until it opens; changes that
// arrive while a read is on its way cost one more read, not one each.
func TestCountsPageFollowsNewSnapshots(t *testing.T) {
	ctx := context.Background()
	conn := demoDB(t)
	v := restoreOnDB(t, conn, 120, 38)
	if cmd := v.Refresh(); cmd != nil {
		t.Fatal("a closed counts page asked for a read")
	}
	v.Update(press("c"))
	v.Receive(v.refreshCounts()().(readRequestMsg).q.run(ctx, conn, ""))
	if out := ansi.Strip(v.Render()); !strings.Contains(out, "3,000 of 3,000") {
		t.Fatalf("before the import:\n%s", out)
	}

	var res recovery.CountsImport
	if err := db.InTx(ctx, conn, func(tx *sqlx.Tx) (err error) {
		res, err = recovery.ImportCounts(ctx, tx, v.incID, "late.csv",
			strings.NewReader("merchant_id,domain,expected,restored\nM000001,orders,100,40\n"), time.UTC, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	cmd := v.Refresh()
	if cmd == nil {
		t.Fatal("the open counts page did not read again")
	}
	req := cmd().(readRequestMsg)
	for range 2 { // two more deliveries while the read is on its way
		if v.Refresh() != nil {
			t.Fatal("a second read started while one was on its way")
		}
	}
	again := v.Receive(req.q.run(ctx, conn, ""))
	if again == nil {
		t.Fatal("changes that came during the read were not read")
	}
	if again = v.Receive(again().(readRequestMsg).q.run(ctx, conn, "")); again != nil {
		t.Fatal("a third read with nothing new")
	}
	out := ansi.Strip(v.Render())
	for _, want := range []string{"2,999 of 3,000", fmt.Sprintf("snapshot %d, the latest of 8", res.Snapshot), "late.csv"} {
		if !strings.Contains(out, want) {
			t.Errorf("after the import: missing %q\n%s", want, out)
		}
	}
}

// From restoreFooterRoom on, the footer names the counts page and still
// ends with every global key; narrower, it keeps room for ? and leaves c
// to the help screen.
func TestRestoreFooterNamesCounts(t *testing.T) {
	for _, w := range []int{restoreFooterRoom, 100} {
		m := newTestModel(t, demoDB(t), w, 30)
		m = step(t, m, press("2"))
		foot := ansi.Strip(m.help.short(m.focus(), w))
		if got := strings.Contains(foot, "c data counts"); got != (w >= restoreFooterRoom) {
			t.Errorf("%d columns: c named %v:\n%s", w, got, foot)
		}
		if !strings.Contains(foot, "? help") || (w >= restoreFooterRoom && !strings.Contains(foot, "1-6 views")) {
			t.Errorf("%d columns: the footer is cut:\n%s", w, foot)
		}
	}
}
