package db_test

import (
	"cmp"
	"maps"
	"slices"
	"testing"

	"github.com/lib/pq"

	"warroom/db/dbtest"
	"warroom/glossary"
)

// warroom_words, the words the database writes into timeline entries and
// refusals (migration 00028), is the glossary's copy: a word one of them
// holds and the other lacks or spells differently fails here. Change a
// word in both (a migration of its own for the table).
func TestDatabaseWordsAreTheGlossary(t *testing.T) {
	conn := dbtest.New(t)
	type key struct{ kind, value string }
	want := map[key]string{}
	for _, set := range glossary.All() {
		for _, term := range set.Terms {
			want[key{set.Name, term.Value}] = term.Word
		}
	}
	for table, noun := range glossary.TableNouns() {
		want[key{"table", table}] = noun.One
		want[key{"tables", table}] = noun.Many
	}
	var rows []struct {
		Kind  string `db:"kind"`
		Value string `db:"value"`
		Word  string `db:"word"`
	}
	if err := conn.Select(&rows, `SELECT kind, value, word FROM warroom_words`); err != nil {
		t.Fatal(err)
	}
	got := map[key]string{}
	for _, r := range rows {
		got[key{r.Kind, r.Value}] = r.Word
	}
	for _, k := range slices.SortedFunc(maps.Keys(want), func(a, b key) int {
		return cmp.Or(cmp.Compare(a.kind, b.kind), cmp.Compare(a.value, b.value))
	}) {
		if w, ok := got[k]; !ok {
			t.Errorf("warroom_words lacks %s %q (the glossary says %q)", k.kind, k.value, want[k])
		} else if w != want[k] {
			t.Errorf("warroom_words says %s %q is %q; the glossary %q", k.kind, k.value, w, want[k])
		}
	}
	for k, w := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("warroom_words has %s %q (%q) the glossary lacks", k.kind, k.value, w)
		}
	}

	// A value neither knows reads the same in both.
	for _, c := range []struct{ kind, value string }{{"duty role", "on_call-lead"}, {"operation", "some_new_op"}, {"nonsense", "a_b"}} {
		if sql := dbtest.Get[string](t, conn, `SELECT warroom_word($1, $2)`, c.kind, c.value); sql != glossary.DutyRole(c.value) {
			t.Errorf("warroom_word(%q, %q) = %q; the glossary reads %q", c.kind, c.value, sql, glossary.DutyRole(c.value))
		}
	}
	for _, c := range []struct {
		roles []string
		want  string
	}{{nil, ""}, {[]string{"commander"}, "commander"}, {[]string{"commander", "finance"}, "commander or finance"},
		{[]string{"commander", "engineer", "finance"}, "commander, engineer or finance"}} {
		if got := dbtest.Get[string](t, conn, `SELECT warroom_words_or('role', $1::text[])`, pq.Array(c.roles)); got != c.want {
			t.Errorf("warroom_words_or(%v) = %q, want %q", c.roles, got, c.want)
		}
	}
	// Money as glossary.Money prints it.
	for _, fen := range []int64{0, 5, 99, 100, 123456, -123456, 1500000000, 4510054086, 999999999999999} {
		if got := dbtest.Get[string](t, conn, `SELECT warroom_money($1)`, fen); got != glossary.Money(fen) {
			t.Errorf("warroom_money(%d) = %q; glossary.Money %q", fen, got, glossary.Money(fen))
		}
	}
}
