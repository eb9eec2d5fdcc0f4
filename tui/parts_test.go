package tui

import (
	"slices"
	"strings"
	"testing"
)

// drawn exposes a view's drawCache (every view embeds one).
func (c *drawCache) drawn() *drawCache { return c }

// TestPartsDecideWhoRedraws: a load of one part of the snapshot is handed
// only to the views whose Parts name it. The others keep their cached
// drawing (no new render); the ones that show it draw the change.
func TestPartsDecideWhoRedraws(t *testing.T) {
	m := newTestModel(t, demoDB(t), 120, 40)
	renders := func() []int {
		var n []int
		for _, v := range m.views {
			v.Render()
			n = append(n, v.(interface{ drawn() *drawCache }).drawn().renders)
		}
		return n
	}
	cases := []struct {
		name   string
		parts  part
		change func(s *Snapshot)
		mark   string
		view   string // must show the change, whatever its Parts say
	}{
		{"milestones", partMilestones, func(s *Snapshot) {
			s.Milestones = slices.Clone(s.Milestones)
			s.Milestones[0].Title = "Renamed-by-parts-test"
		}, "Renamed-by-parts-test", "Restore"},
		{"timeline", partTimeline, func(s *Snapshot) {
			s.Timeline = slices.Clone(s.Timeline)
			s.Timeline[0].Title = "Retitled-by-parts-test"
		}, "Retitled-by-parts-test", "Timeline"},
	}
	for _, c := range cases {
		before := renders()
		fresh := *m.snap
		c.change(&fresh)
		m = step(t, m, snapshotMsg{seq: m.seq, parts: c.parts, snap: &fresh})
		after := renders()
		for i, v := range m.views {
			shows := v.Parts()&c.parts != 0
			switch {
			case shows && after[i] != before[i]+1:
				t.Errorf("%s: %s shows the part but did not redraw (%d -> %d)", c.name, v.Name(), before[i], after[i])
			case !shows && after[i] != before[i]:
				t.Errorf("%s: %s does not show the part but redrew (%d -> %d)", c.name, v.Name(), before[i], after[i])
			}
			if (shows || v.Name() == c.view) && !strings.Contains(v.Render(), c.mark) {
				t.Errorf("%s: %s does not show the change", c.name, v.Name())
			}
		}
	}
}
