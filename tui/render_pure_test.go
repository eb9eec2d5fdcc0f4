package tui

import (
	"testing"

	"warroom/access"
)

// Rendering has no side effects: a console drawn after every key and one
// drawn only at the end go through the same states, so they end on the
// same screen. A view that sets its list height, clamps its scroll or
// lays itself out while drawing fails this, as the undrawn one moves
// differently.
func TestRenderingChangesNothing(t *testing.T) {
	conn := demoDB(t)
	for i := 1; i <= 3; i++ {
		requestAs(t, conn, "alice", access.OpVoidEntry, map[string]any{"entry_id": i}, "wrong entry")
	}
	walk := []string{"j", "j", "pgdown", "k", "G", "pgup", "j", "down", "up"}
	for _, mode := range helpModes {
		t.Run(mode.name, func(t *testing.T) {
			drawn := honestyModel(t, conn, nil)
			undrawn := honestyModel(t, conn, nil)
			for _, k := range append(append([]string(nil), mode.keys...), walk...) {
				_ = drawn.View()
				nm, cmd := drawn.Update(keyMsg(k))
				drawn = settle(t, nm.(Model), cmd)
				nm, cmd = undrawn.Update(keyMsg(k))
				undrawn = settle(t, nm.(Model), cmd)
			}
			if a, b := screen(drawn), screen(undrawn); a != b {
				t.Errorf("drawing changed where the keys led:\ndrawn after every key:\n%s\ndrawn only at the end:\n%s", a, b)
			}
		})
	}
}
