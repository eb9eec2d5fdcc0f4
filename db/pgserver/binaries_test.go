package pgserver

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindBinaries(t *testing.T) {
	dir, v, err := FindBinaries()
	if err != nil {
		t.Fatal(err)
	}
	if v < MinVersion || !hasAll(dir) {
		t.Errorf("FindBinaries = %s, %d", dir, v)
	}
}

func TestMissingBinaries(t *testing.T) {
	empty := t.TempDir()
	_, err := newServer(t.TempDir(), search{path: empty, globs: []string{filepath.Join(empty, "*", "bin")}})
	if !errors.Is(err, ErrNoBinaries) {
		t.Fatalf("err = %v, want ErrNoBinaries", err)
	}
	for _, want := range []string{"apt-get install postgresql", "brew install postgresql@16", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// fakeBinDir makes initdb/pg_ctl/postgres scripts claiming a version.
func fakeBinDir(t *testing.T, version string) string {
	dir := t.TempDir()
	for _, b := range serverBinaries {
		script := "#!/bin/sh\necho '" + b + " (PostgreSQL) " + version + "'\n"
		if err := os.WriteFile(filepath.Join(dir, b), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBinariesVersionChecks(t *testing.T) {
	old, v16, v17 := fakeBinDir(t, "13.4"), fakeBinDir(t, "16.2"), fakeBinDir(t, "17.1")
	partial := fakeBinDir(t, "17.1")
	os.Remove(filepath.Join(partial, "pg_ctl"))

	_, _, err := search{path: old + ":" + partial}.find(0)
	if !errors.Is(err, ErrNoBinaries) || !strings.Contains(err.Error(), "version 13 is older than 15") {
		t.Errorf("old only: %v", err)
	}
	if dir, v, err := (search{path: old + ":" + v16 + ":" + v17}).find(0); err != nil || dir != v16 || v != 16 {
		t.Errorf("first good in PATH = %s %d %v, want %s 16", dir, v, err, v16)
	}
	// An existing cluster pins its major version.
	if dir, v, err := (search{path: v16 + ":" + v17}).find(17); err != nil || dir != v17 || v != 17 {
		t.Errorf("want 17 = %s %d %v", dir, v, err)
	}
	if _, _, err := (search{path: v16}).find(17); !errors.Is(err, ErrNoBinaries) || !strings.Contains(err.Error(), "version 17") {
		t.Errorf("want 17, only 16: %v", err)
	}
}

func TestGlobsHighestVersionFirst(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"15", "17", "9.6"} {
		src := fakeBinDir(t, v+".0")
		if err := os.MkdirAll(filepath.Join(root, v), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(src, filepath.Join(root, v, "bin")); err != nil {
			t.Fatal(err)
		}
	}
	got := search{globs: []string{filepath.Join(root, "*", "bin")}}.candidates()
	want := []string{filepath.Join(root, "17", "bin"), filepath.Join(root, "15", "bin"), filepath.Join(root, "9.6", "bin")}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("candidates = %v, want %v", got, want)
	}
}

// A symlinked binary (Homebrew, /usr/local/bin) leads to its real directory.
func TestCandidatesFollowSymlinks(t *testing.T) {
	real := fakeBinDir(t, "16.0")
	links := t.TempDir()
	for _, b := range []string{"initdb"} {
		if err := os.Symlink(filepath.Join(real, b), filepath.Join(links, b)); err != nil {
			t.Fatal(err)
		}
	}
	got := search{path: links}.candidates()
	if len(got) != 1 || got[0] != real {
		t.Errorf("candidates = %v, want [%s]", got, real)
	}
}
