package main

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/charmbracelet/colorprofile"

	"warroom/db"
	"warroom/serve"
	"warroom/tui"
)

// The floor (`warroom-bench serve --floor tea|raw`): the same SSH server,
// clients, feed and timing as the console's run, with the console taken
// out, to show how much of commit -> every screen is the console's own
// work. "tea" gives each session a Bubble Tea program drawing a fixed
// 80x24 screen with one line that shows the newest title from the feed;
// "raw" writes that line straight to each session's channel, without
// Bubble Tea.

// floorServer serves the floor on ln until close.
func floorServer(mode, dsn string, keys *serve.AuthorizedKeys, hostKey string, ln net.Listener, fps int) (func(), error) {
	if fps == 0 {
		fps = serve.FPS
	}
	signer, err := serve.HostKey(hostKey)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	subs := map[chan string]struct{}{}
	feed, err := db.Listen(dsn, tui.FeedWindow, func(ev db.Event) {
		for _, c := range ev.Changes {
			var row struct {
				Title string `json:"title"`
			}
			if json.Unmarshal(c.Row, &row) != nil || row.Title == "" {
				continue
			}
			mu.Lock()
			for ch := range subs {
				select {
				case ch <- row.Title:
				default:
				}
			}
			mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	handler := func(sess ssh.Session) {
		pty, _, ok := sess.Pty()
		if !ok {
			return
		}
		ch := make(chan string, 16)
		mu.Lock()
		subs[ch] = struct{}{}
		mu.Unlock()
		defer func() {
			mu.Lock()
			delete(subs, ch)
			mu.Unlock()
		}()
		if mode == "raw" {
			fmt.Fprint(sess, "\x1b[?1049h\x1b[H\x1b[2J "+floorTitle+"\r\n")
			for {
				select {
				case <-sess.Context().Done():
					return
				case t := <-ch:
					fmt.Fprintf(sess, "\x1b[3;1H %s\x1b[K", t)
				}
			}
		}
		envs := append(sess.Environ(), "TERM="+pty.Term)
		p := tea.NewProgram(floorModel{w: pty.Window.Width, h: pty.Window.Height},
			tea.WithContext(sess.Context()), tea.WithInput(sess), tea.WithOutput(sess),
			tea.WithEnvironment(envs), tea.WithColorProfile(colorprofile.Env(envs)),
			tea.WithWindowSize(pty.Window.Width, pty.Window.Height), tea.WithFPS(fps))
		go func() {
			for {
				select {
				case <-sess.Context().Done():
					return
				case t := <-ch:
					p.Send(floorMsg(t))
				}
			}
		}()
		_, _ = p.Run()
	}
	srv, err := wish.NewServer(
		func(s *ssh.Server) error { s.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(func(_ ssh.Context, key ssh.PublicKey) bool { _, ok := keys.Lookup(key); return ok }),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return handler }),
		func(s *ssh.Server) error { s.HandshakeTimeout = 30 * time.Second; return nil },
	)
	if err != nil {
		feed.Close()
		return nil, err
	}
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close(); feed.Close() }, nil
}

// floorTitle is what the clients wait for first: the bench incident's title.
const floorTitle = "Serve benchmark"

type floorMsg string

// floorModel is a fixed screen of the console's size with one live line.
type floorModel struct {
	w, h int
	last string
}

func (m floorModel) Init() tea.Cmd { return nil }

func (m floorModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case floorMsg:
		m.last = string(msg)
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
	case tea.KeyPressMsg:
		if msg.String() == "q" {
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m floorModel) View() tea.View {
	lines := make([]string, max(m.h, 3))
	lines[0] = " " + floorTitle
	lines[2] = " " + m.last
	for i := 3; i < len(lines); i++ {
		lines[i] = strings.Repeat(".", max(m.w-1, 0)) // ASCII: the cheapest cells to diff
	}
	v := tea.NewView(strings.Join(lines, "\n"))
	v.AltScreen = true
	return v
}
