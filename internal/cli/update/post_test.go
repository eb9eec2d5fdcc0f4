package update

import (
	"testing"
	"time"

	"warroom/internal/cli/cmdtest"
	"warroom/internal/cli/cmdutil"
)

func TestNewCmdPost(t *testing.T) {
	cmdtest.CheckParse(t, NewCmdPost, func(o *PostOptions, f *cmdutil.Factory) { o.Factory = f }, []cmdtest.ParseCase[PostOptions]{
		{Name: "no promise", Args: []string{"--audience", "internal", "Checkout restored for 80%"},
			Want: PostOptions{Audience: "internal", Text: "Checkout restored for 80%"}},
		{Name: "next in", Args: []string{"--audience", "executives", "ETA 14:00", "--next-in", "30m"},
			Want: PostOptions{Audience: "executives", Text: "ETA 14:00", NextIn: 30 * time.Minute}},
		{Name: "hours and minutes", Args: []string{"--audience", "customers", "x", "--next-in", "1h30m"},
			Want: PostOptions{Audience: "customers", Text: "x", NextIn: 90 * time.Minute}},
		{Name: "no audience", Args: []string{"x"}, WantCode: cmdutil.ExitUsage, WantErr: "--audience is required"},
		{Name: "next in without unit", Args: []string{"--audience", "internal", "x", "--next-in", "30"},
			WantCode: cmdutil.ExitUsage, WantErr: `--next-in: "30" is not a duration`},
		{Name: "no text", Args: []string{"--audience", "internal"}, WantCode: cmdutil.ExitUsage, WantErr: "accepts 1 arg"},
	})
}
