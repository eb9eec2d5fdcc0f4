// Package serve is `warroom serve`: the console over SSH.
package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"warroom/access"
	"warroom/db"
	"warroom/demo"
	"warroom/internal/cli/cmdutil"
	"warroom/serve"
)

// Options are `warroom serve`'s.
type Options struct {
	Factory        *cmdutil.Factory
	Listen         string
	AuthorizedKeys string
	HostKey        string
	IdleTimeout    time.Duration
	MaxSessions    int
	Pool           int
}

// EmbeddedAuthenticator is the authenticator login `warroom serve` makes
// on the embedded server.
const EmbeddedAuthenticator = "warroom_serve"

// NewCmdServe parses `warroom serve`; runF replaces the run in tests.
func NewCmdServe(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	c := &cobra.Command{
		Use:   "serve [--listen ADDR] [--authorized-keys FILE] [--host-key FILE]",
		Short: "Serve the live console over SSH, each key acting as its person",
		Long: `Serve the console over SSH: every SSH session with a terminal gets the live
console, reading and writing as the warroom login its key names.

--authorized-keys is an OpenSSH authorized_keys file whose comment is the
login: "ssh-ed25519 AAAA... alice". Other keys are refused. The file is read
again when it changes.

On a shared database, --db (or DATABASE_URL, PG*) connects as an
authenticator login: NOINHERIT, in the group warroom_authenticator, granted
each person it serves (docs/serve.md sets one up). It SET ROLEs to the
session's person for every transaction, so grants, guards, authors and the
audit are the person's. The server holds at most --pool connections plus one
for the change feed.

On the embedded demo server (no --db) it makes that login itself, and
without --authorized-keys admits your own keys (~/.ssh/authorized_keys and
~/.ssh/*.pub) as the demo's commander (or --as NAME).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, _, err := net.SplitHostPort(opts.Listen); err != nil {
				return cmdutil.UsageError("--listen %q: want HOST:PORT", opts.Listen)
			}
			if opts.MaxSessions < 0 || opts.IdleTimeout < 0 {
				return cmdutil.UsageError("--max-sessions and --idle-timeout must not be negative")
			}
			if opts.Pool < 1 {
				return cmdutil.UsageError("--pool must be at least 1")
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, opts)
		},
	}
	c.AddCommand(NewCmdGrant(f, nil), NewCmdRevoke(f, nil))
	fl := c.Flags()
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:2222", "`address` to listen on")
	fl.StringVar(&opts.AuthorizedKeys, "authorized-keys", "", "authorized_keys `file`, each key followed by the login it acts as")
	fl.StringVar(&opts.HostKey, "host-key", "", "host key `file`, created (ed25519, 0600) if missing (default: warroom's config directory)")
	fl.DurationVar(&opts.IdleTimeout, "idle-timeout", 30*time.Minute, "close a session after this long without a key press (0: never)")
	fl.IntVar(&opts.MaxSessions, "max-sessions", 500, "most sessions open at once (0: no limit)")
	fl.IntVar(&opts.Pool, "pool", serve.DefaultPoolSize, "database connections for all sessions (the change feed holds one more)")
	return c
}

func run(cmd *cobra.Command, opts *Options) error {
	f, ctx := opts.Factory, cmd.Context()
	src, err := f.ResolveSource(ctx)
	if err != nil {
		return err
	}
	if err := f.CheckActor(src); err != nil {
		return err
	}
	dsn := src.URL
	var keys *serve.AuthorizedKeys
	if opts.AuthorizedKeys != "" {
		if keys, err = serve.LoadAuthorizedKeys(opts.AuthorizedKeys); err != nil {
			return cmdutil.UsageError("%v", err)
		}
	}
	if src.Embedded {
		if dsn, err = prepareEmbedded(ctx, src, f.ErrOut); err != nil {
			return err
		}
		if keys == nil {
			if keys, err = ownKeys(src.Login); err != nil {
				return err
			}
		}
	} else {
		if keys == nil {
			return cmdutil.UsageError("--authorized-keys is required on a shared database (each line: KEY LOGIN)")
		}
		conn, err := db.Open(ctx, db.WithLibpqDefaults(dsn))
		if err != nil {
			return fmt.Errorf("%w (database from %s)", err, src.From)
		}
		err = db.CheckSchema(ctx, conn.DB)
		conn.Close()
		if err != nil {
			return err
		}
	}
	hostKey := opts.HostKey
	if hostKey == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("host key: %w (use --host-key)", err)
		}
		hostKey = filepath.Join(dir, "warroom", "ssh_host_ed25519_key")
	}
	srv, err := serve.New(ctx, serve.Config{Addr: opts.Listen, HostKey: hostKey, Keys: keys,
		IdleTimeout: opts.IdleTimeout, MaxSessions: opts.MaxSessions, DSN: dsn, PoolSize: opts.Pool,
		IncidentSlug: f.Incident, Log: f.ErrOut})
	if err != nil {
		if errors.Is(err, access.ErrUnsafeAuthenticator) {
			return cmdutil.UsageError("%v: `warroom serve` connects as an authenticator login (docs/serve.md)", err)
		}
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return err
	}
	signer, _ := serve.HostKey(hostKey)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	fmt.Fprintf(f.ErrOut, "warroom serve: listening on %s (%d keys from %s; host key %s, %s)\n",
		ln.Addr(), keys.Len(), keys.Path, gossh.FingerprintSHA256(signer.PublicKey()), hostKey)
	fmt.Fprintf(f.ErrOut, "connect with: ssh -p %s localhost\n", port)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
		return err
	}
}

// prepareEmbedded migrates the embedded database (loading the demo when
// empty) and makes its authenticator, returning the URL that connects as it.
func prepareEmbedded(ctx context.Context, src cmdutil.Source, log io.Writer) (string, error) {
	if err := cmdutil.PrepareEmbedded(ctx, src, log); err != nil {
		return "", err
	}
	admin, err := db.Open(ctx, src.Admin)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if err := access.CreateAuthenticator(ctx, admin, EmbeddedAuthenticator, ""); err != nil {
		return "", fmt.Errorf("serve login: %w", err)
	}
	srv, err := cmdutil.EmbeddedServer()
	if err != nil {
		return "", err
	}
	return srv.URLAs(cmdutil.EmbeddedDatabase, EmbeddedAuthenticator), nil
}

// ownKeys are the invoking account's SSH public keys, acting as login:
// the embedded demo is one person's, like its database socket.
func ownKeys(login string) (*serve.AuthorizedKeys, error) {
	if login == "" {
		login = demo.ConsoleLogin()
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(home, ".ssh")
	var keys []gossh.PublicKey
	files, _ := filepath.Glob(filepath.Join(dir, "*.pub"))
	files = append(files, filepath.Join(dir, "authorized_keys"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for len(b) > 0 {
			k, _, _, rest, err := gossh.ParseAuthorizedKey(b)
			if err != nil {
				break
			}
			keys = append(keys, k)
			b = rest
		}
	}
	if len(keys) == 0 {
		return nil, cmdutil.UsageError("no SSH public key in %s to admit: make one (ssh-keygen -t ed25519) or pass --authorized-keys", dir)
	}
	return serve.NewKeys("your keys in "+dir+" (as "+login+")", login, keys), nil
}
