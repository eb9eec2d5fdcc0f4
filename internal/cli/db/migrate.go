package dbcmd

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// MigrateOptions are `warroom db migrate`'s.
type MigrateOptions struct {
	Factory *cmdutil.Factory
}

// NewCmdMigrate parses `warroom db migrate`; runF replaces the run in tests.
func NewCmdMigrate(f *cmdutil.Factory, runF func(*MigrateOptions) error) *cobra.Command {
	opts := &MigrateOptions{Factory: f}
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply this version's pending migrations (the database's owner runs it)",
		Long: `migrate applies the migrations this warroom carries and the database has not
had yet, as the login it connects with: on a shared database, its owner
(see 'warroom init'). Other commands never migrate a shared database: they
check its version and, when it is behind, say to run this. The embedded
server's database is migrated by warroom itself whenever it opens it.
Running it again changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return migrateRun(cmd, opts)
		},
	}
}

func migrateRun(cmd *cobra.Command, opts *MigrateOptions) error {
	ctx := cmd.Context()
	src, err := opts.Factory.ResolveSource(ctx)
	if err != nil {
		return err
	}
	if err := opts.Factory.CheckActor(src); err != nil {
		return err
	}
	url := src.URL
	if src.Embedded {
		url = src.Admin // the superuser owns the embedded database
	}
	conn, err := db.Open(ctx, db.WithLibpqDefaults(url))
	if err != nil {
		return fmt.Errorf("%w (database from %s)", err, src.From)
	}
	defer conn.Close()
	n, err := db.Migrate(ctx, conn.DB)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx, conn.DB)
	if err != nil {
		return db.MapError(err)
	}
	fmt.Fprintf(opts.Factory.Out, "applied %s; the schema is at version %d\n", glossary.Plural(n, "migration", "migrations"), v)
	return nil
}
