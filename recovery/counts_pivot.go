package recovery

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"warroom/compensation"
)

// countsPivot turns a counts file's lines (one per merchant and domain)
// into one row per merchant, as a snapshot's table stores them (migration
// 00036): a COPY text line with the merchant, then expected and restored
// (and the time, when the file has an at column) for each domain position,
// \N where the merchant is not counted. Positions are domains[i], by first
// appearance in the file; every line has as many as the domains seen so
// far. Consecutive lines of one merchant make one row; a merchant named
// again after others makes a second row, which the database merges (or
// refuses when both count one domain).
type countsPivot struct {
	name    string
	withAt  bool
	domains []string
	index   map[string]int
	send    func(width int, line []byte) error

	merchant           string
	expected, restored []int64
	at                 []time.Time
	line               []int // the line of each count; 0: none
	buf                []byte
}

func newCountsPivot(name string, withAt bool, send func(width int, line []byte) error) *countsPivot {
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
		// A copy: the line's strings are slices of the reader's whole
		// chunk, which the pivot would otherwise keep for the import.
		d := strings.Clone(c.domain)
		i = len(p.domains)
		p.index[d] = i
		p.domains = append(p.domains, d)
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

// flush sends the merchant in hand, if any, as one COPY line. The
// merchant id needs no escaping: the reader refused tabs, line breaks and
// backslashes in it.
func (p *countsPivot) flush() error {
	if len(p.line) == 0 {
		return nil
	}
	b := append(p.buf[:0], p.merchant...)
	for i := range p.domains {
		if i >= len(p.line) || p.line[i] == 0 {
			b = append(b, "\t\\N\t\\N"...)
			if p.withAt {
				b = append(b, "\t\\N"...)
			}
			continue
		}
		b = append(b, '\t')
		b = strconv.AppendInt(b, p.expected[i], 10)
		b = append(b, '\t')
		b = strconv.AppendInt(b, p.restored[i], 10)
		if p.withAt {
			if p.at[i].IsZero() { // no time of its own
				b = append(b, "\t\\N"...)
			} else {
				b = append(b, '\t')
				b = p.at[i].UTC().AppendFormat(b, time.RFC3339Nano)
			}
		}
	}
	p.buf = b
	p.expected, p.restored, p.at, p.line = p.expected[:0], p.restored[:0], p.at[:0], p.line[:0]
	return p.send(len(p.domains), b)
}
