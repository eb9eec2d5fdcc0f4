package pgserver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// account is the unprivileged user PostgreSQL runs as when we are root; nil
// means run as ourselves.
type account struct {
	name     string
	uid, gid uint32
}

// runAccount picks who runs the server for a cluster at pgdata: nobody
// special unless we are root; then the owner of an existing cluster (a
// cluster must keep its owner), else the postgres user, else nobody.
func runAccount(pgdata string) (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	if st, err := os.Stat(pgdata); err == nil {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid != 0 {
			name := strconv.Itoa(int(sys.Uid))
			if u, err := user.LookupId(name); err == nil {
				name = u.Username
			}
			return &account{name: name, uid: sys.Uid, gid: sys.Gid}, nil
		}
	}
	return unprivilegedAccount()
}

func unprivilegedAccount() (*account, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &account{name: name, uid: uint32(uid), gid: uint32(gid)}, nil
	}
	return nil, fmt.Errorf("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as")
}

// chown hands path to the account (no-op when running as ourselves).
func (a *account) chown(path string) error {
	if a == nil {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("hand %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// command builds a PostgreSQL command run as the account, in its own process
// group (a Ctrl-C in the console must not reach the server) and from "/"
// (our working directory may be unreadable to the account).
// Cancelling ctx kills the command itself, never a server pg_ctl detached.
func (a *account) command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = "/"
	cmd.Env = cleanEnv()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if a != nil {
		// Groups left empty: setgroups(0) drops root's supplementary groups.
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid}
	}
	return cmd
}

// cleanEnv drops PG* variables: PGPORT, PGDATA and friends from the user's
// shell must not steer a cluster we configure explicitly.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// canTraverse reports whether the account can reach path: every existing
// directory from path up to / must grant it search (x) permission, checked
// against owner, primary group (it has no others) or other bits.
// Directories still to be created count as reachable, since we create them
// 0755.
func (a *account) canTraverse(path string) bool {
	if a == nil {
		return true
	}
	for p := filepath.Clean(path); ; p = filepath.Dir(p) {
		st, err := os.Stat(p)
		if err == nil {
			sys, ok := st.Sys().(*syscall.Stat_t)
			if !ok {
				return false
			}
			perm := st.Mode().Perm()
			var bit os.FileMode = 0o001
			switch {
			case sys.Uid == a.uid:
				bit = 0o100
			case sys.Gid == a.gid:
				bit = 0o010
			}
			if perm&bit == 0 {
				return false
			}
		} else if !os.IsNotExist(err) {
			return false
		}
		if p == filepath.Dir(p) {
			return true
		}
	}
}
