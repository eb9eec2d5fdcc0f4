// Package glossarytest marks the glossary's words for tests that check
// output takes its words from the glossary (the CLI's and the console's).
package glossarytest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"warroom/glossary"
)

// Mark writes every glossary word that differs from its machine value in
// capitals ("IN PROGRESS", "WON'T DO", "IN KIND", "VOID ENTRY") until the
// test ends, in the glossary and in the database's copy (warroom_words:
// the timeline entries and refusals the database writes), and returns a
// pattern of the machine spellings and the words as they were (operations
// left out: "payout threshold", "margin rate" are prose too). Output that
// then shows the capitals took its word from the glossary; output that
// shows the machine spelling, or the word in lower case, made its own. The
// capitals are as wide as the words, so layouts do not move. conn must be
// the test's own clone of the database: nothing is restored there. Not
// parallel: the glossary is package state.
func Mark(t *testing.T, conn *sqlx.DB) (raw *regexp.Regexp, words []string) {
	t.Helper()
	conn.MustExec(`UPDATE warroom_words SET word = upper(word) WHERE word <> value AND kind NOT IN ('table', 'tables')`)
	var alts []string
	for _, set := range glossary.All() {
		for i, term := range set.Terms {
			if term.Word == term.Value {
				continue
			}
			alts = append(alts, regexp.QuoteMeta(term.Value))
			if set.Name != glossary.Operations.Name {
				words = append(words, term.Word)
			}
			set.Terms[i].Word = strings.ToUpper(term.Word) // shares the package's array
			t.Cleanup(func() { set.Terms[i].Word = term.Word })
		}
	}
	return regexp.MustCompile(`\b(` + strings.Join(alts, "|") + `)\b`), words
}
