package recovery

import (
	"strconv"
	"strings"
	"testing"
)

// The counts' shortcuts read what strconv and strings read.
func TestCountNumberAndTrimAsStrconv(t *testing.T) {
	for _, s := range []string{"0", "7", " 42 ", "\t5", "007", "+5", "-1", "-0", "", " ", "1e3", "12a", "a",
		"999999999999999999", "9999999999999999999", "9223372036854775807", "9223372036854775808", "\u00a012\u00a0", "١٢"} {
		n, ok := parseCountNumber(s)
		want, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if wantOK := err == nil && want >= 0; ok != wantOK || (ok && n != want) {
			t.Errorf("%q: got %d %v, want %d %v", s, n, ok, want, wantOK)
		}
		if got, want := trimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("trim %q: got %q, want %q", s, got, want)
		}
	}
}
