package fund

import (
	"time"

	"github.com/spf13/pflag"

	"warroom/compensation"
)

// termsFlags are the fund's terms as `fund open` and `fund set` both take
// them: the windows, the payout threshold and the in-kind plan's facts.
// Open requires some of them; set changes whichever are given.
type termsFlags struct {
	BaselineStart, BaselineEnd string
	OutageStart, OutageEnd     string
	Threshold, InKindValue     string
	InKindPlan, InKindSource   string
}

// bind declares the flags; help says what each holds ("start of the
// baseline window") after the verb's word for it ("new", or "" for open).
func (t *termsFlags) bind(fl *pflag.FlagSet, help map[string]string) {
	for _, f := range []struct {
		dst        *string
		name, what string
	}{
		{&t.BaselineStart, "baseline-start", "start of the baseline window"},
		{&t.BaselineEnd, "baseline-end", "end of the baseline window"},
		{&t.OutageStart, "outage-start", "start of the outage"},
		{&t.OutageEnd, "outage-end", "end of the outage"},
		{&t.Threshold, "threshold", "payout approval threshold in yuan"},
		{&t.InKindValue, "inkind-value", "value of one in-kind plan in yuan"},
		{&t.InKindPlan, "inkind-plan", "what the in-kind plan gives a merchant"},
		{&t.InKindSource, "inkind-source", "who valued the in-kind plan"},
	} {
		what := f.what
		if h, ok := help[f.name]; ok {
			what = h
		}
		fl.StringVar(f.dst, f.name, "", what)
	}
}

// windows reads the window flags in the incident's zone; an empty flag
// is a nil bound.
func (t termsFlags) windows(loc *time.Location) (compensation.WindowChange, error) {
	var ch compensation.WindowChange
	for _, w := range []struct {
		flag, s string
		dst     **time.Time
	}{
		{"--baseline-start", t.BaselineStart, &ch.BaselineStart},
		{"--baseline-end", t.BaselineEnd, &ch.BaselineEnd},
		{"--outage-start", t.OutageStart, &ch.OutageStart},
		{"--outage-end", t.OutageEnd, &ch.OutageEnd},
	} {
		v, err := parseWhen(w.flag, w.s, loc)
		if err != nil {
			return ch, err
		}
		*w.dst = v
	}
	return ch, nil
}
