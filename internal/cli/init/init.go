// Package initcmd is `warroom init`: set up a fresh shared database.
package initcmd

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
	"warroom/internal/cli/cmdutil"
)

// InitOptions are `warroom init`'s.
type InitOptions struct {
	Factory    *cmdutil.Factory
	Commanders []string
}

// NewCmdInit parses `warroom init`; runF replaces the run in tests.
func NewCmdInit(f *cmdutil.Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{Factory: f}
	c := &cobra.Command{
		Use:   "init --commander NAME [--commander NAME]",
		Short: "Set up a fresh shared database: migrate it and create its first commanders",
		Long: `init is run once, by the owner of a new shared database (a login with
CREATEROLE that owns the database; no superuser needed). It applies the
migrations and creates the first commanders, with the commander role granted
at once, and prints each password once. Name two: every later role grant
needs a second commander's approval. init is refused once the database has
an active commander; from then on commanders add users (warroom user add),
and the owner applies a later version's migrations with 'warroom db migrate'.
See SECURITY.md, "Logins".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(opts.Commanders) == 0 {
				return cmdutil.UsageError("--commander is required (name two: role grants need a second commander)")
			}
			if runF != nil {
				return runF(opts)
			}
			return initRun(cmd, opts)
		},
	}
	c.Flags().StringArrayVar(&opts.Commanders, "commander", nil, "login `name` of a first commander (repeat for a second)")
	return c
}

func initRun(cmd *cobra.Command, opts *InitOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	src, err := f.ResolveSource(ctx)
	if err != nil {
		return err
	}
	if src.Embedded {
		return cmdutil.UsageError("init is for a shared database (--db or DATABASE_URL); the embedded one is set up on first start")
	}
	conn, _, err := f.OpenOwner(ctx) // migrates, as this login
	if err != nil {
		return err
	}
	defer conn.Close()
	var made []access.FirstCommander
	err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
		made, err = access.Bootstrap(ctx, tx, opts.Commanders)
		return err
	})
	if err != nil {
		return err
	}
	for _, m := range made {
		fmt.Fprintf(f.Out, "created commander %s\npassword (shown only now): %s\n", m.Name, m.Password)
	}
	if len(made) == 1 {
		fmt.Fprintln(f.Out, "one commander: role grants need a second one to approve them")
	}
	return nil
}
