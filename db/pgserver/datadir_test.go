package pgserver

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultDataDir(t *testing.T) {
	t.Setenv("WARROOM_DATA_DIR", "/srv/explicit")
	if d, err := DefaultDataDir(); err != nil || d != "/srv/explicit" {
		t.Errorf("WARROOM_DATA_DIR: %s, %v", d, err)
	}
	t.Setenv("WARROOM_DATA_DIR", "")

	xdg := testDataDir(t) // reachable by the server's account
	t.Setenv("XDG_DATA_HOME", xdg)
	if d, err := DefaultDataDir(); err != nil || d != filepath.Join(xdg, "warroom") {
		t.Errorf("XDG_DATA_HOME: %s, %v", d, err)
	}

	home := filepath.Join(t.TempDir(), "home")
	if err := os.Mkdir(home, 0o700); err != nil { // like /root
		t.Fatal(err)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", home)
	d, err := DefaultDataDir()
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		// A 0700 root home is out of the account's reach.
		if d != RootDataDir {
			t.Errorf("root with private home: %s, want %s", d, RootDataDir)
		}
	} else if d != filepath.Join(home, ".local", "share", "warroom") {
		t.Errorf("default: %s", d)
	}
}

func TestCanTraverse(t *testing.T) {
	acct := &account{name: "x", uid: 4242, gid: 4242}
	open := testDataDir(t)
	if !acct.canTraverse(filepath.Join(open, "not", "yet")) {
		t.Errorf("%s should be reachable", open)
	}
	closed := filepath.Join(t.TempDir(), "c")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	if acct.canTraverse(filepath.Join(closed, "warroom")) {
		t.Errorf("%s (0700, not ours) should be unreachable", closed)
	}
	var self *account
	if !self.canTraverse(closed) {
		t.Error("running as ourselves: always reachable")
	}
}
