package access

import "warroom/glossary"

// Outcome says in words what an approved request did, from its payload and
// the result its executor returned: "timeline entry 16 voided", "paid
// 12,000.00 on claim 745 (payout 1812)". subject, when known, names who the
// request was about (Approval.Subject: a contributor's name) in place of an
// id. Not sanitised: the caller sanitises for its terminal, as for any
// database text.
func Outcome(op Op, payload, result []byte, subject string) string {
	v := readPayload(payload, result)
	str, num, money := v.str, v.num, v.money
	switch op {
	case OpVoidEntry:
		return glossary.TableNoun("timeline_entries").One + " " + str("entry_id") + " voided"
	case OpVoidMilestone:
		return "milestone " + str("milestone_id") + " voided"
	case OpContribution:
		switch {
		case str("contribution_id") != "":
			return "receipt " + str("contribution_id") + " set to " + money("amount_fen")
		case str("contributor_id") != "" && subject != "":
			return "pledge of " + subject + " set to " + money("pledged_fen")
		case str("contributor_id") != "":
			return "pledge of contributor " + str("contributor_id") + " set to " + money("pledged_fen")
		case str("contributor_name") != "":
			return "contributor " + str("contributor_name") + " added, pledging " + money("pledged_fen")
		}
	case OpPayout:
		s := "paid " + money("amount_fen") + " on claim " + str("claim_id")
		if p := str("payout_id"); p != "" {
			s += " (payout " + p + ")"
		}
		return s
	case OpPayoutThreshold:
		return "payout threshold set to " + money("threshold_fen")
	case OpMarginRate:
		return "margin rate of " + str("industry") + " set to " + v.percent("percent")
	case OpRoleGrant:
		return str("user") + " now holds the role " + glossary.Role(str("role"))
	case OpInKindValue:
		s := glossary.Plan("traffic") + " plan valued at " + money("inkind_value_fen")
		if src := str("inkind_value_source"); src != "" {
			s += " by " + src
		}
		if n, ok := num("claims_repriced"); ok {
			s += "; " + glossary.Plural(n, "claim", "claims") + " repriced"
		}
		return s
	case OpFundTerms:
		s := "fund windows changed"
		if n, ok := num("claims_recomputed"); ok {
			s += "; " + glossary.Plural(n, "claim", "claims") + " recomputed"
		}
		return s
	}
	return glossary.Operation(string(op)) + " carried out"
}
