// Package sshclient is a scripted SSH user of `warroom serve`: a real SSH
// client (golang.org/x/crypto/ssh) with a PTY whose output is drawn by a
// terminal emulator, so tests and warroom-bench read the screen a person
// would see, not the byte stream.
package sshclient

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// Client is one SSH session with a PTY and the screen it draws.
type Client struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.WriteCloser
	term  *vt.Emulator
	tmu   sync.Mutex // the emulator: written by pump, read by Screen

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every write to the screen
	done    chan struct{} // the session's output ended
	err     error
}

// Dial connects to addr as key, asks for a w x h PTY and a shell.
func Dial(addr string, key gossh.Signer, w, h int) (*Client, error) {
	cfg := &gossh.ClientConfig{
		User:            "warroom",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // tests and the bench start the server themselves
		Timeout:         30 * time.Second,
	}
	conn, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	c, err := Start(conn, w, h)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return c, nil
}

// Start opens the console on an established connection.
func Start(conn *gossh.Client, w, h int) (*Client, error) {
	sess, err := conn.NewSession()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		sess.Close()
		return nil, err
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		sess.Close()
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		sess.Close()
		return nil, err
	}
	c := &Client{conn: conn, sess: sess, stdin: stdin, term: vt.NewEmulator(w, h),
		changed: make(chan struct{}), done: make(chan struct{})}
	if err := sess.Shell(); err != nil {
		sess.Close()
		return nil, err
	}
	// The terminal's answers to the program's queries go back as input,
	// as a real terminal's would.
	go func() { _, _ = io.Copy(stdin, c.term) }()
	go c.pump(stdout)
	return c, nil
}

func (c *Client) pump(r io.Reader) {
	buf := make([]byte, 32*1024)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			c.tmu.Lock()
			_, _ = c.term.Write(buf[:n])
			c.tmu.Unlock()
			c.mu.Lock()
			close(c.changed)
			c.changed = make(chan struct{})
			c.mu.Unlock()
		}
		if err != nil {
			c.mu.Lock()
			if !errors.Is(err, io.EOF) {
				c.err = err
			}
			c.mu.Unlock()
			close(c.done)
			return
		}
	}
}

// Screen is the text on screen now, one line per row.
func (c *Client) Screen() string {
	c.tmu.Lock()
	defer c.tmu.Unlock()
	return c.term.String()
}

// Type sends keys as a terminal would: text as typed, and "esc", "enter",
// "tab" as their bytes.
func (c *Client) Type(keys ...string) error {
	for _, k := range keys {
		b := []byte(k)
		switch k {
		case "esc":
			b = []byte{0x1b}
		case "enter":
			b = []byte{'\r'}
		case "tab":
			b = []byte{'\t'}
		case "ctrl+c":
			b = []byte{0x03}
		}
		if _, err := c.stdin.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// Resize tells the server the window changed.
func (c *Client) Resize(w, h int) error {
	c.tmu.Lock()
	c.term.Resize(w, h)
	c.tmu.Unlock()
	return c.sess.WindowChange(h, w)
}

// WaitFor waits until the screen contains want, and says when it first did.
func (c *Client) WaitFor(want string, timeout time.Duration) (time.Time, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ch := c.changed
		c.mu.Unlock()
		if strings.Contains(c.Screen(), want) {
			return time.Now(), nil
		}
		select {
		case <-ch:
		case <-c.done:
			if strings.Contains(c.Screen(), want) {
				return time.Now(), nil
			}
			return time.Time{}, fmt.Errorf("session ended before %q showed:\n%s", want, c.Screen())
		case <-deadline.C:
			return time.Time{}, fmt.Errorf("%q not on screen after %s:\n%s", want, timeout, c.Screen())
		}
	}
}

// Done is closed when the session's output ends.
func (c *Client) Done() <-chan struct{} { return c.done }

// Close ends the session and the connection.
func (c *Client) Close() error {
	c.sess.Close()
	err := c.conn.Close()
	<-c.done
	// The emulator stays open: closing it races with the goroutine blocked
	// reading its answers (vt's Close and Read share an unguarded flag), so
	// that goroutine ends with the process. Tests and the bench only.
	return err
}
