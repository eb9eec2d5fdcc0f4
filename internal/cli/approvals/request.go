package approvals

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/incident"
	"warroom/internal/cli/cmdutil"
)

// RequestOptions are `warroom approvals request`'s.
type RequestOptions struct {
	Factory *cmdutil.Factory
	Op      access.Op
	Payload map[string]any
	Reason  string
	TTL     time.Duration
}

// NewCmdRequest parses `warroom approvals request`; runF replaces the run in tests.
func NewCmdRequest(f *cmdutil.Factory, runF func(*RequestOptions) error) *cobra.Command {
	opts := &RequestOptions{Factory: f}
	var payload string
	c := &cobra.Command{
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
			opts.Op = access.Op(args[0])
			if err := json.Unmarshal([]byte(payload), &opts.Payload); err != nil {
				return &db.FieldError{Field: "--payload", Reason: "not a JSON object: " + err.Error()}
			}
			if runF != nil {
				return runF(opts)
			}
			return requestRun(cmd, opts)
		},
	}
	c.Flags().StringVar(&payload, "payload", "{}", "the operation's JSON payload")
	c.Flags().StringVar(&opts.Reason, "reason", "", "why (required)")
	c.Flags().DurationVar(&opts.TTL, "ttl", access.DefaultTTL, "how long the request waits")
	return c
}

func requestRun(cmd *cobra.Command, opts *RequestOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var incID int64
	if opts.Op != access.OpRoleGrant {
		inc, err := incident.Resolve(ctx, conn, f.Incident)
		if err != nil {
			return err
		}
		incID = inc.ID
	}
	var id int64
	err = db.Write(ctx, conn, f.As, func(tx *sqlx.Tx) error {
		id, err = access.Request(ctx, tx, opts.Op, incID, opts.Payload, opts.Reason, opts.TTL)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.Out, "requested: approval %d (someone else approves it: warroom approvals approve %d)\n", id, id)
	return nil
}
