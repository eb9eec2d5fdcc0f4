package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/compensation"
	"warroom/db"
	"warroom/incident"
)

func approvalID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, &db.FieldError{Field: "ID", Reason: fmt.Sprintf("%q is not an approval number", s)}
	}
	return id, nil
}

func newApprovalsCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "approvals",
		Short: "Second authorisation: the queue of high-risk requests",
		Long: `High-risk operations (voiding a timeline entry or milestone, changing a
contribution or pledge, a payout above the incident's threshold, a margin
rate change, a role change) are requested by one person and carried out when
a different person with an approver role approves. The database enforces
this; requests expire (24 hours by default).`,
	}
	var all, asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "Pending requests (--all: every request, newest first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			var incID int64
			if slug := incidentFlag(cmd); slug != "" {
				inc, err := incident.BySlug(cmd.Context(), conn, slug)
				if err != nil {
					return err
				}
				incID = inc.ID
			}
			var as []access.Approval
			if all {
				as, err = access.Approvals(cmd.Context(), conn, incID, 200)
			} else {
				as, err = access.Pending(cmd.Context(), conn, incID)
			}
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), as)
			}
			loc := displayZone(cmd, conn)
			rows := make([][]string, 0, len(as))
			for _, a := range as {
				decided := ""
				if a.DecidedBy != nil {
					decided = *a.DecidedBy
				}
				rows = append(rows, []string{strconv.FormatInt(a.ID, 10), string(a.Op), string(a.Payload), a.Reason,
					a.RequestedBy, a.RequestedAt.In(loc).Format("01-02 15:04 MST"), a.State, decided,
					time.Until(a.ExpiresAt).Round(time.Minute).String()})
			}
			return writeTable(cmd.OutOrStdout(), []column{{title: "ID", right: true}, {title: "OPERATION"},
				{title: "PAYLOAD"}, {title: "REASON"}, {title: "BY"}, {title: "AT"}, {title: "STATE"},
				{title: "DECIDED BY"}, {title: "EXPIRES IN"}}, rows)
		},
	}
	list.Flags().BoolVar(&all, "all", false, "every request, not only pending ones")
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")

	var note, as string
	decide := func(use, short string, fn func(cmd *cobra.Command, tx *sqlx.Tx, id int64) (string, error)) *cobra.Command {
		d := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				id, err := approvalID(args[0])
				if err != nil {
					return err
				}
				conn, err := openAs(cmd, as)
				if err != nil {
					return err
				}
				defer conn.Close()
				var msg string
				err = db.Write(cmd.Context(), conn, as, func(tx *sqlx.Tx) error {
					msg, err = fn(cmd, tx, id)
					return err
				})
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), msg)
				return nil
			},
		}
		d.Flags().StringVar(&note, "note", "", "a note kept with the decision")
		d.Flags().StringVar(&as, "as", "", "decide as `name` (embedded database only)")
		return d
	}
	approve := decide("approve ID", "Approve a request and carry it out (not your own)",
		func(cmd *cobra.Command, tx *sqlx.Tx, id int64) (string, error) {
			res, err := compensation.ApproveRequest(cmd.Context(), tx, id, note)
			return fmt.Sprintf("approved %d: %s", id, cleanLine(string(res))), err
		})
	reject := decide("reject ID", "Reject a request (or withdraw your own)",
		func(cmd *cobra.Command, tx *sqlx.Tx, id int64) (string, error) {
			return fmt.Sprintf("rejected %d", id), access.Reject(cmd.Context(), tx, id, note)
		})

	var payload, reason string
	var ttl time.Duration
	var reqAs string
	request := &cobra.Command{
		Use:   "request OP --payload JSON --reason TEXT",
		Short: "Request a high-risk operation in the current incident",
		Long: `Operations and payloads:
  void_entry        {"entry_id": 12}
  void_milestone    {"milestone_id": 3}
  contribution      {"contribution_id": 4, "amount_fen": 100} or {"contributor_id": 2, "pledged_fen": 500}
  payout            {"claim_id": 9, "amount_fen": 2000000, "idempotency_key": "..."}
  payout_threshold  {"threshold_fen": 1000000}
  margin_rate       {"industry": "retail", "percent": "21.5", "source": "..."}
  role_grant        {"user": "alice", "role": "finance"}`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var body map[string]any
			if err := json.Unmarshal([]byte(payload), &body); err != nil {
				return &db.FieldError{Field: "--payload", Reason: "not a JSON object: " + err.Error()}
			}
			conn, err := openAs(cmd, reqAs)
			if err != nil {
				return err
			}
			defer conn.Close()
			var incID int64
			if access.Op(args[0]) != access.OpRoleGrant {
				inc, err := incident.Resolve(cmd.Context(), conn, incidentFlag(cmd))
				if err != nil {
					return err
				}
				incID = inc.ID
			}
			var id int64
			err = db.Write(cmd.Context(), conn, reqAs, func(tx *sqlx.Tx) error {
				id, err = access.Request(cmd.Context(), tx, access.Op(args[0]), incID, body, reason, ttl)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "requested: approval %d (someone else approves it: warroom approvals approve %d)\n", id, id)
			return nil
		},
	}
	request.Flags().StringVar(&payload, "payload", "{}", "the operation's JSON payload")
	request.Flags().StringVar(&reason, "reason", "", "why (required)")
	request.Flags().DurationVar(&ttl, "ttl", access.DefaultTTL, "how long the request waits")
	request.Flags().StringVar(&reqAs, "as", "", "request as `name` (embedded database only)")

	c.AddCommand(list, approve, reject, request)
	return c
}
