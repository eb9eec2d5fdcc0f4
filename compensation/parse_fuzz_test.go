package compensation

import (
	"fmt"
	"strings"
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

// The CSV reader takes untrusted files: it must never panic, every record
// it hands on has the header's width, valid UTF-8 and no NUL, every refusal
// is an ImportError naming a line, and the hash covers every byte read.
func FuzzCSVIn(f *testing.F) {
	cols := []string{"merchant_id", "at", "amount"}
	for _, s := range []string{
		"merchant_id,at,amount\nM1,2020-02-18 10:00,12.50\n",
		"\uFEFFmerchant_id,at,amount\r\nM1,2020-02-18 10:00,1\r\n",
		"merchant_id,at,amount\n\"M,1\",x,\"1\"\"2\"\n",
		"merchant_id,at,amount\nM1,x\n",
		"merchant_id,at,amount\nM1,x,\"unterminated\n",
		"merchant_id,at,amount\n\xff\xfe,x,1\n",
		"merchant_id,at,amount\nM\x00,x,1\n",
		"", "a,b,c\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := newCSVIn("f.csv", strings.NewReader(string(data)), cols, nil)
		if err != nil {
			checkImportError(t, err)
			return
		}
		for range 10000 {
			rec, err := c.next()
			if err != nil {
				if err.Error() == "EOF" {
					return
				}
				checkImportError(t, err)
				return
			}
			if len(rec) != len(cols) {
				t.Fatalf("record %q has %d fields", rec, len(rec))
			}
			for _, field := range rec {
				if strings.ContainsRune(field, 0) || !strings.EqualFold(strings.ToValidUTF8(field, "?"), field) {
					t.Fatalf("field %q passed through", field)
				}
			}
		}
	})
}

func checkImportError(t *testing.T, err error) {
	t.Helper()
	ie, ok := err.(*ImportError)
	if !ok {
		t.Fatalf("refusal %T %v is not an ImportError", err, err)
	}
	if ie.Line < 1 || ie.File != "f.csv" {
		t.Fatalf("refusal names no line: %v", ie)
	}
}
