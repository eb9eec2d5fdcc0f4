package textsafe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode"
	"unicode/utf8"
)

// WriteJSON writes v as indented JSON with every control character escaped.
// encoding/json escapes C0 but writes DEL, C1 controls (U+009B is a CSI on
// many terminals), bidi controls and U+FFFD raw, and passes a jsonb value
// read from the database through as it came: here they all become \uXXXX,
// so the output is plain to a terminal and decodes to the same strings.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(EscapeJSON(buf.Bytes()))
	return err
}

// EscapeJSON escapes DEL, C1 controls, bidi controls and U+FFFD in encoded
// JSON. Outside strings JSON is ASCII with no DEL, so every character
// escaped here sits inside a string, where \uXXXX means the same character.
// Bytes that are not UTF-8 become \ufffd, as encoding/json does.
func EscapeJSON(data []byte) []byte {
	i := 0
	for i < len(data) && data[i] < 0x7f {
		i++
	}
	if i == len(data) {
		return data
	}
	out := make([]byte, 0, len(data)+16)
	out = append(out, data[:i]...)
	for i < len(data) {
		c := data[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(data[i:])
		if r == 0x7f || unicode.IsControl(r) || IsBidiControl(r) || r == unicode.ReplacementChar {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, data[i:i+n]...)
		}
		i += n
	}
	return out
}
