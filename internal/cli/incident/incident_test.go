package incidentcmd

import (
	"testing"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdDeclare(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdDeclare, func(o *DeclareOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[DeclareOptions]{
		{Name: "title and severity", Args: []string{"Checkout down", "--severity", "sev1"},
			Want: DeclareOptions{Title: "Checkout down", Severity: "sev1"}},
		{Name: "every flag", Args: []string{"DB down", "--severity", "sev2", "--zone", "Asia/Shanghai",
			"--started-at", "2026-01-02 03:04", "--slug", "db-down", "--summary", "primary gone"},
			Want: DeclareOptions{Title: "DB down", Severity: "sev2", Zone: "Asia/Shanghai", StartedAt: "2026-01-02 03:04",
				Slug: "db-down", Summary: "primary gone"}},
		{Name: "no severity", Args: []string{"x"}, WantCode: cmdutil.ExitUsage, WantErr: "--severity is required"},
		{Name: "no title", Args: []string{"--severity", "sev1"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
		{Name: "two titles", Args: []string{"a", "b", "--severity", "sev1"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
		{Name: "unknown flag", Args: []string{"a", "--sev", "sev1"}, WantCode: cmdutil.ExitUsage, WantErr: "unknown flag: --sev"},
	})
}

func TestNewCmdStatus(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdStatus, func(o *StatusOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[StatusOptions]{
		{Name: "status", Args: []string{"identified"}, Want: StatusOptions{Status: "identified"}},
		{Name: "upper case reads as lower", Args: []string{"Resolved", "--note", "fixed"}, Want: StatusOptions{Status: "resolved", Note: "fixed"}},
		{Name: "no status", Args: nil, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
		{Name: "two statuses", Args: []string{"identified", "resolved"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
}

func TestNewCmdSeverity(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdSeverity, func(o *SeverityOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[SeverityOptions]{
		{Name: "severity and note", Args: []string{"SEV2", "--note", "half the shops back"}, Want: SeverityOptions{Severity: "sev2", Note: "half the shops back"}},
		{Name: "no note", Args: []string{"sev2"}, WantCode: cmdutil.ExitUsage, WantErr: "--note is required"},
		{Name: "blank note", Args: []string{"sev2", "--note", "  "}, WantCode: cmdutil.ExitUsage, WantErr: "--note is required"},
		{Name: "no severity", Args: []string{"--note", "x"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
}

func TestNewCmdRole(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdRole, func(o *RoleOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[RoleOptions]{
		{Name: "role and name", Args: []string{"commander", "Wang Fang"}, Want: RoleOptions{Role: "commander", Person: "Wang Fang"}},
		{Name: "no name", Args: []string{"scribe"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 2 arg"},
		{Name: "three args", Args: []string{"scribe", "a", "b"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 2 arg"},
	})
}
