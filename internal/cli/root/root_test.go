package root

import (
	"testing"

	"github.com/spf13/cobra"

	"warroom/internal/cli/cmdutil"
)

// --db, --incident and --as are declared once, on the root, and --json
// only through cmdutil.AddJSONFlag: no command redeclares them with a
// meaning of its own.
func TestSharedFlagsDeclaredOnce(t *testing.T) {
	f := &cmdutil.Factory{}
	root := NewCmdRoot(f)
	jsonUsage := func() string {
		c := &cobra.Command{}
		var b bool
		cmdutil.AddJSONFlag(c, &b)
		return c.Flags().Lookup("json").Usage
	}()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, name := range []string{"db", "incident", "as"} {
			if c.LocalNonPersistentFlags().Lookup(name) != nil || (c != root && c.PersistentFlags().Lookup(name) != nil) {
				t.Errorf("%q declares --%s of its own", c.CommandPath(), name)
			}
		}
		if j := c.LocalNonPersistentFlags().Lookup("json"); j != nil && j.Usage != jsonUsage {
			t.Errorf("%q declares --json by hand (%q)", c.CommandPath(), j.Usage)
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for _, name := range []string{"db", "incident", "as"} {
		if root.PersistentFlags().Lookup(name) == nil {
			t.Errorf("the root does not declare --%s", name)
		}
	}
}
