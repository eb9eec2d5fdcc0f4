package serve

import (
	"testing"
	"time"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdServe(t *testing.T) {
	def := Options{Listen: "127.0.0.1:2222", IdleTimeout: 30 * time.Minute, MaxSessions: 500, Pool: 3}
	with := func(f func(*Options)) Options { o := def; f(&o); return o }
	cmdtest.CheckParse(t, NewCmdServe, func(o *Options, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[Options]{
		{Name: "defaults", Want: def},
		{Name: "all flags", Args: []string{"--listen", "0.0.0.0:22", "--authorized-keys", "k", "--host-key", "h",
			"--idle-timeout", "5m", "--max-sessions", "20", "--pool", "2"},
			Want: with(func(o *Options) {
				o.Listen, o.AuthorizedKeys, o.HostKey, o.IdleTimeout, o.MaxSessions, o.Pool = "0.0.0.0:22", "k", "h", 5*time.Minute, 20, 2
			})},
		{Name: "no idle timeout, no cap", Args: []string{"--idle-timeout", "0", "--max-sessions", "0"},
			Want: with(func(o *Options) { o.IdleTimeout, o.MaxSessions = 0, 0 })},
		{Name: "bad listen", Args: []string{"--listen", "2222"}, WantCode: cmdutil.ExitUsage, WantErr: "want HOST:PORT"},
		{Name: "negative cap", Args: []string{"--max-sessions", "-1"}, WantCode: cmdutil.ExitUsage, WantErr: "must not be negative"},
		{Name: "empty pool", Args: []string{"--pool", "0"}, WantCode: cmdutil.ExitUsage, WantErr: "--pool"},
		{Name: "an argument", Args: []string{"x"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown command"},
	})
}

func TestNewCmdGrant(t *testing.T) {
	set := func(o *GrantOptions, f *cmdutil.Factory) { o.Factory = f }
	cmdtest.CheckParse(t, NewCmdGrant, set, []cmdtest.ParseCase[GrantOptions]{
		{Name: "name", Args: []string{"dana"}, Want: GrantOptions{Name: "dana", Authenticator: EmbeddedAuthenticator}},
		{Name: "authenticator", Args: []string{"dana", "--authenticator", "wr_serve"}, Want: GrantOptions{Name: "dana", Authenticator: "wr_serve"}},
		{Name: "no name", WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
	cmdtest.CheckParse(t, NewCmdRevoke, set, []cmdtest.ParseCase[GrantOptions]{
		{Name: "name", Args: []string{"dana"}, Want: GrantOptions{Name: "dana", Authenticator: EmbeddedAuthenticator, Revoke: true}},
	})
}
