package democmd

import (
	"os"
	"path/filepath"
	"testing"
)

// A --dir that does not exist yet is made, nested or not.
func TestGenerateFilesMakesItsDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "gen")
	st, err := GenerateFiles(dir, 20)
	if err != nil {
		t.Fatal(err)
	}
	if st.Merchants != 20 {
		t.Fatalf("%d merchants, want 20", st.Merchants)
	}
	for _, f := range []string{"merchants.csv", "sales.csv"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
}
