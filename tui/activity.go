package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"warroom/db"
	"warroom/glossary"
)

// activityMax is how many changes the strip remembers; one line rarely
// shows more than four.
const activityMax = 16

// activityH is the strip's height: one line above the footer, on every view.
const activityH = 1

// activityLog keeps the latest changes to the incident on screen, newest
// last. It is a pointer so copies of Model share it, like the views.
type activityLog struct {
	changes []db.Change
	gen     int // bumped on every add, for the render cache

	// render cache: the strip is redrawn only when something it shows moved
	cacheKey activityKey
	cacheOut string
}

type activityKey struct {
	gen   int
	snap  *Snapshot
	width int
}

// add records c. Milestone history rows are left out: each accompanies a
// change to its milestone, which the strip already shows.
func (a *activityLog) add(c db.Change) {
	if c.Table == "milestone_updates" {
		return
	}
	a.changes = append(a.changes, c)
	if len(a.changes) > activityMax {
		// In place: this runs in every console for every change.
		a.changes = slices.Delete(a.changes, 0, len(a.changes)-activityMax)
	}
	a.gen++
}

// render draws the strip: newest change first, as many as fit in width.
func (a *activityLog) render(st *Styles, snap *Snapshot, width int) string {
	key := activityKey{gen: a.gen, snap: snap, width: width}
	if key == a.cacheKey && a.cacheOut != "" {
		return a.cacheOut
	}
	label := " " + st.Section.Render("Activity") + "  "
	var line string
	if len(a.changes) == 0 {
		line = label + st.Muted.Render("no changes since the console started")
	} else {
		parts := make([]string, 0, len(a.changes))
		for i := len(a.changes) - 1; i >= 0; i-- {
			parts = append(parts, describeChange(a.changes[i], snap))
		}
		line = label + strings.Join(parts, st.Muted.Render(" · "))
	}
	a.cacheKey, a.cacheOut = key, fit(line, width)
	return a.cacheOut
}

// describeChange is "12:03:04 alice updated milestone core-env v7", the time
// in the incident's zone and every database string sanitized.
func describeChange(c db.Change, snap *Snapshot) string {
	at := c.At
	if snap != nil {
		at = at.In(snap.Incident.Location())
	}
	who := SanitizeLine(c.By)
	if who == "" {
		who = "someone"
	}
	verb := map[string]string{"I": "added", "U": "updated", "D": "deleted"}[c.Op]
	if verb == "" {
		verb = "changed"
	}
	what := changeSubject(c, snap)
	if c.Version > 1 && c.Op == "U" {
		what += fmt.Sprintf(" v%d", c.Version)
	}
	return at.Format("15:04:05") + " " + who + " " + verb + " " + what
}

// changeSubject names the row: a milestone by its key, a timeline entry by
// its title when the snapshot has it, other rows by table and id, and bulk
// statements by their row count.
func changeSubject(c db.Change, snap *Snapshot) string {
	noun := glossary.TableNoun(SanitizeLine(c.Table)) // "timeline entry", "timeline entries"
	if c.ID == 0 {
		if c.Rows == 0 { // one row with no id of its own: the incident's fund
			return "the " + noun.One
		}
		return glossary.Plural(c.Rows, noun.One, noun.Many)
	}
	if snap != nil {
		switch c.Table {
		case "milestones":
			for _, ms := range snap.Milestones {
				if ms.ID == c.ID {
					return "milestone " + SanitizeLine(ms.Key)
				}
			}
		case "timeline_entries":
			for _, e := range snap.Timeline {
				if e.ID == c.ID {
					return "entry " + quoteShort(SanitizeLine(e.Title), 24)
				}
			}
		case "incidents":
			return "the incident"
		}
	}
	return noun.One + " " + strconv.FormatInt(c.ID, 10)
}

// quoteShort quotes s, cut to n runes with an ellipsis.
func quoteShort(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return "\"" + s + "\""
}
