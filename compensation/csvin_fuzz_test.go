package compensation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// The reader production uses takes untrusted files: it must never panic,
// must agree with the row-by-row oracle whatever the chunk size, every
// record it hands on has the header's width, valid UTF-8, no NUL and no
// field over MaxFieldBytes, and every refusal is an ImportError naming a
// line.
func FuzzReadCSV(f *testing.F) {
	seeds := []string{
		"merchant_id,at,amount\nM1,2020-02-18 10:00,12.50\n",
		"\uFEFFmerchant_id,at,amount\r\nM1,2020-02-18 10:00,1\r\n",
		"merchant_id,at,amount\n\"M,1\",x,\"1\"\"2\"\n",
		"merchant_id,at,amount\nM1,x\n",
		"merchant_id,at,amount\nM1,x,\"unterminated\n",
		"merchant_id,at,amount\n\xff\xfe,x,1\n",
		"merchant_id,at,amount\n\"a\nb\",x,1\nM2,y,2\n",
		"", "a,b,c\n",
	}
	// NUL, ESC (an OSC 52 clipboard write) and bidi controls at a field's
	// start, middle and end, in each column, plain and quoted.
	for _, c := range []string{"\x00", "\x1b]52;c;eA==\x07", "\u202e", "\u2066", "\u2069", "\u061c"} {
		for _, v := range []string{c + "M1", "M" + c + "1", "M1" + c, "\"" + c + "M,1\""} {
			for col := range 3 {
				rec := []string{"M1", "x", "1"}
				rec[col] = v
				seeds = append(seeds, "merchant_id,at,amount\nM0,y,0\n"+strings.Join(rec, ",")+"\nM2,z,2\n")
			}
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(6))
	}
	cols := []string{"merchant_id", "at", "amount"}
	keep := func(rows [][]string, rec []string, line int) ([][]string, error) {
		return append(rows, append([]string{fmt.Sprint(line)}, rec...)), nil
	}
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		size := 1 + int(chunk)%64 // small chunks: every record crosses a chunk edge somewhere
		var got [][]string
		err := readCSVChunks(context.Background(), "f.csv", strings.NewReader(string(data)), size, cols, nil, keep,
			func(rows [][]string) error { got = append(got, rows...); return nil })
		want, wantErr := readRowByRow("f.csv", strings.NewReader(string(data)), cols, keep)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
			t.Fatalf("chunk %d:\nparallel   %v %q\nrow by row %v %q", size, err, got, wantErr, want)
		}
		if err != nil {
			var ie *ImportError
			if !errors.As(err, &ie) || ie.Line < 1 || ie.File != "f.csv" {
				t.Fatalf("refusal %T %v names no file and line", err, err)
			}
		}
		for _, row := range got {
			if len(row) != 1+len(cols) {
				t.Fatalf("record %q has %d fields", row[1:], len(row)-1)
			}
			for _, field := range row[1:] {
				if strings.IndexByte(field, 0) != -1 || !utf8.ValidString(field) || len(field) > MaxFieldBytes {
					t.Fatalf("field %q passed through", field)
				}
			}
		}
	})
}
