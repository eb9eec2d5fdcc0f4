package tui

import "warroom/textsafe"

// Sanitize makes database text safe for the terminal (textsafe.Sanitize):
// escape sequences, control characters and bidi controls are removed,
// tabs become spaces, newlines survive. Anyone with write access to the
// database can put text there, so nothing read from it reaches the screen
// without passing through here.
func Sanitize(s string) string { return textsafe.Sanitize(s) }

// SanitizeLine is Sanitize for a single line: line breaks become spaces.
func SanitizeLine(s string) string { return textsafe.SanitizeLine(s) }
