package compensation

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// The parallel reader must see exactly what the row-by-row reader sees:
// the same records with the same line numbers, and the same first error,
// however the file is cut into chunks.
func TestParallelCSVMatchesSequential(t *testing.T) {
	defer func(c int) { chunkSize = c }(chunkSize)
	cols := []string{"merchant_id", "at", "amount"}
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"M1", "M2", "\"M,3\"", "\"a\nb\"", "\"x\"\"y\"", "", " 7 ", "\xff", "a\x00", "b\"c", "\"open", "é"}
	files := []string{
		"", "\uFEFF", "merchant_id,at,amount", "merchant_id,at,amount\n", "\uFEFFmerchant_id,at,amount\r\nM1,x,1\r\n",
		"a,b,c\nM1,x,1\n", "merchant_id,at,amount\n\nM1,x,1\n\n", "merchant_id,at,amount\nM1,x\n",
	}
	for range 400 {
		var b strings.Builder
		b.WriteString("merchant_id,at,amount\n")
		for range rng.IntN(30) {
			n := 3
			if rng.IntN(20) == 0 {
				n = rng.IntN(5)
			}
			for j := range n {
				if j > 0 {
					b.WriteByte(',')
				}
				if rng.IntN(4) == 0 {
					b.WriteString(pieces[rng.IntN(len(pieces))])
				} else {
					fmt.Fprintf(&b, "M%d", rng.IntN(9))
				}
			}
			if rng.IntN(3) == 0 {
				b.WriteString("\r\n")
			} else {
				b.WriteString("\n")
			}
		}
		files = append(files, b.String())
	}
	for _, f := range files {
		want, wantErr := readSequential(f, cols)
		for _, size := range []int{1, 7, 64, 1 << 20} {
			chunkSize = size
			var got []string
			err := readCSVParallel("f.csv", strings.NewReader(f), cols, nil,
				func(rows []string, rec []string, line int) ([]string, error) {
					if rec[0] == "M8" {
						return rows, &ImportError{Line: line, Field: "merchant_id", Reason: "eight"}
					}
					return append(rows, fmt.Sprintf("%d:%q", line, rec)), nil
				},
				func(rows []string) error { got = append(got, rows...); return nil })
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("file %q, chunk %d:\nparallel   %v\n%s\nsequential %v\n%s", f, size, err, strings.Join(got, "\n"), wantErr, strings.Join(want, "\n"))
			}
		}
	}
}

func readSequential(f string, cols []string) ([]string, error) {
	in, err := newCSVIn("f.csv", strings.NewReader(f), cols, nil)
	if err != nil {
		return nil, err
	}
	var out []string
	for {
		rec, err := in.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		if rec[0] == "M8" {
			return out, in.errorf(in.line(), "merchant_id", "eight")
		}
		out = append(out, fmt.Sprintf("%d:%q", in.line(), rec))
	}
}
