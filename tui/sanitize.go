package tui

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"
)

// Sanitize makes database text safe for the terminal: escape sequences are
// removed whole, other control characters and bidi overrides dropped, tabs
// become spaces. Newlines survive; use SanitizeLine for one-line cells.
// Anyone with write access to the database can put text there, so nothing
// read from it reaches the screen without passing through here.
func Sanitize(s string) string {
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r), isBidiControl(r), r == unicode.ReplacementChar:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SanitizeLine is Sanitize for a single line: line breaks become spaces.
func SanitizeLine(s string) string {
	return strings.ReplaceAll(Sanitize(strings.ReplaceAll(s, "\r\n", "\n")), "\n", " ")
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}
