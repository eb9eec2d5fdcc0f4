package serve

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// AuthorizedKeys maps public keys to warroom logins: an OpenSSH
// authorized_keys file whose comment is the login,
//
//	ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA... alice
//
// The file is read again when it changes, so adding or removing a line
// takes effect at the next login without a restart; a file that no longer
// parses admits nobody until it is fixed.
type AuthorizedKeys struct {
	Path string // what the refusals name

	mu    sync.Mutex
	mtime time.Time
	size  int64
	keys  map[string]string // the key's wire form -> login
	err   error
	fixed bool // built in memory (NewKeys): never re-read
}

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// LoadAuthorizedKeys reads path, failing on a line it cannot use.
func LoadAuthorizedKeys(path string) (*AuthorizedKeys, error) {
	k := &AuthorizedKeys{Path: path}
	if err := k.reload(); err != nil {
		return nil, err
	}
	return k, nil
}

// NewKeys maps keys to the login name; described says where they came
// from (for the refusals).
func NewKeys(described, name string, keys []gossh.PublicKey) *AuthorizedKeys {
	k := &AuthorizedKeys{Path: described, keys: map[string]string{}, fixed: true}
	for _, key := range keys {
		k.keys[string(key.Marshal())] = name
	}
	return k
}

// Lookup is the login key acts as.
func (k *AuthorizedKeys) Lookup(key gossh.PublicKey) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.fixed {
		if st, err := os.Stat(k.Path); err != nil || !st.ModTime().Equal(k.mtime) || st.Size() != k.size {
			k.err = k.reloadLocked()
		}
		if k.err != nil {
			return "", false
		}
	}
	name, ok := k.keys[string(key.Marshal())]
	return name, ok
}

// Len is how many keys are authorized.
func (k *AuthorizedKeys) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

func (k *AuthorizedKeys) reload() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.reloadLocked()
}

func (k *AuthorizedKeys) reloadLocked() error {
	k.keys = nil
	st, err := os.Stat(k.Path)
	if err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	b, err := os.ReadFile(k.Path)
	if err != nil {
		return fmt.Errorf("authorized keys: %w", err)
	}
	keys, err := ParseAuthorizedKeys(b, k.Path)
	if err != nil {
		return err
	}
	k.keys, k.mtime, k.size = keys, st.ModTime(), st.Size()
	return nil
}

// ParseAuthorizedKeys reads authorized_keys lines whose comment is a
// warroom login; where names the file in errors.
func ParseAuthorizedKeys(b []byte, where string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, comment, _, _, err := gossh.ParseAuthorizedKey(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", where, i+1, err)
		}
		name := strings.Fields(comment)
		if len(name) == 0 || !loginPattern.MatchString(name[0]) {
			return nil, fmt.Errorf("%s:%d: after the key comes the warroom login it acts as (lower-case letters, digits, _), got %q",
				where, i+1, comment)
		}
		if prev, dup := out[string(key.Marshal())]; dup && prev != name[0] {
			return nil, fmt.Errorf("%s:%d: this key already acts as %s", where, i+1, prev)
		}
		out[string(key.Marshal())] = name[0]
	}
	return out, nil
}
