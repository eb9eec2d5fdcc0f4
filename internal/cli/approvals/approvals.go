// Package approvals is `warroom approvals`: the second-authorisation
// queue (list, approve, reject, request).
package approvals

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// NewCmdApprovals is `warroom approvals` with its commands under it.
func NewCmdApprovals(f *cmdutil.Factory) *cobra.Command {
	c := &cobra.Command{
		Use:   "approvals",
		Short: "Second authorisation: the queue of high-risk requests",
		Long: `High-risk operations (voiding a timeline entry or milestone, changing a
contribution or pledge, a payout above the incident's threshold, a margin
rate change, a role change) are requested by one person and carried out when
a different person approves: a commander for any of them, finance too for
the money ones (a pledge or receipt, a payout, a margin rate, the in-kind
value, the fund's windows). The database enforces this; requests expire
(24 hours by default).`,
	}
	c.AddCommand(NewCmdList(f, nil), NewCmdApprove(f, nil), NewCmdReject(f, nil), NewCmdRequest(f, nil))
	return c
}

// approvalID parses an approval number argument.
func approvalID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, &db.FieldError{Field: "ID", Reason: fmt.Sprintf("%q is not an approval number", s)}
	}
	return id, nil
}
