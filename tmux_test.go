package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConsoleInTmux runs the real binary in a real terminal (tmux), types
// keys as a person would and reads the screen back.
func TestConsoleInTmux(t *testing.T) {
	bin, sock, tm := tmuxWithBinary(t, "builds the binary")
	url, _ := demoDB(t)
	tm("new-session", "-d", "-s", "w", "-x", "100", "-y", "30", "-e", "DATABASE_URL="+url, "-e", "TERM=xterm-256color", bin)

	screen := func() string { return tm("capture-pane", "-p", "-t", pane("w")) }
	waitFor := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			s := screen()
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("screen never showed %q:\n%s", what, s)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	s := waitFor("Baseline window opens")
	if !strings.Contains(s, "T+8d 14h") || !strings.Contains(s, "1 Timeline") {
		t.Fatalf("timeline screen:\n%s", s)
	}
	tm("send-keys", "-t", pane("w"), "2")
	waitFor("Overall")
	tm("send-keys", "-t", pane("w"), "3")
	waitFor("孙涛勇")
	tm("send-keys", "-t", pane("w"), "4")
	s = waitFor("150,000,000.00")
	if !strings.Contains(s, "Drawdown") {
		t.Fatalf("fund screen:\n%s", s)
	}
	tm("send-keys", "-t", pane("w"), "?")
	waitFor("quit")
	tm("send-keys", "-t", pane("w"), "Escape")
	tm("resize-window", "-t", pane("w"), "-x", "80", "-y", "24")
	s = waitFor("Remaining")
	if lines := strings.Split(strings.TrimRight(s, "\n"), "\n"); !strings.Contains(lines[0], "SEV1") {
		t.Fatalf("after resizing to 80x24 the header is gone:\n%s", s)
	}
	tm("send-keys", "-t", pane("w"), "q")
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, _ := exec.Command("tmux", "-S", sock, "list-panes", "-t", pane("w"), "-F", "#{pane_dead}#{pane_current_command}").CombinedOutput()
		if err := exec.Command("tmux", "-S", sock, "has-session", "-t", "=w").Run(); err != nil || !strings.Contains(string(out), "warroom") {
			return // the console quit and tmux closed its window
		}
		if time.Now().After(deadline) {
			t.Fatalf("q did not quit: %s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func init() {
	// tmux refuses to start inside another tmux client's environment.
	os.Unsetenv("TMUX")
}

// tmuxWithBinary is the warroom binary, built for the test, and a tmux of
// the test's own (socket sock, killed at the end) to run it in: tm runs
// one tmux command, failing the test on an error, and returns its output. Without tmux the test is skipped,
// or fails under CI (which installs it); -short skips it (why says what
// makes it long).
// pane names a session's pane for tmux's -t exactly. A bare name is looked
// up first as a window of the current session, by exact name and then by
// prefix, and tmux may still call a console's window "bash" (the shell that
// started it) for a moment: "-t b" then meant session a's window.
func pane(session string) string { return "=" + session + ":" }

func tmuxWithBinary(t *testing.T, why string) (bin, sock string, tm func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux not installed (.ci/run installs it)")
		}
		t.Skip("tmux not installed (.ci/run installs it)")
	}
	if testing.Short() {
		t.Skip(why)
	}
	bin = filepath.Join(t.TempDir(), "warroom")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	sock = filepath.Join(t.TempDir(), "tmux.sock")
	t.Cleanup(func() { exec.Command("tmux", "-S", sock, "kill-server").Run() })
	return bin, sock, func(args ...string) string {
		t.Helper()
		out, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
}
