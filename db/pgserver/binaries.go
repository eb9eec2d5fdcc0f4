package pgserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MinVersion is the oldest PostgreSQL major version warroom runs on.
const MinVersion = 15

// ErrNoBinaries means no usable initdb/pg_ctl/postgres set was found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries found")

var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// search says where FindBinaries looks; tests swap it for empty places.
type search struct {
	path     string   // PATH-style list
	pgConfig bool     // ask `pg_config --bindir`
	globs    []string // more places, each a glob of bin directories
}

func defaultSearch() search {
	return search{
		path:     os.Getenv("PATH"),
		pgConfig: true,
		globs: []string{
			"/usr/lib/postgresql/*/bin",
			"/opt/homebrew/opt/postgresql@*/bin",
			"/usr/local/opt/postgresql@*/bin",
			"/opt/homebrew/bin",
			"/Applications/Postgres.app/Contents/Versions/*/bin",
		},
	}
}

// FindBinaries returns the first directory holding initdb, pg_ctl and
// postgres of version MinVersion or newer, and that major version.
func FindBinaries() (binDir string, version int, err error) {
	return defaultSearch().find(0)
}

// find returns the first candidate of major version want (any version >=
// MinVersion when want is 0): an existing cluster only starts with the major
// version that created it.
func (s search) find(want int) (string, int, error) {
	var rejected []string
	for _, dir := range s.candidates() {
		v, err := binVersion(dir)
		switch {
		case err != nil:
			rejected = append(rejected, fmt.Sprintf("%s: %v", dir, err))
		case want != 0 && v != want:
			rejected = append(rejected, fmt.Sprintf("%s: version %d, the cluster needs %d", dir, v, want))
		case v < MinVersion:
			rejected = append(rejected, fmt.Sprintf("%s: version %d is older than %d", dir, v, MinVersion))
		default:
			return dir, v, nil
		}
	}
	need := fmt.Sprintf("version %d or newer", MinVersion)
	if want != 0 {
		need = fmt.Sprintf("version %d, which created the existing cluster", want)
	}
	msg := fmt.Sprintf("%v (need initdb, pg_ctl and postgres, %s, in one directory; "+
		"searched PATH, pg_config --bindir, /usr/lib/postgresql/*/bin, Homebrew and Postgres.app)", ErrNoBinaries, need)
	if len(rejected) > 0 {
		msg += "; rejected: " + strings.Join(rejected, "; ")
	}
	msg += ".\nInstall PostgreSQL (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16) " +
		"or use an existing server with --db or DATABASE_URL"
	return "", 0, &binError{msg: msg}
}

type binError struct{ msg string }

func (e *binError) Error() string { return e.msg }
func (e *binError) Unwrap() error { return ErrNoBinaries }

// candidates lists directories holding all three binaries, in search order,
// without duplicates. Symlinked binaries (Homebrew, /usr/local/bin) are
// followed to their real directory, where pg_ctl finds its postgres.
func (s search) candidates() []string {
	var dirs []string
	for _, d := range filepath.SplitList(s.path) {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	if s.pgConfig {
		if d := pgConfigBinDir(); d != "" {
			dirs = append(dirs, d)
		}
	}
	for _, g := range s.globs {
		matches, _ := filepath.Glob(g)
		sort.SliceStable(matches, func(i, j int) bool { return versionInPath(matches[i]) > versionInPath(matches[j]) })
		dirs = append(dirs, matches...)
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range dirs {
		real := binDirOf(d)
		if real == "" || seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, real)
	}
	return out
}

// binDirOf returns the directory holding all three binaries reached from d,
// or "" when d does not have them.
func binDirOf(d string) string {
	initdb, err := filepath.EvalSymlinks(filepath.Join(d, "initdb"))
	if err != nil {
		return ""
	}
	for _, dir := range []string{filepath.Dir(initdb), d} {
		if hasAll(dir) {
			if abs, err := filepath.Abs(dir); err == nil {
				return abs
			}
		}
	}
	return ""
}

func hasAll(dir string) bool {
	for _, b := range serverBinaries {
		st, err := os.Stat(filepath.Join(dir, b))
		if err != nil || st.IsDir() || st.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

func pgConfigBinDir() string {
	p, err := exec.LookPath("pg_config")
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, p, "--bindir").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

var (
	versionRE     = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)
	pathVersionRE = regexp.MustCompile(`(\d+)(?:\.\d+)?(?:/|$)`)
)

// versionInPath orders /usr/lib/postgresql/16/bin before .../9.6/bin.
func versionInPath(p string) int {
	m := pathVersionRE.FindAllStringSubmatch(p, -1)
	if len(m) == 0 {
		return 0
	}
	v, _ := strconv.Atoi(m[len(m)-1][1])
	return v
}

// binVersion asks postgres itself, since directory names can lie.
func binVersion(dir string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("postgres --version: %w", err)
	}
	m := versionRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("postgres --version: unexpected output %q", strings.TrimSpace(string(out)))
	}
	return strconv.Atoi(string(m[1]))
}
