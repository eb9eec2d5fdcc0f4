// Package root is the warroom command tree: the root command (the
// console) and every noun under it, each in a package of its own under
// internal/cli/<noun>.
package root

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"warroom/db"
	"warroom/internal/cli/action"
	"warroom/internal/cli/actions"
	"warroom/internal/cli/approvals"
	"warroom/internal/cli/audit"
	"warroom/internal/cli/claims"
	"warroom/internal/cli/cmdutil"
	dbcmd "warroom/internal/cli/db"
	democmd "warroom/internal/cli/demo"
	"warroom/internal/cli/fund"
	incidentcmd "warroom/internal/cli/incident"
	"warroom/internal/cli/incidents"
	initcmd "warroom/internal/cli/init"
	"warroom/internal/cli/margins"
	"warroom/internal/cli/merchant"
	"warroom/internal/cli/merchants"
	"warroom/internal/cli/milestone"
	"warroom/internal/cli/milestones"
	reportcmd "warroom/internal/cli/report"
	"warroom/internal/cli/restore"
	"warroom/internal/cli/sales"
	servecmd "warroom/internal/cli/serve"
	"warroom/internal/cli/timeline"
	"warroom/internal/cli/update"
	"warroom/internal/cli/updates"
	"warroom/internal/cli/user"
	"warroom/textsafe"
)

// Run executes one command line and returns the process exit code.
// Everything it prints passes through textsafe.Writer: messages quote
// database and file text, and none of it may reach the terminal as an
// escape sequence.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := &cmdutil.Factory{Out: textsafe.NewWriter(stdout), ErrOut: textsafe.NewWriter(stderr)}
	return Execute(ctx, f, args)
}

// Execute runs args on the tree built for f, printing the error, if any,
// on f.ErrOut, and returns the exit code.
func Execute(ctx context.Context, f *cmdutil.Factory, args []string) int {
	root := NewCmdRoot(f)
	root.SetArgs(args)
	root.SetOut(f.Out)
	root.SetErr(f.ErrOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	db.ConflictIn(err, f.Zone) // as every other time the command printed
	cmdutil.PrintError(f.ErrOut, err)
	return cmdutil.ExitCode(err)
}

// NewCmdRoot is `warroom`: the console, with every command under it.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	root := newCmdConsole(f, nil)
	root.Args = unknownCommand
	root.SuggestionsMinimumDistance = 2
	root.Version = version()
	f.Bind(root)
	root.AddCommand(
		fund.NewCmdFund(f, nil),
		incidents.NewCmdIncidents(f, nil),
		incidentcmd.NewCmdIncident(f),
		update.NewCmdUpdate(f),
		updates.NewCmdUpdates(f, nil),
		actions.NewCmdActions(f, nil),
		action.NewCmdAction(f),
		timeline.NewCmdTimeline(f),
		milestones.NewCmdMilestones(f, nil),
		milestone.NewCmdMilestone(f),
		restore.NewCmdRestore(f),
		dbcmd.NewCmdDB(f),
		democmd.NewCmdDemo(f),
		merchants.NewCmdMerchants(f),
		sales.NewCmdSales(f),
		margins.NewCmdMargins(f),
		claims.NewCmdClaims(f),
		merchant.NewCmdMerchant(f),
		user.NewCmdUser(f),
		approvals.NewCmdApprovals(f),
		audit.NewCmdAudit(f),
		reportcmd.NewCmdReport(f, nil),
		initcmd.NewCmdInit(f, nil),
		servecmd.NewCmdServe(f, nil),
	)
	cmdutil.MarkArgErrorsAsUsage(root)
	return root
}
