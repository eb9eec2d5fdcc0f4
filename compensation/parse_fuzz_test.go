package compensation

import (
	"fmt"
	"testing"
	"time"
)

// Amounts come from merchants' CSV exports: any text at all. Accepted ones
// are exact fen in range and read back the same.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"0", "1234", "1234.5", "1234.56", " 7.01 ", "", "-1", "1e3", "1,000",
		"¥5", "1.", ".5", "1.234", "9999999999.99", "99999999999", "０１", "1.5\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseYuan(s)
		if err != nil {
			return
		}
		if fen < 0 || fen > maxSaleFen {
			t.Fatalf("%q -> %d fen, out of range", s, fen)
		}
		back, err := ParseYuan(fmt.Sprintf("%d.%02d", fen/100, fen%100))
		if err != nil || back != fen {
			t.Fatalf("%q -> %d does not read back: %d %v", s, fen, back, err)
		}
	})
}

func FuzzParseMargin(f *testing.F) {
	for _, s := range []string{"20", "22.5", "17.1234", "100", "100.0001", "20%", " 3 % ", "-1", "1e2", ".5", "5.", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMargin(s)
		if err != nil {
			return
		}
		if m < 0 || m > 100*MarginUnit {
			t.Fatalf("%q -> %d, out of range", s, m)
		}
		back, err := ParseMargin(m.String())
		if err != nil || back != m {
			t.Fatalf("%q -> %v does not read back: %v %v", s, m, back, err)
		}
	})
}

func FuzzParseSaleTime(f *testing.F) {
	for _, s := range []string{"2020-02-18T10:00:00+08:00", "2020-02-18 10:00:00+08:00", "2020-02-18 10:00",
		"2020-02-18T10:00:00.123456789Z", "2020-02-30 10:00", "18/02/2020", "", "2020-02-18 10"} {
		f.Add(s)
	}
	loc := time.FixedZone("UTC+8", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseSaleTime(s, loc)
		if err != nil {
			return
		}
		back, err := ParseSaleTime(got.Format(time.RFC3339Nano), loc)
		if err != nil || !back.Equal(got) {
			t.Fatalf("%q -> %v does not read back: %v %v", s, got, back, err)
		}
	})
}
