// Package textsafe makes untrusted text safe to print: on a terminal (no
// escape sequences, control characters or bidi overrides), in JSON (no raw
// C1 or bidi controls) and in a CSV that a spreadsheet opens (no formulas).
// Text read from the database or from an imported file is untrusted: anyone
// with write access can put an escape sequence there that clears a screen
// or writes a clipboard (OSC 52) when printed.
package textsafe

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Sanitize makes text safe for the terminal: escape sequences are removed
// whole, other control characters (C0, DEL, C1), bidi controls and U+FFFD
// (what invalid UTF-8 reads as) are dropped, tabs become spaces. Newlines
// survive; use SanitizeLine for one-line cells.
func Sanitize(s string) string {
	return clean(s, func(b *strings.Builder, r rune) bool {
		switch r {
		case '\n':
			b.WriteByte('\n')
			return true
		case '\t':
			b.WriteByte(' ')
			return true
		}
		return false
	})
}

// SanitizeLine is Sanitize for a single line: line breaks become spaces.
func SanitizeLine(s string) string {
	return strings.ReplaceAll(Sanitize(strings.ReplaceAll(s, "\r\n", "\n")), "\n", " ")
}

// clean strips escape sequences, then hands each control, bidi control and
// U+FFFD to keep, which writes what it keeps and says whether it did; the
// others are dropped.
func clean(s string, keep func(b *strings.Builder, r rune) bool) string {
	if isPlain(s) {
		return s
	}
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsControl(r) || IsBidiControl(r) || r == unicode.ReplacementChar {
			keep(&b, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isPlain reports whether s is printable ASCII only: the common case, which
// needs no copy.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// IsBidiControl reports whether r is one of Unicode's Bidi_Control
// characters, which reorder the text around them on screen (an override
// makes "exe.txt" read "txt.exe").
func IsBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}
