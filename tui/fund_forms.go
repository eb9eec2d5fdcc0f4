package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/jmoiron/sqlx"

	"warroom/access"
	"warroom/compensation"
	"warroom/glossary"
	"warroom/incident"
)

// The Fund view's forms, as the CLI's `fund open|set|pledge|receive`:
// money received is written at once (finance); a new fund is opened at once
// (commanders); a pledge and a change of a window or of the threshold are
// filed as approval requests, which a different person approves in the
// Approvals view; what the in-kind plan gives and who valued it move no
// money and are written at once. The database says who may: a refusal
// lands on the form's message line.

var fundFormKeys = struct{ Receive, Pledge, Terms, Open key.Binding }{
	Receive: key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "record money received")),
	Pledge:  key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pledge (approval request)")),
	Terms:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "set terms")),
	Open:    key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open a fund")),
}

type fundFormKind int

const (
	fundFormReceive fundFormKind = iota
	fundFormPledge
	fundFormTerms
	fundFormOpen
)

// fundForm is an open form of the Fund view. done is what the write did,
// filled in by the write (off the UI goroutine) and read once its
// writeDoneMsg has arrived.
type fundForm struct {
	f    *form
	kind fundFormKind
	tag  string
	done *string
}

// fundTimeLayout is how the forms show and read times (in the incident's zone).
const fundTimeLayout = "2006-01-02 15:04"

func fundTimeText(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(fundTimeLayout)
}

// yuanText is fen as the forms take it back: "10000" or "10000.5".
func yuanText(fen int64) string {
	return strings.ReplaceAll(compensation.FormatFen(fen), ",", "")
}

func newFundReceiveForm(st *Styles, contributor string, loc *time.Location, now time.Time) *fundForm {
	f := newForm(st, "Record money received")
	f.context = "one transfer into the fund (finance); times in " + loc.String()
	f.addText("contributor", "Contributor", contributor, "as in the contributors table")
	f.addText("amount", "Amount", "", "yuan, e.g. 5000000")
	f.addText("at", "Received at", now.In(loc).Format(fundTimeLayout), fundTimeLayout)
	f.addText("reference", "Reference", "", "bank reference or voucher number")
	return &fundForm{f: f.start(), kind: fundFormReceive, tag: nextTag("fund:receive")}
}

func newFundPledgeForm(st *Styles, c *compensation.Contributor) *fundForm {
	f := newForm(st, "Pledge")
	f.context = "a new contributor, or the new total of one in the fund: filed as an approval request"
	var name, native, role, note string
	if c != nil {
		name, native, role, note = c.Name, c.NativeName, c.Role, c.PledgeNote
	}
	f.addText("contributor", "Contributor", name, "name; a new one is added")
	f.addText("amount", "Pledged", "", "yuan, the whole pledge")
	f.addText("native_name", "Native name", native, "optional")
	f.addText("role", "Role", role, "optional")
	f.addText("pledge_note", "Pledge note", note, `as the source states it, e.g. "more than 5,000,000"`)
	f.addText("reason", "Reason", "", "for the approver: where the pledge comes from")
	return &fundForm{f: f.start(), kind: fundFormPledge, tag: nextTag("fund:pledge")}
}

func newFundTermsForm(st *Styles, fund *compensation.Fund, loc *time.Location) *fundForm {
	t := fund.Terms
	f := newForm(st, "Fund terms")
	f.context = "window and threshold changes are filed as approval requests; times in " + loc.String()
	f.addText("baseline_start", "Baseline start", fundTimeText(t.BaselineStart, loc), fundTimeLayout)
	f.addText("baseline_end", "Baseline end", fundTimeText(t.BaselineEnd, loc), fundTimeLayout)
	f.addText("outage_start", "Outage start", fundTimeText(t.OutageStart, loc), fundTimeLayout)
	end, hint := fundTimeText(t.OutageEnd, loc), fundTimeLayout+"; once set, it moves but cannot follow the resolution again"
	if t.OutageEndFollows {
		end, hint = "", "blank: follows the resolution; a time sets it" // follows until one is given
	}
	f.addText("outage_end", "Outage end", end, hint)
	f.addText("threshold", "Threshold", yuanText(t.ThresholdFen), "yuan; payouts above need a second person")
	f.addText("inkind_plan", "In-kind plan", fund.InKindPlan, "what the plan gives a merchant")
	f.addText("inkind_source", "Valued by", fund.InKindValueSource, "blank: its value is an assumption")
	f.addText("reason", "Reason", "", "for the approver")
	return &fundForm{f: f.start(), kind: fundFormTerms, tag: nextTag("fund:terms")}
}

func newFundOpenForm(st *Styles, loc *time.Location) *fundForm {
	f := newForm(st, "Open the compensation fund")
	f.context = "one fund per incident, opened by a commander; times in " + loc.String()
	f.addText("baseline_start", "Baseline start", "", fundTimeLayout+" (normal sales from)")
	f.addText("baseline_end", "Baseline end", "", fundTimeLayout)
	f.addText("outage_start", "Outage start", "", fundTimeLayout)
	f.addText("outage_end", "Outage end", "", "blank: follows the resolution")
	f.addText("threshold", "Threshold", "", "yuan; payouts above need a second person")
	f.addText("currency", "Currency", "CNY", "ISO 4217")
	f.addText("inkind_value", "In-kind value", "", "yuan per plan; blank: 12000, an assumption")
	f.addText("inkind_source", "Valued by", "", "who valued the plan (with a value)")
	f.addText("inkind_plan", "In-kind plan", "", "what the plan gives a merchant")
	return &fundForm{f: f.start(), kind: fundFormOpen, tag: nextTag("fund:open")}
}

// fundFieldAliases maps the domain's field names (the CLI's flags and
// arguments) to the forms' fields.
var fundFieldAliases = map[string]string{
	"CONTRIBUTOR": "contributor", "AMOUNT": "amount", "--at": "at", "--reference": "reference",
	"--baseline-start": "baseline_start", "--baseline-end": "baseline_end",
	"--outage-start": "outage_start", "--outage-end": "outage_end",
	"--threshold": "threshold", "--inkind-value": "inkind_value", "reason": "reason",
}

// fundTime reads a time field (blank: nil).
func (e *fundForm) fundTime(name string, loc *time.Location, now time.Time) *time.Time {
	s := strings.TrimSpace(e.f.Value(name))
	if s == "" {
		return nil
	}
	t, _, err := incident.ParseTime(s, loc, now)
	if err != nil {
		e.f.SetFieldError(name, err.Error())
		return nil
	}
	return &t
}

// fundAmount reads a yuan field (blank: nil).
func (e *fundForm) fundAmount(name string) *int64 {
	s := strings.TrimSpace(e.f.Value(name))
	if s == "" {
		return nil
	}
	fen, err := compensation.ParseYuan(s)
	if err != nil {
		e.f.SetFieldError(name, err.Error())
		return nil
	}
	return &fen
}

// required marks an empty field.
func (e *fundForm) required(names ...string) {
	for _, n := range names {
		if strings.TrimSpace(e.f.Value(n)) == "" {
			e.f.SetFieldError(n, "required")
		}
	}
}

// save checks what the form can and returns the write; nil when a field is
// wrong (its error is on screen).
func (e *fundForm) save(fund *compensation.Fund, incID int64, loc *time.Location, now time.Time) tea.Cmd {
	e.f.ClearErrors()
	var fn func(ctx context.Context, tx *sqlx.Tx) (string, error)
	switch e.kind {
	case fundFormReceive:
		fn = e.saveReceive(incID, loc, now)
	case fundFormPledge:
		fn = e.savePledge(incID)
	case fundFormTerms:
		fn = e.saveTerms(fund, incID, loc, now)
	case fundFormOpen:
		fn = e.saveOpen(incID, loc, now)
	}
	if fn == nil || e.f.HasErrors() {
		return nil
	}
	e.f.saving = true
	done := new(string)
	e.done = done
	return requestWrite(e.tag, func(ctx context.Context, tx *sqlx.Tx) error {
		s, err := fn(ctx, tx)
		*done = s
		return err
	})
}

func (e *fundForm) saveReceive(incID int64, loc *time.Location, now time.Time) func(context.Context, *sqlx.Tx) (string, error) {
	e.required("contributor", "amount", "at", "reference")
	fen := e.fundAmount("amount")
	at := e.fundTime("at", loc, now)
	if e.f.HasErrors() || fen == nil || at == nil {
		return nil
	}
	in := compensation.ReceiveInput{Contributor: e.f.Value("contributor"), AmountFen: *fen, At: *at, Reference: e.f.Value("reference")}
	return func(ctx context.Context, tx *sqlx.Tx) (string, error) {
		r, err := compensation.Receive(ctx, tx, incID, in, now)
		if err != nil {
			return "", err
		}
		what := "received"
		if r.AlreadyRecorded {
			what = "already recorded, nothing added:"
		}
		return fmt.Sprintf("%s %s from %s (transfer %d); %s has now sent %s", what, compensation.FormatFen(r.AmountFen),
			r.Contributor, r.ID, r.Contributor, compensation.FormatFen(r.ReceivedFen)), nil
	}
}

func (e *fundForm) savePledge(incID int64) func(context.Context, *sqlx.Tx) (string, error) {
	e.required("contributor", "amount", "reason")
	fen := e.fundAmount("amount")
	if e.f.HasErrors() || fen == nil {
		return nil
	}
	in := compensation.PledgeInput{Name: strings.TrimSpace(e.f.Value("contributor")), PledgedFen: *fen,
		NativeName: e.f.Value("native_name"), Role: e.f.Value("role"), PledgeNote: e.f.Value("pledge_note")}
	reason := fmt.Sprintf("pledge of %s: %s (%s)", in.Name, compensation.FormatFen(in.PledgedFen), strings.TrimSpace(e.f.Value("reason")))
	return func(ctx context.Context, tx *sqlx.Tx) (string, error) {
		p, err := compensation.PledgeRequest(ctx, tx, incID, in)
		if err != nil {
			return "", err
		}
		id, err := access.Request(ctx, tx, access.OpContribution, incID, p, reason, 0)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("filed approval request %d (%s) for the pledge of %s; a different person approves it in Approvals (5)",
			id, glossary.Operation(string(access.OpContribution)), in.Name), nil
	}
}

// saveTerms files a request for the windows and one for the threshold when
// they changed, and writes the in-kind plan's facts at once.
func (e *fundForm) saveTerms(fund *compensation.Fund, incID int64, loc *time.Location, now time.Time) func(context.Context, *sqlx.Tx) (string, error) {
	t := fund.Terms
	var ch compensation.WindowChange
	for _, w := range []struct {
		name string
		cur  *time.Time
		dst  **time.Time
	}{{"baseline_start", t.BaselineStart, &ch.BaselineStart}, {"baseline_end", t.BaselineEnd, &ch.BaselineEnd},
		{"outage_start", t.OutageStart, &ch.OutageStart}, {"outage_end", t.OutageEnd, &ch.OutageEnd}} {
		fld := e.f.Field(w.name)
		if fld.Value() == fld.orig {
			continue
		}
		v := e.fundTime(w.name, loc, now)
		if v == nil && !e.f.HasErrors() {
			e.f.SetFieldError(w.name, "a window bound cannot be taken away, only moved")
			continue
		}
		if v != nil && (w.cur == nil || !v.Equal(*w.cur)) {
			*w.dst = v
		}
	}
	var thr *int64
	if fld := e.f.Field("threshold"); fld.Value() != fld.orig {
		e.required("threshold")
		if v := e.fundAmount("threshold"); v != nil && *v != t.ThresholdFen {
			thr = v
		}
	}
	var plan, source *string
	if fld := e.f.Field("inkind_plan"); fld.Value() != fld.orig {
		s := fld.Value()
		plan = &s
	}
	if fld := e.f.Field("inkind_source"); fld.Value() != fld.orig {
		s := fld.Value()
		source = &s
	}
	if (!ch.Empty() || thr != nil) && strings.TrimSpace(e.f.Value("reason")) == "" {
		e.f.SetFieldError("reason", "say why: the approver and the audit trail read it")
	}
	if e.f.HasErrors() {
		return nil
	}
	if ch.Empty() && thr == nil && plan == nil && source == nil {
		e.f.msg = "nothing changed"
		return nil
	}
	reason := strings.TrimSpace(e.f.Value("reason"))
	return func(ctx context.Context, tx *sqlx.Tx) (string, error) {
		var said []string
		if err := compensation.SetInKindFacts(ctx, tx, incID, plan, source); err != nil {
			return "", err
		}
		if plan != nil || source != nil {
			said = append(said, "the in-kind plan's description is saved")
		}
		if !ch.Empty() {
			imp, err := compensation.PreviewWindows(ctx, tx, incID, ch)
			if err != nil {
				return "", err
			}
			id, err := access.Request(ctx, tx, access.OpFundTerms, incID, ch.Payload(), "the fund's windows: "+reason, 0)
			if err != nil {
				return "", err
			}
			said = append(said, fmt.Sprintf("filed approval request %d (%s): %s open claims, %s change, cash %s -> %s",
				id, glossary.Operation(string(access.OpFundTerms)), glossary.Count(imp.Claims), glossary.Count(imp.Changing),
				compensation.FormatFen(imp.CashBeforeFen), compensation.FormatFen(imp.CashAfterFen)))
		}
		if thr != nil {
			id, err := access.Request(ctx, tx, access.OpPayoutThreshold, incID, map[string]int64{"threshold_fen": *thr},
				"payout threshold "+compensation.FormatFen(*thr)+": "+reason, 0)
			if err != nil {
				return "", err
			}
			said = append(said, fmt.Sprintf("filed approval request %d (%s)", id, glossary.Operation(string(access.OpPayoutThreshold))))
		}
		if !ch.Empty() || thr != nil {
			said = append(said, "a different person approves in Approvals (5)")
		}
		return strings.Join(said, "; "), nil
	}
}

func (e *fundForm) saveOpen(incID int64, loc *time.Location, now time.Time) func(context.Context, *sqlx.Tx) (string, error) {
	e.required("baseline_start", "baseline_end", "outage_start", "threshold")
	in := compensation.OpenInput{Currency: strings.ToUpper(strings.TrimSpace(e.f.Value("currency"))),
		InKindSource: strings.TrimSpace(e.f.Value("inkind_source"))}
	bs, be, os := e.fundTime("baseline_start", loc, now), e.fundTime("baseline_end", loc, now), e.fundTime("outage_start", loc, now)
	in.OutageEnd = e.fundTime("outage_end", loc, now)
	thr := e.fundAmount("threshold")
	in.InKindValueFen = e.fundAmount("inkind_value")
	if (in.InKindValueFen != nil) != (in.InKindSource != "") && !e.f.HasErrors() {
		e.f.SetFieldError("inkind_source", "an in-kind value and who valued it go together")
	}
	if e.f.HasErrors() || bs == nil || be == nil || os == nil || thr == nil {
		return nil
	}
	in.BaselineStart, in.BaselineEnd, in.OutageStart, in.ThresholdFen = *bs, *be, *os, *thr
	plan := strings.TrimSpace(e.f.Value("inkind_plan"))
	return func(ctx context.Context, tx *sqlx.Tx) (string, error) {
		if err := compensation.OpenFund(ctx, tx, incID, in); err != nil {
			return "", err
		}
		if plan != "" {
			if err := compensation.SetInKindFacts(ctx, tx, incID, &plan, nil); err != nil {
				return "", err
			}
		}
		return "opened the compensation fund; payouts above " + compensation.FormatFen(in.ThresholdFen) +
			" need a second person; pledges come next (p)", nil
	}
}

// fundFormDone is the flash a finished write leaves on the overview.
func (e *fundForm) result() string {
	if e.done == nil {
		return ""
	}
	return *e.done
}

// openForm opens the form a key asks for; false when the key opens none.
func (v *fundView) openForm(msg tea.KeyPressMsg) bool {
	now := time.Now()
	switch {
	case v.fund == nil && key.Matches(msg, fundFormKeys.Open):
		v.form = newFundOpenForm(v.st, v.loc)
	case v.fund != nil && v.mayReceive && key.Matches(msg, fundFormKeys.Receive):
		name := ""
		if c, ok := v.list.SelectedRow(); ok {
			name = c.Name
		}
		v.form = newFundReceiveForm(v.st, name, v.loc, now)
	case v.fund != nil && key.Matches(msg, fundFormKeys.Pledge):
		var sel *compensation.Contributor
		if c, ok := v.list.SelectedRow(); ok {
			sel = c
		}
		v.form = newFundPledgeForm(v.st, sel)
	case v.fund != nil && key.Matches(msg, fundFormKeys.Terms):
		v.form = newFundTermsForm(v.st, v.fund, v.loc)
	default:
		return false
	}
	v.flash, v.flashBad = "", false
	v.form.f.SetWidth(v.width)
	return true
}

// formKey passes a key to the open form and acts on what it asks for.
func (v *fundView) formKey(msg tea.KeyPressMsg) tea.Cmd {
	act, cmd := v.form.f.Update(msg)
	switch act {
	case formSave:
		return v.form.save(v.fund, v.incID, v.loc, time.Now())
	case formCancel:
		v.form = nil
	}
	return cmd
}

// formDone takes the answer to the open form's write.
func (v *fundView) formDone(done writeDoneMsg) tea.Cmd {
	if v.form == nil || done.tag != v.form.tag {
		return nil
	}
	if done.err != nil {
		v.form.f.Fail(done.err, fundFieldAliases)
		return nil
	}
	v.flash, v.flashBad = SanitizeLine(v.form.result()), false
	v.form = nil
	return reloadCmd
}

// formHelp is the open form's keys, or the overview's form keys.
func (v *fundView) formKeysHelp() []key.Binding {
	if v.fund == nil {
		return []key.Binding{fundFormKeys.Open}
	}
	if !v.mayReceive {
		return []key.Binding{fundFormKeys.Pledge, fundFormKeys.Terms}
	}
	return []key.Binding{fundFormKeys.Receive, fundFormKeys.Pledge, fundFormKeys.Terms}
}

// Unsaved is true while an open form holds typed input.
func (v *fundView) Unsaved() bool { return v.form != nil && v.form.f.changed() }

// cashStyle is the cash on hand's colour: bad when approved claims owe
// more than it.
func cashStyle(st *Styles, f *compensation.Fund) lipgloss.Style {
	if f.CashShort || f.CashOnHandFen < 0 {
		return st.Bad
	}
	return st.Good
}

// flashLine is what the last form did.
func (v *fundView) flashLine() string {
	style := v.st.Good
	if v.flashBad {
		style = v.st.Bad
	}
	return style.Render(fit("  "+v.flash, v.width))
}

// inKindLines say what one in-kind plan costs (marked when the value is
// an assumption) and what it gives a merchant, wrapped to w.
func (v *fundView) inKindLines(w int) []string {
	f, st := v.fund, v.st
	if f == nil {
		return nil
	}
	var out []string
	for i, l := range wrapText(inKindText(f, "an assumption: no source valued it"), max(w-4, 10), 4) {
		if i == 0 {
			out = append(out, st.Muted.Render(fit("  "+l, w)))
		} else {
			out = append(out, st.Muted.Render(fit("    "+l, w)))
		}
	}
	return out
}

// fundFactsChartRoom is the chart height the overview keeps before it
// gives room to the facts under the figures.
const fundFactsChartRoom = 8

// summaryFacts are the lines under the fund's figures (above is lines of
// them): the warning when approved claims owe more than the cash on hand,
// always; then, when the contributors and a chart still fit, the in-kind
// plan (its value marked when it is an assumption; the claims page always
// shows it) and the selected contributor's pledge as the source states it;
// and what the last form did.
func (v *fundView) summaryFacts(above int) []string {
	f, st, w := v.fund, v.st, v.width
	var out, facts []string
	if warn := f.CashWarning(); warn != "" {
		out = append(out, st.Bad.Render(fit("  ! "+warn, w)))
	}
	if v.flash != "" {
		out = append(out, v.flashLine())
	}
	facts = v.inKindLines(w)
	if v.hasPledgeNotes() {
		line := "  " + pledgeMark + " Selected pledge, as the source states it: "
		if c, ok := v.list.SelectedRow(); ok {
			note := c.PledgeNote
			if note == "" {
				note = "exact"
			}
			line += note
		}
		facts = append(facts, st.Muted.Render(fit(line, w)))
	}
	// Figures, these lines, a blank, the table's title and header, its rows, a chart.
	need := above + len(out) + len(facts) + 3 + max(v.list.Len(), 1) + 2 + fundFactsChartRoom
	v.factsCompact = v.height < need
	if v.factsCompact {
		// No room: the plan in one line, in place of the blank under the
		// figures (the claims page has it in full); the pledge notes go
		// on the contributors' title line (pledgeNoteHint).
		return append(out, v.inKindLine(w))
	}
	return append(out, facts...)
}

// pledgeMark follows a pledge the source states other than exactly
// ("more than 35,000,000"); the note itself is under the figures, or on
// the contributors' title line when the screen is small.
const pledgeMark = "*"

func (v *fundView) hasPledgeNotes() bool {
	return v.fund != nil && slices.ContainsFunc(v.fund.Contributors, func(c compensation.Contributor) bool { return c.PledgeNote != "" })
}

// pledgeNoteHint is the selected pledge's note for the contributors' title
// line: "* more than 35,000,000 (the statement's minimum)".
func (v *fundView) pledgeNoteHint() string {
	if !v.hasPledgeNotes() {
		return ""
	}
	if c, ok := v.list.SelectedRow(); ok && c.PledgeNote != "" {
		return pledgeMark + " " + c.PledgeNote
	}
	return pledgeMark + " not exact: select one for the source's words"
}

// inKindLine is the in-kind plan in one line: its value, whether that is
// an assumption, and as much of what it gives as fits.
func (v *fundView) inKindLine(w int) string {
	return v.st.Muted.Render(fit("  "+inKindText(v.fund, "assumed"), w))
}

// inKindText is the in-kind plan's value, who valued it (or assumed, in
// the caller's words) and what it gives.
func inKindText(f *compensation.Fund, assumed string) string {
	basis := assumed
	if !f.InKindValueAssumed {
		basis = "valued by " + f.InKindValueSource
	}
	plan := f.InKindPlan
	if plan == "" {
		plan = "not described (s sets it)"
	}
	return fmt.Sprintf("In-kind plan, %s each (%s): %s", compensation.FormatFen(f.InKindValueFen), basis, plan)
}
