package report

import (
	"bufio"
	"io"
	"strings"

	"warroom/textsafe"
)

// Markdown writes the report as CommonMark (GitHub tables), the charts as
// the tables they were drawn from. Every string goes through mdText.
func Markdown(w io.Writer, r *Report) error {
	d, err := r.document()
	if err != nil {
		return err
	}
	b := bufio.NewWriter(w)
	b.WriteString("# " + mdText(d.Title) + "\n\n")
	b.WriteString(mdText(d.MadeLabel) + ": " + mdText(d.Made) + "\n")
	for _, s := range d.Sections {
		b.WriteString("\n## " + mdText(s.Heading) + "\n")
		for _, bl := range s.Blocks {
			mdBlock(b, bl)
		}
	}
	return b.Flush()
}

func mdBlock(b *bufio.Writer, bl block) {
	if len(bl.Figures) > 0 {
		b.WriteString("\n")
		for _, p := range bl.Figures {
			b.WriteString("- **" + mdText(p.V) + "** " + mdText(p.K) + "\n")
		}
	}
	if bl.Heading != "" {
		b.WriteString("\n### " + mdText(bl.Heading) + "\n")
	}
	if bl.Text != "" {
		b.WriteString("\n" + mdText(bl.Text) + "\n")
	}
	if bl.Code != "" {
		// An indented code block: nothing inside is markup, and no text
		// can close it (unlike a fence).
		b.WriteString("\n    " + textsafe.SanitizeLine(bl.Code) + "\n")
	}
	if len(bl.KV) > 0 {
		b.WriteString("\n")
		for _, p := range bl.KV {
			b.WriteString("- **" + mdText(p.K) + "**: " + mdText(p.V) + "\n")
		}
	}
	if bl.Table != nil {
		mdTable(b, bl.Table)
	}
	if ch := bl.Chart; ch != nil {
		if ch.Caption != "" {
			b.WriteString("\n" + mdText(ch.Caption) + "\n")
		}
		mdTable(b, ch.Table)
	}
}

func mdTable(b *bufio.Writer, t *table) {
	b.WriteString("\n|")
	for _, h := range t.Head {
		b.WriteString(" " + mdText(h) + " |")
	}
	b.WriteString("\n|")
	for i := range t.Head {
		if t.IsRight(i) {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, row := range t.Rows {
		b.WriteString("|")
		for _, c := range row {
			s := mdText(c.Main)
			if c.Strong && s != "" {
				s = "**" + s + "**"
			}
			if c.To != "" {
				s += " " + mdText(c.To)
			}
			if c.Sub != "" {
				s += " — " + mdText(c.Sub)
			}
			b.WriteString(" " + s + " |")
		}
		b.WriteString("\n")
	}
}

// mdEscaper backslash-escapes the ASCII punctuation that can start or
// end Markdown syntax (emphasis, links, images, HTML, headings, tables,
// code, entities); CommonMark turns each back into the plain character.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
	`#`, `\#`, `|`, `\|`, `~`, `\~`, `!`, `\!`, `&`, `\&`,
)

// mdText makes any text one safe line of Markdown: controls, escape
// sequences and bidi overrides dropped (textsafe), line breaks joined,
// leading blanks trimmed (four would start a code block), the syntax
// characters escaped, and a start that would open a list item or a
// thematic break (-, +, =, "1. " or "1) ") escaped too.
func mdText(s string) string {
	s = mdEscaper.Replace(strings.TrimLeft(textsafe.SanitizeLine(s), " "))
	if s == "" {
		return s
	}
	switch s[0] {
	case '-', '+', '=':
		return `\` + s
	}
	i := 0
	for i < len(s) && i < 10 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') && (i+1 == len(s) || s[i+1] == ' ') {
		return s[:i] + `\` + s[i:]
	}
	return s
}
