package access

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"warroom/glossary"
)

// payloadReader reads a request's payload (and its executor's result) the
// way people read the values: strings as they are, amounts in yuan.
type payloadReader map[string]json.RawMessage

func readPayload(payload, result []byte) payloadReader {
	v := payloadReader{}
	_ = json.Unmarshal(payload, &v)
	var res map[string]json.RawMessage
	if json.Unmarshal(result, &res) == nil {
		for k, x := range res {
			v[k] = x
		}
	}
	return v
}

func (v payloadReader) str(k string) string {
	raw, ok := v[k]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

func (v payloadReader) num(k string) (int64, bool) {
	n, err := strconv.ParseInt(v.str(k), 10, 64)
	return n, err == nil
}

func (v payloadReader) money(k string) string {
	if n, ok := v.num(k); ok {
		return glossary.Money(n)
	}
	return "?"
}

func (v payloadReader) percent(k string) string {
	pct := v.str(k)
	if strings.Contains(pct, ".") {
		pct = strings.TrimSuffix(strings.TrimRight(pct, "0"), ".")
	}
	return pct + "%"
}

// windowBounds are a fund_terms payload's keys, in the order people read them.
var windowBounds = []struct{ key, words string }{
	{"baseline_start", "baseline from"}, {"baseline_end", "baseline to"},
	{"outage_start", "outage from"}, {"outage_end", "outage to"},
}

// Describe says in words what a request asks for, from its payload and
// its subject: "timeline entry 16: Core restored", "12,000.00 on claim 745
// (M000745 Wu's Noodles)", "alice gets the finance role". Times read in
// loc. The operation itself is not repeated (lists show it beside). Not
// sanitised: the caller sanitises for its terminal.
func Describe(a Approval, loc *time.Location) string {
	v := readPayload(a.Payload, nil)
	with := func(s string) string {
		if a.Subject != "" {
			return s + " (" + a.Subject + ")"
		}
		return s
	}
	switch a.Op {
	case OpVoidEntry:
		s := glossary.TableNoun("timeline_entries").One + " " + v.str("entry_id")
		if a.Subject != "" {
			s += ": " + a.Subject
		}
		return s
	case OpVoidMilestone:
		if a.Subject != "" {
			return "milestone " + a.Subject // "core-env: Core environment"
		}
		return "milestone " + v.str("milestone_id")
	case OpContribution:
		switch {
		case v.str("contribution_id") != "":
			return with("receipt "+v.str("contribution_id")) + " set to " + v.money("amount_fen")
		case v.str("contributor_id") != "":
			who := a.Subject
			if who == "" {
				who = "contributor " + v.str("contributor_id")
			}
			s := "pledge of " + who + " set to " + v.money("pledged_fen")
			if n := v.str("pledge_note"); n != "" {
				s += " (" + n + ")"
			}
			return s
		case v.str("contributor_name") != "":
			s := "new contributor " + v.str("contributor_name") + " pledging " + v.money("pledged_fen")
			if n := v.str("pledge_note"); n != "" {
				s += " (" + n + ")"
			}
			return s
		}
	case OpPayout:
		return v.money("amount_fen") + " on " + with("claim "+v.str("claim_id"))
	case OpPayoutThreshold:
		return "set to " + v.money("threshold_fen")
	case OpMarginRate:
		s := v.str("industry") + " at " + v.percent("percent")
		if src := v.str("source"); src != "" {
			s += " (source: " + src + ")"
		}
		return s
	case OpRoleGrant:
		return v.str("user") + " gets the " + glossary.Role(v.str("role")) + " role"
	case OpInKindValue:
		s := glossary.Plan("traffic") + " plan valued at " + v.money("inkind_value_fen")
		if src := v.str("inkind_value_source"); src != "" {
			s += " (by " + src + ")"
		}
		return s
	case OpFundTerms:
		var parts []string
		for _, b := range windowBounds {
			if s := v.str(b.key); s != "" {
				if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
					s = t.In(loc).Format("2006-01-02 15:04 MST")
				}
				parts = append(parts, b.words+" "+s)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, ", ")
		}
	}
	return v.keyValues()
}

// PayloadKeyValues is a request's payload as "key=value key=value", keys
// sorted, amounts in yuan; a payload that is not a JSON object as it is.
// Unsanitised: the caller cleans it for its terminal.
func PayloadKeyValues(payload []byte) string {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(payload, &obj); err != nil {
		if s := strings.TrimSpace(string(payload)); s != "null" {
			return s
		}
		return ""
	}
	return payloadReader(obj).keyValues()
}

// keyValues is a payload nobody described: "key=value key=value", keys
// sorted, amounts in yuan.
func (v payloadReader) keyValues() string {
	ks := make([]string, 0, len(v))
	for k := range v {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	parts := make([]string, len(ks))
	for i, k := range ks {
		val := v.str(k)
		if strings.HasSuffix(k, "_fen") {
			if n, ok := v.num(k); ok {
				k, val = strings.TrimSuffix(k, "_fen"), glossary.Money(n)
			}
		}
		parts[i] = k + "=" + val
	}
	return strings.Join(parts, " ")
}
