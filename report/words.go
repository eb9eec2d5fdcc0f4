package report

// Words are every piece of English the report prints, in one place, so a
// Chinese edition is one more value of this type (and a --lang flag), not
// a hunt through templates. Text from the database never comes from here.
type Words struct {
	Lang         string // the HTML lang attribute
	ReportOf     string // document title prefix: "Incident report: "
	Generated    string
	TimesIn      string // "Times in %s."
	Summary      string
	Timeline     string
	Restore      string
	Account      string
	Fund         string
	Integrity    string
	Severity     string
	Status       string
	Started      string
	Resolved     string
	NotResolved  string
	Duration     string
	SoFar        string // after an open incident's duration
	Millions     string // the drawdown chart's axis: "%s (millions)"
	FigOutage    string
	Hours        string // "%d hours"
	DaysHours    string // "%d days %d hours"
	OneDayHours  string // "1 day %d hours"
	OutageHours  string // what the formula uses
	OutageSpan   string // "%s to %s"
	Commander    string
	Nobody       string
	Impact       string
	Merchants    string
	Claims       string
	ClaimsCol    string
	PaidClaims   string
	PaidSoFar    string
	Pledged      string
	Received     string
	Committed    string
	Paid         string
	Remaining    string
	Planned      string
	Actual       string
	Kind         string
	What         string
	ByAuthor     string
	NoEntries    string
	Milestone    string
	Owner        string
	Progress     string
	Overall      string // "Overall progress: %d%%"
	PlanVsActual string
	ChartLegend  string
	History      string
	When         string
	By           string
	Note         string
	NoMilestones string
	Person       string
	Finding      string
	Consequence  string
	Findings     string
	Measures     string
	Action       string
	Due          string
	Reason       string
	NoAccount    string
	Contributors string
	Contributor  string
	Role         string
	Position     string
	Amount       string
	Currency     string // "Amounts in %s."
	Drawdown     string
	Day          string
	PaidThatDay  string
	CumPaid      string
	NoPayouts    string
	ByState      string
	State        string
	Plan         string
	CostsFund    string
	Formula      string
	FormulaText  string
	Example      string // "Worked example: merchant %s (%s), %s claim, %s."
	DailyRevenue string // "daily revenue = %s / %s days = %s (shown rounded; the formula is not)"
	CashLine     string // "cash = %s / %s days × %s%% × %s hours / 24 = %s (rounded once, half up)"
	NoExample    string
	Projection   string
	Available    string
	OpenClaims   string
	Shortfall    string
	ProRata      string // "Every open claim would be paid %s%% of its amount: %s in all."
	Covered      string // "The fund covers the open claims: %s available for %s open."
	AwaitingRate string // "%s claims await a margin rate and are not in the total."
	NoFund       string
	ChainHead    string
	ChainOK      string // "intact: %s links checked"
	ChainBroken  string
	CheckLater   string
	Verified     string
	Sev          map[string]string
	States       map[string]string
	Plans        map[string]string
}

// English is the report's only edition for now.
var English = Words{
	Lang:         "en",
	ReportOf:     "Incident report: ",
	Generated:    "Report made",
	TimesIn:      "Times in %s.",
	Summary:      "Summary",
	Timeline:     "Timeline",
	Restore:      "Restore",
	Account:      "Accountability",
	Fund:         "Compensation fund",
	Integrity:    "Integrity",
	Severity:     "Severity",
	Status:       "Status",
	Started:      "Started",
	Resolved:     "Resolved",
	NotResolved:  "not resolved",
	Duration:     "Duration",
	SoFar:        "so far: still open when this report was made",
	Millions:     "%s (millions)",
	FigOutage:    "Incident duration",
	Hours:        "%s hours",
	DaysHours:    "%d days %d hours",
	OneDayHours:  "1 day %d hours",
	OutageHours:  "Outage the compensation formula uses",
	OutageSpan:   "%s to %s",
	Commander:    "Commander",
	Nobody:       "none named",
	Impact:       "Impact",
	Merchants:    "Merchants affected",
	Claims:       "Compensation claims",
	ClaimsCol:    "Claims",
	PaidClaims:   "Claims paid",
	PaidSoFar:    "Paid so far",
	Pledged:      "Pledged",
	Received:     "Received",
	Committed:    "Committed (approved, not yet paid)",
	Paid:         "Paid",
	Remaining:    "Remaining",
	Planned:      "Planned",
	Actual:       "Actual",
	Kind:         "Kind",
	What:         "What happened",
	ByAuthor:     "by",
	NoEntries:    "No timeline entries.",
	Milestone:    "Milestone",
	Owner:        "Owner",
	Progress:     "Progress",
	Overall:      "Overall progress: %d%%.",
	PlanVsActual: "Milestones, planned against actual",
	ChartLegend:  "Light bar: planned span; dark bar: actual span (to the report's time while still running).",
	History:      "Progress history",
	When:         "When",
	By:           "By",
	Note:         "Note",
	NoMilestones: "No restore milestones.",
	Person:       "Person",
	Finding:      "Finding",
	Consequence:  "Consequence",
	Findings:     "Findings",
	Measures:     "Remediation measures",
	Action:       "Action item",
	Due:          "Due",
	Reason:       "reason",
	NoAccount:    "No findings or remediation measures recorded.",
	Contributors: "Contributors",
	Contributor:  "Contributor",
	Role:         "Role",
	Position:     "Position",
	Amount:       "Amount",
	Currency:     "Amounts in %s.",
	Drawdown:     "Fund drawdown: what is left of the pledged total after each day of payouts",
	Day:          "Day",
	PaidThatDay:  "Paid that day",
	CumPaid:      "Paid to date",
	NoPayouts:    "No payouts yet.",
	ByState:      "Claims by state and plan",
	State:        "State",
	Plan:         "Plan",
	CostsFund:    "Costs the fund",
	Formula:      "The formula",
	FormulaText:  "cash = daily revenue × industry margin × outage duration, where daily revenue is the tax-excluded sales in the baseline window divided by its length in days. It is computed as one exact fraction and rounded once, to the fen, at the end. An in-kind (traffic) plan costs the fund its internal value instead.",
	Example:      "Worked example: merchant %s (%s, industry %s), %s claim, %s.",
	DailyRevenue: "daily revenue = %s / %s days = %s (shown rounded; the formula uses the exact figure)",
	CashLine:     "cash = %s / %s days × %s%% × %s hours / 24 = %s",
	NoExample:    "No claim has been computed yet.",
	Projection:   "Projection",
	Available:    "Available (pledged − committed − paid)",
	OpenClaims:   "Open claims (computed or chosen)",
	Shortfall:    "Shortfall",
	ProRata:      "The fund is short. Pro rata, every open claim would be paid %s%% of its amount, rounded down to the fen: %s in all. Approved and paid claims are honoured in full.",
	Covered:      "The fund covers the open claims: %s available for %s open.",
	AwaitingRate: "%s claims await a margin rate and are not in the total.",
	NoFund:       "This incident has no compensation fund.",
	ChainHead:    "Audit chain head",
	ChainOK:      "intact when this report was made (%s links checked)",
	ChainBroken:  "BROKEN when this report was made: %s",
	CheckLater:   "To check later that the database still holds this history, run:",
	Verified:     "Verification",
	Sev:          map[string]string{"sev1": "SEV1 (critical)", "sev2": "SEV2 (major)", "sev3": "SEV3 (minor)", "sev4": "SEV4 (low)"},
	States: map[string]string{"awaiting_rate": "awaiting rate", "computed": "computed", "chosen": "chosen",
		"approved": "approved", "paid": "paid", "rejected": "rejected",
		"planned": "planned", "in_progress": "in progress", "blocked": "blocked", "done": "done",
		"open": "open", "wont_do": "won't do",
		"investigating": "investigating", "identified": "identified", "monitoring": "monitoring", "resolved": "resolved"},
	Plans: map[string]string{"cash": "cash", "traffic": "in-kind (traffic)", "": "none chosen"},
}

// word looks a code up in a word map, falling back to the code itself
// (a status added later still prints).
func word(m map[string]string, code string) string {
	if w, ok := m[code]; ok {
		return w
	}
	return code
}
