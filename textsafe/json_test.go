package textsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// every is each character of mustGo in one string, with text around them.
func every() string {
	var b strings.Builder
	b.WriteString("孙涛勇 ")
	for r := range mustGo() {
		b.WriteRune(r)
	}
	b.WriteString("\n\t" + hostile + " end")
	return b.String()
}

// --json output escapes C0, DEL, C1, bidi controls and U+FFFD, stays valid
// JSON and decodes to the very same strings, a raw jsonb value included.
func TestWriteJSONEscapesControls(t *testing.T) {
	s := every()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	// A jsonb value comes back from PostgreSQL with C1 and bidi raw.
	payload := json.RawMessage(`{"name": "x` + "\u009b2J\u202e\x7f" + `y"}`)
	v := map[string]any{"title": s, "payload": payload, "list": []string{s, "plain"}}
	var out bytes.Buffer
	if err := WriteJSON(&out, v); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	gone := mustGo()
	for _, r := range got {
		if _, bad := gone[r]; bad && r != '\n' { // newlines between lines of the indented output
			t.Fatalf("raw %U in the JSON: %q", r, got)
		}
	}
	for _, esc := range []string{`\u009b`, `\u202e`, `\u2066`, `\u007f`, `\ufffd`, `\u001b`, `\u0080`, `\u009f`, `\u061c`} {
		if !strings.Contains(got, esc) {
			t.Errorf("%s missing from %s", esc, got)
		}
	}
	if !json.Valid(out.Bytes()) {
		t.Fatalf("not valid JSON: %s", got)
	}
	var back struct {
		Title   string            `json:"title"`
		Payload map[string]string `json:"payload"`
		List    []string          `json:"list"`
	}
	if err := json.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	var want string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if back.Title != want || back.List[0] != want || back.Payload["name"] != "x\u009b2J\u202e\x7fy" {
		t.Fatalf("round trip changed the text:\n%q\n%q\n%q", back.Title, want, back.Payload["name"])
	}
	if !strings.Contains(got, `"孙涛勇 `) {
		t.Fatalf("printable text escaped: %s", got)
	}
}

func FuzzEscapeJSON(f *testing.F) {
	f.Add(every())
	f.Add("\xff\xfe\u2069")
	f.Fuzz(func(t *testing.T, s string) {
		var out bytes.Buffer
		if err := WriteJSON(&out, []string{s}); err != nil {
			t.Fatal(err)
		}
		var back []string
		if err := json.Unmarshal(out.Bytes(), &back); err != nil {
			t.Fatalf("%v: %s", err, out.String())
		}
		// encoding/json reads each byte that is not UTF-8 as U+FFFD, as
		// ranging over the string does.
		if want := string([]rune(s)); len(back) != 1 || back[0] != want {
			t.Fatalf("%q came back as %q", s, back)
		}
		for _, r := range strings.TrimSuffix(out.String(), "\n") {
			if _, bad := mustGo()[r]; bad {
				t.Fatalf("raw %U in %q", r, out.String())
			}
		}
	})
}
