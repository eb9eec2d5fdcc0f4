package incident

import (
	"fmt"
	"strings"
	"time"
)

// Elapsed is the time since the incident started: up to now while it is
// open, up to its resolution once resolved.
func (i Incident) Elapsed(now time.Time) time.Duration {
	end := now
	if i.ResolvedAt != nil {
		end = *i.ResolvedAt
	}
	if end.Before(i.StartedAt) {
		return 0
	}
	return end.Sub(i.StartedAt)
}

// FormatDuration is FormatElapsed without its "T+": a length, not a time
// since the start ("8d 14h", "23h 59m", "45m").
func FormatDuration(d time.Duration) string { return strings.TrimPrefix(FormatElapsed(d), "T+") }

// FormatElapsed renders a duration the way the war room says it: "T+8d 14h",
// "T+3h 12m", "T+45m". Durations are absolute, so calendar quirks such as a
// 29 February are already counted.
func FormatElapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("T+%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("T+%dh %dm", hours, mins)
	default:
		return fmt.Sprintf("T+%dm", mins)
	}
}
