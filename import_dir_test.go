package main

import (
	"strings"
	"testing"
)

// A directory named as the file to import is bad input (exit 3), said
// plainly, not an I/O error (exit 1).
func TestImportOfADirectoryIsInvalidInput(t *testing.T) {
	url, _ := demoDB(t)
	for _, noun := range []string{"merchants", "sales"} {
		code, _, errs := cli(t, url, noun, "import", t.TempDir())
		if code != exitInvalid || !strings.Contains(errs, "is a directory: name a CSV file") {
			t.Errorf("%s import DIR: exit %d, %q; want exit %d", noun, code, errs, exitInvalid)
		}
	}
}
