// Package glossary is the one place the words people read for the
// database's machine values live: plans, claim states, milestone, incident,
// action item and approval statuses, severities, roles, audiences,
// operations and table names. The CLI and the console print these words;
// `--json` keeps the machine values, which scripts depend on.
//
// It also formats what people read beside those words: counts with
// thousands separators, money in yuan, plurals and the name of a time zone.
// It imports nothing of warroom's, so every package may use it.
package glossary

import "strings"

// Term is one machine value and the word people read for it.
type Term struct {
	Value string // as stored and as --json prints it
	Word  string // as a person reads it
}

// Set is the terms of one kind of value, in the order people use them.
type Set struct {
	Name  string // what the values are, for messages: "milestone status"
	Terms []Term
}

// Word is v as a person reads it. A value the set does not know (a newer
// database, a free-form duty role) reads with its underscores and dashes as
// spaces, never in its machine spelling.
func (s Set) Word(v string) string {
	for _, t := range s.Terms {
		if t.Value == v {
			return t.Word
		}
	}
	return strings.NewReplacer("_", " ", "-", " ").Replace(v)
}

// Values are the machine values, in order.
func (s Set) Values() []string {
	out := make([]string, len(s.Terms))
	for i, t := range s.Terms {
		out[i] = t.Value
	}
	return out
}

// Words are the words, in order.
func (s Set) Words() []string {
	out := make([]string, len(s.Terms))
	for i, t := range s.Terms {
		out[i] = t.Word
	}
	return out
}

// Parse reads what a person typed, either spelling, as the machine value:
// "in progress", "in-progress", "In_Progress" and "in_progress" all give
// "in_progress"; "in kind" gives "traffic". ok is false for anything else.
func (s Set) Parse(typed string) (value string, ok bool) {
	k := key(typed)
	for _, t := range s.Terms {
		if key(t.Value) == k || key(t.Word) == k {
			return t.Value, true
		}
	}
	return "", false
}

// key folds case and the separators people use between words.
func key(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("_", " ", "-", " ", "'", "").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// The sets. Each one's values are the database's CHECK list for its column
// (glossary_test compares them with the domain packages' lists).
var (
	// Plans a claim can be paid under. "traffic" is the in-kind plan
	// (advertising traffic and services), which people call in kind.
	Plans = Set{"plan", []Term{
		{"cash", "cash"},
		{"traffic", "in kind"},
	}}
	ClaimStates = Set{"claim state", []Term{
		{"awaiting_rate", "awaiting a rate"},
		{"computed", "computed"},
		{"chosen", "chosen"},
		{"approved", "approved"},
		{"paid", "paid"},
		{"rejected", "rejected"},
	}}
	MilestoneStatuses = Set{"milestone status", []Term{
		{"planned", "planned"},
		{"in_progress", "in progress"},
		{"blocked", "blocked"},
		{"done", "done"},
	}}
	ActionStatuses = Set{"action item status", []Term{
		{"open", "open"},
		{"in_progress", "in progress"},
		{"done", "done"},
		{"wont_do", "won't do"},
	}}
	IncidentStatuses = Set{"incident status", []Term{
		{"investigating", "investigating"},
		{"identified", "identified"},
		{"monitoring", "monitoring"},
		{"resolved", "resolved"},
	}}
	Severities = Set{"severity", []Term{
		{"sev1", "sev1"},
		{"sev2", "sev2"},
		{"sev3", "sev3"},
		{"sev4", "sev4"},
	}}
	// Roles are the logins' roles (PostgreSQL group roles).
	Roles = Set{"role", []Term{
		{"commander", "commander"},
		{"engineer", "engineer"},
		{"finance", "finance"},
		{"viewer", "viewer"},
	}}
	// DutyRoles are the places on an incident's duty roster; other words
	// are allowed and read through Set.Word.
	DutyRoles = Set{"duty role", []Term{
		{"commander", "commander"},
		{"deputy", "deputy"},
		{"scribe", "scribe"},
		{"comms-lead", "comms lead"},
	}}
	Audiences = Set{"audience", []Term{
		{"internal", "internal"},
		{"executives", "executives"},
		{"customers", "customers"},
	}}
	ApprovalStates = Set{"approval state", []Term{
		{"pending", "pending"},
		{"approved", "approved"},
		{"rejected", "rejected"},
		{"expired", "expired"},
	}}
	// Operations are the high-risk operations a second person approves.
	Operations = Set{"operation", []Term{
		{"void_entry", "void entry"},
		{"void_milestone", "void milestone"},
		{"contribution", "contribution"},
		{"payout", "payout"},
		{"payout_threshold", "payout threshold"},
		{"margin_rate", "margin rate"},
		{"role_grant", "role grant"},
		{"inkind_value", "in-kind value"},
		{"fund_terms", "fund terms"},
	}}
)

// All is every set, for tests that walk the machine values.
func All() []Set {
	return []Set{Plans, ClaimStates, MilestoneStatuses, ActionStatuses, IncidentStatuses,
		Severities, Roles, DutyRoles, Audiences, ApprovalStates, Operations}
}

// Plan is a claim's plan as people say it; no plan reads "not chosen".
func Plan(v string) string {
	if v == "" {
		return "not chosen"
	}
	return Plans.Word(v)
}

// ClaimState is a claim's state as people say it.
func ClaimState(v string) string { return ClaimStates.Word(v) }

// MilestoneStatus is a milestone's status as people say it.
func MilestoneStatus(v string) string { return MilestoneStatuses.Word(v) }

// ActionStatus is an action item's status as people say it.
func ActionStatus(v string) string { return ActionStatuses.Word(v) }

// IncidentStatus is an incident's status as people say it.
func IncidentStatus(v string) string { return IncidentStatuses.Word(v) }

// Severity is an incident's severity as people say it.
func Severity(v string) string { return Severities.Word(v) }

// Role is a login's role as people say it.
func Role(v string) string { return Roles.Word(v) }

// DutyRole is a place on an incident's roster as people say it.
func DutyRole(v string) string { return DutyRoles.Word(v) }

// Audience is whom an update is written for.
func Audience(v string) string { return Audiences.Word(v) }

// ApprovalState is an approval request's state as people say it.
func ApprovalState(v string) string { return ApprovalStates.Word(v) }

// Operation is a high-risk operation as people say it.
func Operation(v string) string { return Operations.Word(v) }
