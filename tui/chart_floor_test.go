package tui

import "testing"

// The drawdown's Y axis zooms in on a large drop but not on a tiny one: a
// 0.4% drawdown must not look like the fund emptying.
func TestNiceFloorScalesWithTheDrop(t *testing.T) {
	const pledge = 150_000_000
	for _, c := range []struct {
		name     string
		lo       float64
		minFloor float64 // the floor is at least this
		maxFloor float64 // and at most this
	}{
		{"a third paid: zoomed to the drop", 105_000_000, 50_000_000, 105_000_000},
		{"0.4% paid: a quarter of the pledge at least", 149_400_000, 0, pledge * 3 / 4},
		{"nothing paid", pledge, 0, pledge * 3 / 4},
		{"nearly all paid: from 0", 2_000_000, 0, 0},
	} {
		f := niceFloor(c.lo, pledge)
		if f < c.minFloor || f > c.maxFloor || f > c.lo {
			t.Errorf("%s: floor %.0f for low %.0f, want %.0f-%.0f and at most the low", c.name, f, c.lo, c.minFloor, c.maxFloor)
		}
	}
}
