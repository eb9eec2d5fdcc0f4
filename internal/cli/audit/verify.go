package audit

import (
	"fmt"

	"github.com/spf13/cobra"

	"warroom/access"
	"warroom/glossary"
	"warroom/internal/cli/cmdutil"
)

// VerifyOptions are `warroom audit verify`'s.
type VerifyOptions struct {
	Factory *cmdutil.Factory
	Anchors []access.Anchor
}

// NewCmdVerify parses `warroom audit verify`; runF replaces the run in tests.
func NewCmdVerify(f *cmdutil.Factory, runF func(*VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{Factory: f}
	var anchors []string
	c := &cobra.Command{
		Use:   "verify [--anchor SEQ:HASH]...",
		Short: "Walk the hash chain; name the first broken link (exit 6)",
		Long: `Recomputes every link of the audit chain and names the first one that does
not hold: an altered or deleted audit row, a removed link, or a write left
out of the chain. A superuser could rewrite the whole chain consistently:
keep the printed head (SEQ:HASH) somewhere else and pass it back with
--anchor to show the chain still contains it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, s := range anchors {
				a, err := access.ParseAnchor(s)
				if err != nil {
					return err
				}
				opts.Anchors = append(opts.Anchors, a)
			}
			if runF != nil {
				return runF(opts)
			}
			return verifyRun(cmd, opts)
		},
	}
	c.Flags().StringArrayVar(&anchors, "anchor", nil, "a SEQ:HASH printed by an earlier verify")
	return c
}

func verifyRun(cmd *cobra.Command, opts *VerifyOptions) error {
	f, ctx := opts.Factory, cmd.Context()
	conn, _, err := f.Open(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	v, err := access.Verify(ctx, conn, opts.Anchors...)
	if err != nil {
		return err
	}
	if !v.OK() {
		return cmdutil.WithCode(cmdutil.ExitTampered, v.Broken)
	}
	fmt.Fprintf(f.Out, "audit chain intact: %s\nhead %d:%s\n", glossary.Plural(v.Checked, "link", "links"), v.HeadSeq, v.HeadHash)
	return nil
}
