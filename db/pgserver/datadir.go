package pgserver

import (
	"fmt"
	"os"
	"path/filepath"
)

// RootDataDir is where the cluster lives when warroom runs as root and the
// XDG data directory is out of reach of the account PostgreSQL runs as
// (root's home is usually 0700).
const RootDataDir = "/var/lib/warroom"

// DefaultDataDir is the embedded server's home: $WARROOM_DATA_DIR when set,
// else $XDG_DATA_HOME/warroom (default ~/.local/share/warroom), else, for
// root when that is not reachable by the server's account, RootDataDir.
func DefaultDataDir() (string, error) {
	if d := os.Getenv("WARROOM_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" || !filepath.IsAbs(base) { // the XDG spec says to ignore relative values
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the data directory (set WARROOM_DATA_DIR): %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	dir := filepath.Join(base, "warroom")
	if os.Geteuid() != 0 {
		return dir, nil
	}
	acct, err := runAccount(filepath.Join(dir, "pgdata"))
	if err != nil {
		return "", err
	}
	if acct.canTraverse(dir) {
		return dir, nil
	}
	return RootDataDir, nil
}
