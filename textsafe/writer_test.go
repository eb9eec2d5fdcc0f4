package textsafe

import (
	"bytes"
	"strings"
	"testing"
)

// Whatever is written, and however it is cut into writes, nothing of
// mustGo reaches the writer underneath; layout controls and text do.
func TestWriterCleansEveryWrite(t *testing.T) {
	in := "warroom: m.csv:3: merchant_id: " + hostile + " 孙涛勇\n[####....] 40%\r[#####...] 50%\tdone\n"
	for _, step := range []int{1, 2, 3, 5, len(in)} {
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(in); i += step {
			n, err := w.Write([]byte(in[i:min(i+step, len(in))]))
			if err != nil || n != min(step, len(in)-i) {
				t.Fatalf("step %d: Write = %d, %v", step, n, err)
			}
		}
		got := out.String()
		gone := mustGo()
		for _, r := range got {
			if _, bad := gone[r]; bad && r != '\r' {
				t.Fatalf("step %d: left %U in %q", step, r, got)
			}
		}
		for _, want := range []string{"warroom: m.csv:3: merchant_id: ok", "exe.txt", "end 孙涛勇\n", "40%\r[#####", "50%\tdone\n"} {
			if !strings.Contains(got, want) {
				t.Fatalf("step %d: %q lost from %q", step, want, got)
			}
		}
	}
}

func FuzzWriter(f *testing.F) {
	f.Add(hostile, uint8(1))
	f.Add("孙涛勇\u2066\xc2\x9b", uint8(2))
	f.Fuzz(func(t *testing.T, s string, step uint8) {
		var out bytes.Buffer
		w := NewWriter(&out)
		n := 1 + int(step)%8
		for i := 0; i < len(s); i += n {
			w.Write([]byte(s[i:min(i+n, len(s))]))
		}
		gone := mustGo()
		for _, r := range out.String() {
			if _, bad := gone[r]; bad && r != '\r' {
				t.Fatalf("left %U in %q", r, out.String())
			}
		}
	})
}
