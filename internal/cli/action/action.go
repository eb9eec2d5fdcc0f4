// Package action is `warroom action add|set`: remediation action items.
package action

import (
	"time"

	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// NewCmdAction is `warroom action`, with `add` and `set` under it.
func NewCmdAction(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{Use: "action", Short: "Add or change a remediation action item"}
	c.AddCommand(NewCmdAdd(f, nil), NewCmdSet(f, nil))
	return c
}

// dueDate reads --due as a date in the incident's zone; "" is no date.
func dueDate(s string, loc *time.Location) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, _, err := incident.ParseTime(s, loc, time.Now())
	if err != nil {
		return nil, &db.FieldError{Field: "--due", Reason: err.Error()}
	}
	return &t, nil
}
