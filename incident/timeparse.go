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
	t, precision, err = parseTime(s, loc, now)
	if err == nil && (t.Year() < minYear || t.Year() > maxYear) {
		return time.Time{}, "", fmt.Errorf("%q is outside %d-%d", strings.TrimSpace(s), minYear, maxYear)
	}
	return t, precision, err
}

// The years a war-room time may fall in. Earlier years also meet local
// mean time offsets with seconds (Shanghai's +08:05:43 before 1901), which
// no RFC 3339 text can carry.
const minYear, maxYear = 1970, 9999

func parseTime(s string, loc *time.Location, now time.Time) (t time.Time, precision string, err error) {
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
