// Package report is `warroom report`: the incident report as one HTML page
// or Markdown document.
package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
	"warroom/report"
)

// Options are `warroom report`'s.
type Options struct {
	Factory *cmdutil.Factory
	Format  string // "html" or "md"
	Output  string // file; "" is standard output
}

// NewCmdReport parses `warroom report`; runF replaces the run in tests.
func NewCmdReport(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{Factory: f}
	c := &cobra.Command{
		Use:   "report [--format html|md] [-o FILE]",
		Short: "The incident report: one HTML page (or Markdown) to read, print and check",
		Long: `Writes the incident's report: summary and impact, timeline (planned beside
actual), restore plan against what happened, accountability, the
compensation fund with its formula and a worked example, and the audit
chain's head with the command that checks it later.

HTML (the default) is one file with inline CSS and SVG charts, no scripts
and nothing fetched from the network; it prints to PDF from a browser.
Markdown carries the same content with the charts as tables. The report
reads aggregates only, so a million-merchant incident reports in seconds.`,
		Example: `  warroom report -o report.html
  warroom report --incident 2020-02-prod-deletion --format md -o report.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Format != "html" && opts.Format != "md" {
				return cmdutil.UsageError("--format %q: html or md", opts.Format)
			}
			if runF != nil {
				return runF(opts)
			}
			return run(cmd, opts)
		},
	}
	c.Flags().StringVar(&opts.Format, "format", "html", "`html` or md")
	c.Flags().StringVarP(&opts.Output, "output", "o", "", "write to `FILE` instead of standard output")
	return c
}

func run(cmd *cobra.Command, opts *Options) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, inc, err := f.OpenIncident(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	r, err := report.Gather(ctx, conn, inc, time.Now())
	if err != nil {
		return err
	}
	render := report.HTML
	if opts.Format == "md" {
		render = report.Markdown
	}
	if opts.Output == "" {
		return render(f.Out, r)
	}
	if err := writeFile(opts.Output, func(w io.Writer) error { return render(w, r) }); err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "report of %s written to %s\n", inc.Slug, opts.Output)
	return nil
}

// writeFile writes through a temporary file beside path and renames it
// into place, so a failed report never leaves half a file.
func writeFile(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".report-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
