package report

import (
	_ "embed"
	"html/template"
	"io"
	"strings"

	"warroom/textsafe"
)

// The HTML edition is one file: inline CSS, inline SVG charts, no script,
// no link, no image or font fetched from anywhere. html/template escapes
// every string of the document (all of it plain text); the charts are the
// only template.HTML, made by vgsvg, which escapes its own text.

//go:embed report.css
var css string

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="made">{{.MadeLabel}}: {{.Made}}</p>
</header>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Heading}}</h2>
{{range .Blocks}}{{if .Figures}}<div class="figures">{{range .Figures}}<div class="figure"><div class="v">{{.V}}</div><div class="k">{{.K}}</div></div>{{end}}</div>
{{end}}{{if .Heading}}<h3>{{.Heading}}</h3>
{{end}}{{if .Text}}<p>{{.Text}}</p>
{{end}}{{if .Code}}<pre><code>{{.Code}}</code></pre>
{{end}}{{if .KV}}<dl>{{range .KV}}<div><dt>{{.K}}</dt><dd>{{.V}}</dd></div>{{end}}</dl>
{{end}}{{with .Table}}{{template "table" .}}{{end}}{{with .Chart}}<figure class="chart">{{.SVG}}{{if .Caption}}<figcaption>{{.Caption}}</figcaption>{{end}}</figure>
{{with .Table}}{{template "table" .}}{{end}}{{end}}{{end}}</section>
{{end}}</body>
</html>
{{define "table"}}<table>
<thead><tr>{{range $i, $h := .Head}}<th{{with $.Class $i}} class="{{.}}"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr>{{range $i, $c := .}}<td{{with $.Class $i}} class="{{.}}"{{end}}>{{if $c.Strong}}<strong>{{$c.Main}}</strong>{{else}}{{$c.Main}}{{end}}{{if $c.To}}<br>{{$c.To}}{{end}}{{if $c.Sub}}<br><span class="sub">{{$c.Sub}}</span>{{end}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
{{end}}`))

// IsRight reports whether column i is right-aligned (numbers).
func (t *table) IsRight(i int) bool { return i < len(t.Right) && t.Right[i] }

// Class is column i's CSS class: "num" right-aligned, "nw" on one line.
func (t *table) Class(i int) string {
	var cls []string
	if t.IsRight(i) {
		cls = append(cls, "num")
	}
	if i < len(t.NoWrap) && t.NoWrap[i] {
		cls = append(cls, "nw")
	}
	return strings.Join(cls, " ")
}

// HTML writes the report as one self-contained HTML page.
func HTML(w io.Writer, r *Report) error {
	d, err := r.document()
	if err != nil {
		return err
	}
	d.sanitize()
	return page.Execute(w, struct {
		*document
		CSS template.CSS
	}{d, template.CSS(css)})
}

// sanitize drops control characters, escape sequences and bidi overrides
// from every string of the document (textsafe): html/template escapes
// markup but passes controls through, and a page holding them is not
// valid HTML.
func (d *document) sanitize() {
	d.Title, d.Made = textsafe.SanitizeLine(d.Title), textsafe.SanitizeLine(d.Made)
	tab := func(t *table) {
		if t == nil {
			return
		}
		for i := range t.Head {
			t.Head[i] = textsafe.SanitizeLine(t.Head[i])
		}
		for _, row := range t.Rows {
			for i := range row {
				row[i].Main, row[i].Sub, row[i].To = textsafe.SanitizeLine(row[i].Main), textsafe.SanitizeLine(row[i].Sub), textsafe.SanitizeLine(row[i].To)
			}
		}
	}
	for i := range d.Sections {
		s := &d.Sections[i]
		s.Heading = textsafe.SanitizeLine(s.Heading)
		for j := range s.Blocks {
			b := &s.Blocks[j]
			b.Heading, b.Text, b.Code = textsafe.SanitizeLine(b.Heading), textsafe.SanitizeLine(b.Text), textsafe.SanitizeLine(b.Code)
			for k := range b.KV {
				b.KV[k].K, b.KV[k].V = textsafe.SanitizeLine(b.KV[k].K), textsafe.SanitizeLine(b.KV[k].V)
			}
			tab(b.Table)
			if b.Chart != nil {
				b.Chart.Caption = textsafe.SanitizeLine(b.Chart.Caption)
				tab(b.Chart.Table)
			}
		}
	}
}
