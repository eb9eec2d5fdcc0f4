package cmdutil

import (
	"fmt"
	"io"
	"os"
	"strings"

	"warroom/compensation"
)

// ProgressBar draws "[#####.....] 42% 12.0/28.5 MB" on stderr when stderr is
// a terminal, and nothing otherwise (scripts and --json get no noise).
func ProgressBar(w io.Writer, total int64, enabled bool) (compensation.Progress, func()) {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		w = u.Unwrap() // the bar draws only digits and #: it needs no sanitising
	}
	f, ok := w.(*os.File)
	if !enabled || !ok || total <= 0 {
		return nil, func() {}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil, func() {}
	}
	draw := func(n int64) {
		const width = 30
		pct := min(n*100/total, 100)
		filled := int(pct) * width / 100
		fmt.Fprintf(f, "\r[%s%s] %3d%% %.1f/%.1f MB", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
			pct, float64(n)/1e6, float64(total)/1e6)
	}
	return draw, func() { draw(total); fmt.Fprintln(f) }
}
