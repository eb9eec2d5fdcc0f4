package incident

import (
	"fmt"
	"strings"
	"time"
)

// ParseTime reads a time as people type it in a war room, in the
// incident's zone unless the text carries an offset: "now", RFC 3339,
// "2006-01-02 15:04", "2006-01-02T15:04", or a bare date "2006-01-02"
// (day precision). It returns the precision for timeline entries.
func ParseTime(s string, loc *time.Location, now time.Time) (t time.Time, precision string, err error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "now") {
		return now.Truncate(time.Second), "minute", nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, "minute", nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, "minute", nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, "day", nil
	}
	return time.Time{}, "", fmt.Errorf("%q is not a time: use now, 2006-01-02 15:04 (in %s), 2006-01-02, or RFC 3339", s, loc)
}
