package demo

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"warroom/compensation"
)

// MaxGenerated bounds `warroom demo generate`.
const MaxGenerated = 1_000_000

// Industry is one industry of the demo population with its margin rate.
type Industry struct {
	Name   string
	Margin compensation.Margin // MarginBP x 100: basis points to 1/10000 percent
}

// Industries are the demo population's industries and margins, to set as
// rates after importing generated files.
func Industries() ([]Industry, error) {
	d, err := scenario()
	if err != nil {
		return nil, err
	}
	out := make([]Industry, len(d.Population.Industries))
	for i, in := range d.Population.Industries {
		out[i] = Industry{Name: in.Name, Margin: compensation.Margin(in.MarginBP * 100)}
	}
	return out, nil
}

// GenerateStats says what Generate wrote.
type GenerateStats struct {
	Merchants int   `json:"merchants"`
	SalesRows int   `json:"sales_rows"`
	SalesFen  int64 `json:"sales_fen"`
}

// Generate writes n synthetic merchants (merchant_id,name,industry) and
// their sales in the incident's baseline window (merchant_id,at,amount: one
// row per merchant and baseline day, at a random minute of that day, the
// day's amount drawn around the merchant's daily revenue), both in the
// formats `warroom merchants import` and `warroom sales import` read. The
// same n always gives the same files (the data file's seed, a fixed order).
func Generate(n int, merchants, sales io.Writer) (GenerateStats, error) {
	var st GenerateStats
	if n <= 0 || n > MaxGenerated {
		return st, fmt.Errorf("merchants: %d, want 1 to %d", n, MaxGenerated)
	}
	d, err := scenario()
	if err != nil {
		return st, err
	}
	p := d.Population
	start, end := d.Fund.BaselineStart, d.Fund.BaselineEnd
	days := int(end.Sub(start) / (24 * time.Hour))
	if days < 1 {
		return st, fmt.Errorf("baseline window shorter than a day")
	}
	loc, err := time.LoadLocation(d.Incident.TimeZone)
	if err != nil {
		return st, err
	}
	r := rand.New(rand.NewPCG(p.Seed[0], p.Seed[1]^uint64(n)))
	mw, sw := bufio.NewWriterSize(merchants, 1<<20), bufio.NewWriterSize(sales, 1<<20)
	mw.WriteString("merchant_id,name,industry\n")
	sw.WriteString("merchant_id,at,amount\n")
	var buf []byte
	for i := range n {
		in := p.Industries[pickBP(r, len(p.Industries), func(k int) int { return p.Industries[k].ShareBP })]
		tier := p.RevenueTiers[pickBP(r, len(p.RevenueTiers), func(k int) int { return p.RevenueTiers[k].ShareBP })]
		daily := tier.MinFen + r.Int64N(tier.MaxFen-tier.MinFen+1)
		id := fmt.Sprintf("%s%07d", p.IDPrefix, i+1)
		buf = append(buf[:0], id...)
		buf = append(buf, ',', '"')
		buf = append(buf, shopName(r, p, in)...)
		buf = append(buf, '"', ',')
		buf = append(buf, in.Name...)
		buf = append(buf, '\n')
		mw.Write(buf)
		for day := range days {
			at := start.Add(time.Duration(day)*24*time.Hour + time.Duration(r.IntN(24*60))*time.Minute).In(loc)
			fen := daily/2 + r.Int64N(daily+1) // around the daily revenue, never negative
			buf = append(buf[:0], id...)
			buf = append(buf, ',')
			buf = at.AppendFormat(buf, time.RFC3339)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, fen/100, 10)
			buf = append(buf, '.', byte('0'+fen%100/10), byte('0'+fen%10))
			buf = append(buf, '\n')
			sw.Write(buf)
			st.SalesRows++
			st.SalesFen += fen
		}
		st.Merchants++
	}
	if err := mw.Flush(); err != nil {
		return st, err
	}
	return st, sw.Flush()
}
