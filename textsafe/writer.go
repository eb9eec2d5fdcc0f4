package textsafe

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Writer sanitises everything written through it for the terminal, keeping
// the layout controls the program itself writes (newline, carriage return
// for a progress bar, tab). It is the backstop behind the CLI's stdout and
// stderr: a message that forgot to sanitise a database value still cannot
// clear the screen or write the clipboard. Each Write is cleaned on its
// own; a character split between two writes is held until the next.
type Writer struct {
	w    io.Writer
	tail []byte // the start of a UTF-8 character cut by the end of the last write
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Unwrap returns the writer underneath (a progress bar asks whether it is a
// terminal).
func (s *Writer) Unwrap() io.Writer { return s.w }

// Write cleans p and writes it; it reports all of p written unless the
// writer underneath failed.
func (s *Writer) Write(p []byte) (int, error) {
	buf := p
	if len(s.tail) > 0 {
		buf = append(s.tail, p...)
		s.tail = nil
	}
	if cut := incompleteTail(buf); cut > 0 {
		s.tail = append([]byte(nil), buf[len(buf)-cut:]...)
		buf = buf[:len(buf)-cut]
	}
	if _, err := io.WriteString(s.w, clean(string(buf), keepLayout)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func keepLayout(b *strings.Builder, r rune) bool {
	switch r {
	case '\n', '\r', '\t':
		b.WriteRune(r)
		return true
	}
	return false
}

// incompleteTail is how many bytes at the end of p begin a UTF-8 character
// that the next write may complete (0 if none).
func incompleteTail(p []byte) int {
	for n := 1; n <= utf8.UTFMax-1 && n <= len(p); n++ {
		c := p[len(p)-n]
		if c < 0x80 {
			return 0 // ASCII: nothing pending
		}
		if utf8.RuneStart(c) {
			if utf8.FullRune(p[len(p)-n:]) {
				return 0
			}
			return n
		}
	}
	return 0
}
