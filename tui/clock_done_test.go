package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestDayTimerEndsWithTheSession: the day timer, armed for hours, returns
// as soon as its program's context ends, so a closed SSH session does not
// stay in memory until midnight; it fires as tea.Tick does otherwise.
func TestDayTimerEndsWithTheSession(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	fired := func(time.Time) tea.Msg { return dayTickMsg{gen: 7} }
	done := make(chan tea.Msg, 1)
	go func() { done <- tickUntilDone(ctx)(24*time.Hour, fired)() }()
	cancel()
	select {
	case msg := <-done:
		if msg != nil {
			t.Fatalf("cancelled timer answered %#v", msg)
		}
	case <-time.After(30 * time.Second): // a hang guard, not a speed check
		t.Fatal("the day timer outlived its context")
	}
	if msg := tickUntilDone(context.Background())(time.Millisecond, fired)(); msg != (dayTickMsg{gen: 7}) {
		t.Fatalf("timer answered %#v", msg)
	}
}
