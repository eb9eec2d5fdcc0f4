package access_test

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"warroom/access"
	"warroom/incident"
	"warroom/textsafe"
)

// hostile is what anyone with write access could store: a screen clear,
// an OSC 52 clipboard write, a fake hyperlink, a bidi override, C1 controls.
const hostile = "ok\x1b[2J\x1b]52;c;cm0gLXJmIC8=\x07\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\\u202eexe.txt\u009b31m\r\b\x00end"

func clean(t *testing.T, s string, oneLine bool) {
	t.Helper()
	for _, r := range s {
		if (r == '\n' && !oneLine) || !(unicode.IsControl(r) || r == 0x202e || r == 0x1b) {
			continue
		}
		t.Fatalf("left %U in %q", r, s)
	}
}

// Text an engineer stores through raw SQL reaches the screen without its
// escape sequences.
func TestDatabaseTextIsSanitised(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	eng, _ := f.login(t, access.Engineer)
	if _, err := eng.Exec(`INSERT INTO timeline_entries (incident_id, kind, title, body, actual_start)
		VALUES ($1, 'note', $2, $2, now())`, f.incident, strings.ReplaceAll(hostile, "\x00", "")); err != nil {
		t.Fatal(err)
	}
	es, err := incident.Timeline(ctx, f.admin, f.incident)
	if err != nil {
		t.Fatal(err)
	}
	e := es[len(es)-1]
	line, body := textsafe.SanitizeLine(e.Title), textsafe.Sanitize(e.Body)
	clean(t, line, true)
	clean(t, body, false)
	if !strings.HasPrefix(line, "ok") || !strings.HasSuffix(line, "end") {
		t.Fatalf("visible text lost: %q", line)
	}
}
