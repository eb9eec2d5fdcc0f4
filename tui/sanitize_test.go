package tui

import "testing"

func TestSanitizeRemovesEscapesAndControls(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain 孙涛勇", "plain 孙涛勇"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"title\x1b]0;pwned\x07 end", "title end"},
		{"bell\x07 and \x1b[2J clear", "bell and  clear"},
		{"c1\u009b31m csi", "c131m csi"},
		{"tab\there", "tab here"},
		{"bidi\u202eevil", "bidievil"},
		{"line1\nline2", "line1\nline2"},
		{"cr\rover", "crover"},
	}
	for _, c := range cases {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := SanitizeLine("a\r\nb\nc"); got != "a b c" {
		t.Errorf("SanitizeLine = %q", got)
	}
}
