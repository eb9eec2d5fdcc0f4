package compensation

import (
	"math"
	"testing"
)

func TestFormatFen(t *testing.T) {
	cases := map[int64]string{
		0:             "0.00",
		5:             "0.05",
		100:           "1.00",
		1716667:       "17,166.67",
		15000000000:   "150,000,000.00",
		-123456:       "-1,234.56",
		math.MaxInt64: "92,233,720,368,547,758.07",
		math.MinInt64: "-92,233,720,368,547,758.08",
		99999:         "999.99",
		100000:        "1,000.00",
	}
	for in, want := range cases {
		if got := FormatFen(in); got != want {
			t.Errorf("FormatFen(%d) = %q, want %q", in, got, want)
		}
	}
}
