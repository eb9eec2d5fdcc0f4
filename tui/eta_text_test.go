package tui

import (
	"testing"
	"time"

	"warroom/recovery"
)

// A blocked milestone and a projection past the horizon say so, not "too
// little" (history).
func TestETATextForBlockedAndNoEstimate(t *testing.T) {
	for _, tc := range []struct {
		reason, short string
	}{{recovery.ReasonBlocked, "blocked"}, {recovery.ReasonNoEstimate, "no estimate"}} {
		short, long := etaText(recovery.ETA{Reason: tc.reason}, time.UTC, time.Now())
		if short != tc.short || long == "" {
			t.Errorf("%s: short %q long %q, want short %q", tc.reason, short, long, tc.short)
		}
	}
}
