package main

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
)

func newInitCmd() *cobra.Command {
	var commanders []string
	c := &cobra.Command{
		Use:   "init --commander NAME [--commander NAME]",
		Short: "Set up a fresh shared database: migrate it and create its first commanders",
		Long: `init is run once, by the owner of a new shared database (a login with
CREATEROLE that owns the database; no superuser needed). It applies the
migrations and creates the first commanders, with the commander role granted
at once, and prints each password once. Name two: every later role grant
needs a second commander's approval. init is refused once the database has
an active commander; from then on commanders add users (warroom user add).
See SECURITY.md, "Logins".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if len(commanders) == 0 {
				return &codedError{code: exitUsage, err: fmt.Errorf("--commander is required (name two: role grants need a second commander)")}
			}
			ctx := cmd.Context()
			src, err := resolveDB(ctx, cmd)
			if err != nil {
				return err
			}
			if src.embedded {
				return &codedError{code: exitUsage, err: fmt.Errorf(
					"init is for a shared database (--db or DATABASE_URL); the embedded one is set up on first start")}
			}
			conn, _, err := openDBSource(cmd) // migrates, as this login
			if err != nil {
				return err
			}
			defer conn.Close()
			var made []access.FirstCommander
			err = db.InTx(ctx, conn, func(tx *sqlx.Tx) error {
				made, err = access.Bootstrap(ctx, tx, commanders)
				return err
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, m := range made {
				fmt.Fprintf(out, "created commander %s\npassword (shown only now): %s\n", m.Name, m.Password)
			}
			if len(made) == 1 {
				fmt.Fprintln(out, "one commander: role grants need a second one to approve them")
			}
			return nil
		},
	}
	c.Flags().StringArrayVar(&commanders, "commander", nil, "login `name` of a first commander (repeat for a second)")
	return c
}
