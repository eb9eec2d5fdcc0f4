package recovery

import (
	"fmt"
	"strconv"
	"time"

	"warroom/compensation"
)

// countsPivot turns a counts file's lines (one per merchant and domain)
// into one row per merchant, as restore_counts stores them (migration
// 00031): the merchant's counts in arrays whose position i is domains[i],
// NULL where the merchant is not counted. Consecutive lines of one merchant
// make one row; a merchant named again after others makes a second row,
// which the database merges (or refuses when both count one domain).
type countsPivot struct {
	name    string
	withAt  bool
	domains []string // by first appearance in the file
	index   map[string]int
	send    func(merchant, expected, restored, at string) error

	merchant           string
	expected, restored []int64
	at                 []time.Time
	line               []int // the line of each count; 0: none
	buf                []byte
}

func newCountsPivot(name string, withAt bool, send func(merchant, expected, restored, at string) error) *countsPivot {
	return &countsPivot{name: name, withAt: withAt, index: map[string]int{}, send: send}
}

// add takes the file's next line.
func (p *countsPivot) add(c countRow) error {
	if c.merchant != p.merchant {
		if err := p.flush(); err != nil {
			return err
		}
		p.merchant = c.merchant
	}
	i, ok := p.index[c.domain]
	if !ok {
		if len(p.domains) == MaxDomains {
			return &compensation.ImportError{File: p.name, Line: c.line, Field: "domain",
				Reason: fmt.Sprintf("%q would be domain %d: a snapshot counts at most %d domains", c.domain, MaxDomains+1, MaxDomains)}
		}
		i = len(p.domains)
		p.index[c.domain] = i
		p.domains = append(p.domains, c.domain)
	}
	for len(p.line) <= i {
		p.expected, p.restored, p.at, p.line = append(p.expected, 0), append(p.restored, 0), append(p.at, time.Time{}), append(p.line, 0)
	}
	if p.line[i] != 0 {
		return &compensation.ImportError{File: p.name, Line: c.line, Field: "merchant_id",
			Reason: fmt.Sprintf("%s is counted for %s already on line %d", c.merchant, c.domain, p.line[i])}
	}
	p.expected[i], p.restored[i], p.at[i], p.line[i] = c.expected, c.restored, c.at, c.line
	return nil
}

// flush sends the merchant in hand, if any, as array literals.
func (p *countsPivot) flush() error {
	if len(p.line) == 0 {
		return nil
	}
	ints := func(v []int64) string {
		p.buf = append(p.buf[:0], '{')
		for i, n := range v {
			if i > 0 {
				p.buf = append(p.buf, ',')
			}
			if p.line[i] == 0 {
				p.buf = append(p.buf, "NULL"...)
			} else {
				p.buf = strconv.AppendInt(p.buf, n, 10)
			}
		}
		return string(append(p.buf, '}'))
	}
	e, r := ints(p.expected), ints(p.restored)
	at := ""
	if p.withAt {
		p.buf = append(p.buf[:0], '{')
		for i, t := range p.at {
			if i > 0 {
				p.buf = append(p.buf, ',')
			}
			if p.line[i] == 0 || t.IsZero() { // not counted, or counted with no time of its own
				p.buf = append(p.buf, "NULL"...)
			} else {
				p.buf = t.UTC().AppendFormat(p.buf, time.RFC3339Nano)
			}
		}
		at = string(append(p.buf, '}'))
	}
	p.expected, p.restored, p.at, p.line = p.expected[:0], p.restored[:0], p.at[:0], p.line[:0]
	return p.send(p.merchant, e, r, at)
}
