package compensation

import (
	"strconv"
	"strings"
)

// FormatFen renders fen as yuan with thousands separators: 1500000000 ->
// "15,000,000.00". Pure integer arithmetic, so no value is ever rounded.
func FormatFen(fen int64) string {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = uint64(-fen)
	}
	yuan, cents := u/100, u%100
	digits := strconv.FormatUint(yuan, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	b.WriteByte('.')
	if cents < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.FormatUint(cents, 10))
	return b.String()
}
