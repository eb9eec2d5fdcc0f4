package user

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// WhoAmIOptions are `warroom user whoami`'s.
type WhoAmIOptions struct {
	Factory *cmdutil.Factory
	JSON    bool
}

// NewCmdWhoAmI parses `warroom user whoami`; runF replaces the run in tests.
func NewCmdWhoAmI(f *cmdutil.Factory, runF func(*WhoAmIOptions) error) *cobra.Command {
	opts := &WhoAmIOptions{Factory: f}
	c := &cobra.Command{
		Use:   "whoami",
		Short: "Who this connection acts as, and its roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return whoAmIRun(cmd, opts)
		},
	}
	cmdutil.AddJSONFlag(c, &opts.JSON)
	return c
}

func whoAmIRun(cmd *cobra.Command, opts *WhoAmIOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	me, err := access.WhoAmI(ctx, conn)
	if err != nil {
		return err
	}
	if opts.JSON {
		return cmdutil.WriteJSON(f.Out, me)
	}
	su := ""
	if me.Superuser {
		su = " (superuser: bypasses roles and guards)"
	}
	roles := make([]string, len(me.Roles))
	for i, r := range me.Roles {
		roles[i] = glossary.Role(r)
	}
	if len(roles) == 0 {
		roles = []string{"no role"}
	}
	fmt.Fprintf(f.Out, "%s%s: %s\n", cmdutil.CleanLine(me.Name), su, strings.Join(roles, ", "))
	return nil
}
