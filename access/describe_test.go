package access_test

import (
	"strings"
	"testing"
	"time"

	"warroom/access"
)

// A request reads as what it asks for, in words: never its JSON, its
// machine names, or amounts in fen.
func TestDescribeSaysWhatARequestAsks(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		op      access.Op
		payload string
		subject string
		want    string
	}{
		{access.OpVoidEntry, `{"entry_id": 16}`, "Monitoring alarms", "timeline entry 16: Monitoring alarms"},
		{access.OpVoidEntry, `{"entry_id": 16}`, "", "timeline entry 16"},
		{access.OpVoidMilestone, `{"milestone_id": 3}`, "core-env: Core environment", "milestone core-env: Core environment"},
		{access.OpContribution, `{"contribution_id": 4, "amount_fen": 500000}`, "The company", "receipt 4 (The company) set to 5,000.00"},
		{access.OpContribution, `{"contributor_id": 2, "pledged_fen": 3500000000, "pledge_note": "more than 35,000,000"}`, "Sun Taoyong",
			"pledge of Sun Taoyong set to 35,000,000.00 (more than 35,000,000)"},
		{access.OpContribution, `{"contributor_name": "Li Na", "pledged_fen": 100}`, "", "new contributor Li Na pledging 1.00"},
		{access.OpPayout, `{"claim_id": 17, "amount_fen": 2500000000, "idempotency_key": "batch-7"}`, "M000017 Jinfu",
			"25,000,000.00 on claim 17 (M000017 Jinfu)"},
		{access.OpPayoutThreshold, `{"threshold_fen": 5000000}`, "", "set to 50,000.00"},
		{access.OpMarginRate, `{"industry": "retail", "percent": 28.0000, "source": "CFO"}`, "", "retail at 28% (source: CFO)"},
		{access.OpRoleGrant, `{"user": "dan", "role": "finance"}`, "", "dan gets the finance role"},
		{access.OpInKindValue, `{"inkind_value_fen": 1200000}`, "", "in kind plan valued at 12,000.00"},
		{access.OpFundTerms, `{"outage_end": "2020-03-03T01:00:00Z"}`, "", "outage to 2020-03-03 09:00 CST"},
		{"some_new_op", `{"x_fen": 150, "who": "a"}`, "", "who=a x=1.50"},
	} {
		a := access.Approval{Op: c.op, Payload: access.JSON(c.payload), Subject: c.subject}
		got := access.Describe(a, sh)
		if got != c.want {
			t.Errorf("%s %s: %q, want %q", c.op, c.payload, got, c.want)
		}
		if strings.ContainsAny(got, "{}\"") || strings.Contains(got, "_fen") {
			t.Errorf("%s: %q shows the payload's JSON", c.op, got)
		}
	}
}

// TestPayloadKeyValues: a payload nobody described reads as sorted
// key=value pairs with amounts in yuan; what is not an object stays as it
// is, and null is nothing.
func TestPayloadKeyValues(t *testing.T) {
	for in, want := range map[string]string{
		`{"zeta": "z", "amount_fen": 1234567, "claim_id": 17}`: "amount=12,345.67 claim_id=17 zeta=z",
		`"just text"`: `"just text"`,
		`null`:        "",
		``:            "",
	} {
		if got := access.PayloadKeyValues([]byte(in)); got != want {
			t.Errorf("PayloadKeyValues(%s) = %q, want %q", in, got, want)
		}
	}
}
