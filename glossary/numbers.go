package glossary

import (
	"strconv"
	"strings"
	"time"
)

// Count is n with thousands separators: 1421 -> "1,421". Every count a
// person reads goes through it (or Money, or Plural).
func Count[N ~int | ~int32 | ~int64](n N) string {
	v := int64(n)
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	digits := strconv.FormatUint(u, 10)
	var b strings.Builder
	b.Grow(len(digits) + len(digits)/3 + 1)
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Money is fen as yuan with thousands separators: 1500000000 ->
// "15,000,000.00". Integer arithmetic only, so nothing is ever rounded.
func Money(fen int64) string {
	u := uint64(fen)
	sign := ""
	if fen < 0 {
		u, sign = uint64(-fen), "-"
	}
	cents := u % 100
	s := sign + Count(int64(u/100)) + "."
	if cents < 10 {
		s += "0"
	}
	return s + strconv.FormatUint(cents, 10)
}

// Plural is a count and its noun: Plural(1, "entry", "entries") is
// "1 entry", Plural(1421, "claim", "claims") "1,421 claims".
func Plural[N ~int | ~int32 | ~int64](n N, one, many string) string {
	if n == 1 || n == -1 {
		return Count(n) + " " + one
	}
	return Count(n) + " " + many
}

// Noun is what one row of a table is called, and what several are:
// "timeline_entries" -> "timeline entry", "timeline entries".
type Noun struct{ One, Many string }

var tableNouns = map[string]Noun{
	"action_items":            {"action item", "action items"},
	"approvals":               {"approval request", "approval requests"},
	"audit_log":               {"audit row", "audit rows"},
	"claims":                  {"claim", "claims"},
	"contributions":           {"receipt", "receipts"},
	"contributors":            {"contributor", "contributors"},
	"findings":                {"finding", "findings"},
	"funds":                   {"fund", "funds"},
	"incident_roles":          {"duty role", "duty roles"},
	"incidents":               {"incident", "incidents"},
	"margin_rates":            {"margin rate", "margin rates"},
	"merchant_imports":        {"merchant import", "merchant imports"},
	"merchants":               {"merchant", "merchants"},
	"milestone_updates":       {"milestone update", "milestone updates"},
	"milestones":              {"milestone", "milestones"},
	"payouts":                 {"payout", "payouts"},
	"people":                  {"person", "people"},
	"plan_changes":            {"plan change", "plan changes"},
	"remediation_measures":    {"remediation measure", "remediation measures"},
	"restore_counts":          {"merchant's restore counts", "merchants' restore counts"}, // a row is one merchant's counts
	"sales_imports":           {"sales import", "sales imports"},
	"sales_totals":            {"sales total", "sales totals"},
	"timeline_entries":        {"timeline entry", "timeline entries"},
	"timeline_entry_versions": {"timeline entry version", "timeline entry versions"},
	"warroom_users":           {"login", "logins"},
}

// TableNouns is every table the glossary names, with its nouns (a copy).
func TableNouns() map[string]Noun {
	out := make(map[string]Noun, len(tableNouns))
	for t, n := range tableNouns {
		out[t] = n
	}
	return out
}

// TableNoun names a table's rows for people. A table it does not know reads
// as its name with spaces, the same for one and many.
func TableNoun(table string) Noun {
	if n, ok := tableNouns[table]; ok {
		return n
	}
	s := strings.ReplaceAll(table, "_", " ")
	return Noun{s, s}
}

// Rows is n rows of table: "1 payout", "16 timeline entries".
func Rows[N ~int | ~int32 | ~int64](n N, table string) string {
	nn := TableNoun(table)
	return Plural(n, nn.One, nn.Many)
}

// Zone names loc for people, its place and the abbreviation in force at t:
// "Asia/Shanghai (CST)"; "UTC" alone.
func Zone(loc *time.Location, t time.Time) string {
	if loc == nil {
		loc = time.UTC
	}
	abbr, _ := t.In(loc).Zone()
	name := loc.String()
	if abbr == "" || abbr == name || name == "Local" {
		if abbr == "" {
			return name
		}
		return abbr
	}
	return name + " (" + abbr + ")"
}

// TimesIn is the line that names the zone of every time on a screen or in
// an output: "times in Asia/Shanghai (CST)".
func TimesIn(loc *time.Location, t time.Time) string { return "times in " + Zone(loc, t) }
