package textsafe

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// mustGo is every character the sanitiser must remove, written out here
// rather than derived from the code under test: all of C0 but newline and
// tab (which it keeps, a tab as a space), DEL, all of C1, every Unicode
// Bidi_Control character, and U+FFFD, what invalid UTF-8 reads as.
func mustGo() map[rune]string {
	m := map[rune]string{}
	for r := rune(0x00); r <= 0x1f; r++ {
		m[r] = "C0"
	}
	delete(m, '\n')
	delete(m, '\t')
	m[0x7f] = "DEL"
	for r := rune(0x80); r <= 0x9f; r++ {
		m[r] = "C1"
	}
	for _, r := range []rune{0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069} {
		m[r] = "bidi"
	}
	m[0xfffd] = "replacement character"
	return m
}

// Each removed character, alone and between text; every other character
// survives as it is.
func TestSanitizeRemovesItsWholeSet(t *testing.T) {
	gone := mustGo()
	if len(gone) != 30+1+32+12+1 {
		t.Fatalf("the list has %d characters", len(gone))
	}
	for r, kind := range gone {
		s := string(r)
		if got := Sanitize(s); got != "" {
			t.Errorf("%s %U: Sanitize = %q, want it removed", kind, r, got)
		}
		if got := SanitizeLine(s); got != "" {
			t.Errorf("%s %U: SanitizeLine = %q, want it removed", kind, r, got)
		}
		// Between text: gone, and the text before it kept (an ESC or a C1
		// CSI may take the letter after it as the end of its sequence).
		if got := Sanitize("ok" + s + "b"); strings.ContainsRune(got, r) || !strings.HasPrefix(got, "ok") {
			t.Errorf("%s %U: Sanitize(ok·b) = %q", kind, r, got)
		}
	}
	if got := Sanitize("a\nb\tc"); got != "a\nb c" {
		t.Errorf("newline and tab: %q", got)
	}
	if got := SanitizeLine("a\nb\r\nc\td"); got != "a b c d" {
		t.Errorf("SanitizeLine: %q", got)
	}
	// Every character outside the list, all planes, passes unchanged.
	for r := rune(0x20); r <= utf8.MaxRune; r++ {
		if _, listed := gone[r]; listed || !utf8.ValidRune(r) {
			continue
		}
		if s := string(r); Sanitize(s) != s {
			t.Fatalf("%U: Sanitize = %q, want it kept", r, Sanitize(s))
		}
	}
}

func TestSanitizeInvalidUTF8(t *testing.T) {
	for _, in := range []string{"a\xffb", "a\xc3b", "a\xed\xa0\x80b", "a\uFFFDb"} {
		if got := Sanitize(in); got != "ab" {
			t.Errorf("Sanitize(%q) = %q, want ab", in, got)
		}
	}
}

// hostile is what anyone with write access could store: a screen clear,
// an OSC 52 clipboard write (BEL and ST ended), a fake hyperlink, bidi
// controls, C1 controls, a carriage return, a NUL.
const hostile = "ok\x1b[2J\x1b]52;c;cm0gLXJmIC8=\x07\x1b]52;c;eA==\x1b\\\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\" +
	"\u202eexe.txt\u2066x\u2069\u009b31m\u009d0;t\u009c\r\b\x00end"

func TestSanitizeHostileText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain 孙涛勇", "plain 孙涛勇"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"title\x1b]0;pwned\x07 end", "title end"},
		{"clip\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J!", "clip!"},
		{"bell\x07 and \x1b[2J clear", "bell and  clear"},
		{"c1\u009b31m csi", "c131m csi"}, // U+009B is dropped, its parameters stay as text
		{"tab\there", "tab here"},
		{"bidi\u202eevil\u2066isolate\u2069", "bidievilisolate"},
		{"line1\nline2", "line1\nline2"},
		{"cr\rover", "crover"},
	}
	for _, c := range cases {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	got := SanitizeLine(hostile)
	assertClean(t, got, true)
	if !strings.HasPrefix(got, "ok") || !strings.HasSuffix(got, "end") || !strings.Contains(got, "exe.txt") {
		t.Fatalf("visible text lost: %q", got)
	}
}

// assertClean fails t if s holds a character of mustGo (or a newline, for
// one line).
func assertClean(t *testing.T, s string, oneLine bool) {
	t.Helper()
	gone := mustGo()
	for _, r := range s {
		if _, bad := gone[r]; bad || (oneLine && r == '\n') || r == '\t' {
			t.Fatalf("left %U in %q", r, s)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	f.Add(hostile)
	f.Add("孙涛勇\tline\r\nnext")
	f.Add("\x1bP+q\x1b\\\x9d0;t\x9c")
	f.Add("\xc2\x9b2J\xe2\x81\xa6")
	f.Fuzz(func(t *testing.T, s string) {
		assertClean(t, Sanitize(s), false)
		assertClean(t, SanitizeLine(s), true)
	})
}
