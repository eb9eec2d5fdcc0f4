package tui

// drawCache is a view's last drawing. Render has no side effects
// (render_pure_test.go) and a view's state changes only in its entry
// points (SetData, SetSize, Update, Paste, Receive), so each of those drops
// the drawing as it starts, and nothing else has to: the root draws a view
// again only after something was handed to it.
type drawCache struct {
	out     string
	ok      bool
	renders int // how often the view really drew (tests check the cache)
}

// draw is the last drawing, or a new one from render when it was dropped.
func (c *drawCache) draw(render func() string) string {
	if !c.ok {
		c.renders++
		c.out, c.ok = render(), true
	}
	return c.out
}

// drop forgets the drawing: the next Render draws anew.
func (c *drawCache) drop() { c.ok = false }
