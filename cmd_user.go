package main

import (
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/db"
)

// openAs connects for a write attributed to as, which, as for every other
// write, only the single-user embedded database accepts.
func openAs(cmd *cobra.Command, as string) (*sqlx.DB, error) {
	conn, src, err := openDBSource(cmd)
	if err != nil {
		return nil, err
	}
	if as != "" && !src.embedded {
		conn.Close()
		return nil, &codedError{code: exitUsage, err: fmt.Errorf(
			"--as works only on the embedded single-user database; on a shared database (%s) you act as your database login", src.from)}
	}
	return conn, nil
}

func newUserCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Database logins and their roles (commander, engineer, finance, viewer)",
		Long: `Logins of a shared warroom database. Roles are enforced by PostgreSQL itself:
commander (everything in an incident), engineer (restore milestones, timeline),
finance (merchants, sales, rates, claims, payouts), viewer (read-only).
A commander's new user gets its role once a second commander approves it.
See SECURITY.md.`,
	}
	var role string
	add := &cobra.Command{
		Use:   "add NAME --role ROLE",
		Short: "Create a login; its password is printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" {
				return &codedError{code: exitUsage, err: fmt.Errorf("--role is required (commander, engineer, finance or viewer)")}
			}
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			var pw string
			var req int64
			err = db.Write(cmd.Context(), conn, "", func(tx *sqlx.Tx) error {
				pw, req, err = access.AddUser(cmd.Context(), tx, args[0], role)
				return err
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "created login %s\npassword (shown only now): %s\n", args[0], pw)
			if req != 0 {
				fmt.Fprintf(out, "role %s awaits a second commander: warroom approvals approve %d\n", role, req)
			} else {
				fmt.Fprintf(out, "role %s granted\n", role)
			}
			return nil
		},
	}
	add.Flags().StringVar(&role, "role", "", "commander, engineer, finance or viewer")

	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "Logins of this database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			users, err := access.Users(cmd.Context(), conn)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), users)
			}
			rows := make([][]string, 0, len(users))
			for _, u := range users {
				state := "active"
				switch {
				case u.RevokedAt != nil:
					state = "revoked"
				case !u.Active:
					state = "awaiting approval"
				}
				rows = append(rows, []string{u.Name, u.Role, state, u.CreatedBy, u.CreatedAt.Format("2006-01-02 15:04")})
			}
			return writeTable(cmd.OutOrStdout(), []column{{title: "NAME"}, {title: "ROLE"}, {title: "STATE"},
				{title: "CREATED BY"}, {title: "CREATED"}}, rows)
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")

	revoke := &cobra.Command{
		Use:   "revoke NAME",
		Short: "Take a login's roles and access away at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			err = db.Write(cmd.Context(), conn, "", func(tx *sqlx.Tx) error {
				return access.RevokeUser(cmd.Context(), tx, args[0])
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", args[0])
			return nil
		},
	}

	var reason string
	change := &cobra.Command{
		Use:   "role NAME ROLE --reason TEXT",
		Short: "Request a role change (a second commander approves it)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			var id int64
			err = db.Write(cmd.Context(), conn, "", func(tx *sqlx.Tx) error {
				id, err = access.RequestRole(cmd.Context(), tx, args[0], args[1], reason)
				return err
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "requested: approval %d\n", id)
			return nil
		},
	}
	change.Flags().StringVar(&reason, "reason", "", "why (required)")

	whoami := &cobra.Command{
		Use:   "whoami",
		Short: "Who this connection acts as, and its roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := openDB(cmd)
			if err != nil {
				return err
			}
			defer conn.Close()
			me, err := access.WhoAmI(cmd.Context(), conn)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), me)
			}
			su := ""
			if me.Superuser {
				su = " (superuser: bypasses roles and guards)"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s%s: %v\n", cleanLine(me.Name), su, me.Roles)
			return nil
		},
	}
	whoami.Flags().BoolVar(&asJSON, "json", false, "print JSON for scripts")
	// Read by openDBSource (asFlag): on the embedded database, the login
	// to connect as; a shared database's login is the one in its URL.
	c.PersistentFlags().String("as", "", "connect as login `name` (embedded database only)")
	c.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if asFlag(cmd) == "" {
			return nil
		}
		src, err := resolveDB(cmd.Context(), cmd)
		if err != nil {
			return err
		}
		return checkActor(asFlag(cmd), src)
	}
	c.AddCommand(add, list, revoke, change, whoami)
	return c
}
