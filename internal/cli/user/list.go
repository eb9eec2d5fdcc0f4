package user

import (
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// ListOptions are `warroom user list`'s.
type ListOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdList parses `warroom user list`; runF replaces the run in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Factory: f}
	c := &cobra.Command{
		Use:   "list",
		Short: "Logins of this database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func listRun(cmd *cobra.Command, opts *ListOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	users, err := access.Users(ctx, conn)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, users)
	}
	// Times in the zone the other commands use, named.
	loc := f.DisplayZone(ctx, conn)
	rows := make([][]string, 0, len(users))
	for _, u := range users {
		state := "active"
		switch {
		case u.RevokedAt != nil:
			state = "revoked"
		case !u.Active:
			state = "awaiting approval"
		}
		rows = append(rows, []string{u.Name, glossary.Role(u.Role), state, u.CreatedBy, u.CreatedAt.In(loc).Format("2006-01-02 15:04 MST")})
	}
	return cmdutil.WriteTable(f.Out, []cmdutil.Column{{Title: "NAME"}, {Title: "ROLE"}, {Title: "STATE"},
		{Title: "CREATED BY"}, {Title: "CREATED"}}, rows)
}
