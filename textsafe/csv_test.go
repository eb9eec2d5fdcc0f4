package textsafe

import "testing"

func TestCSVCellNeutralisesFormulas(t *testing.T) {
	cases := []struct{ in, want string }{
		{`=HYPERLINK("http://evil","click")`, `'=HYPERLINK("http://evil","click")`},
		{"+1+1", "'+1+1"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"孙记面馆", "孙记面馆"},
		{"M0001", "M0001"},
		{"a=b", "a=b"},
		{" =1", " =1"},
		{"", ""},
		{"'quoted", "'quoted"},
	}
	for _, c := range cases {
		if got := CSVCell(c.in); got != c.want {
			t.Errorf("CSVCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
