package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"warroom/access"
	"warroom/db"
	"warroom/demo"
)

// `warroom report` as a user runs it: HTML to a file, Markdown to standard
// output, as a viewer (it only reads), and the refusals.
func TestReportCommand(t *testing.T) {
	dbURL, admin := demoDB(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	code, out, errs := cli(t, dbURL, "report", "-o", file)
	if code != 0 || out != "" || !strings.Contains(errs, "report of "+demo.Slug()+" written to "+file) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	html, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "150,000,000.00", "206 hours", "<svg", "warroom audit verify --anchor "} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}

	// A viewer, the executives' role, makes the same report in Markdown.
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "t" + hex.EncodeToString(b) + "_viewer"
	pw, req, err := access.AddUser(context.Background(), admin, name, "viewer")
	if err != nil || req != 0 {
		t.Fatalf("add %s: %v (request %d)", name, err, req)
	}
	t.Cleanup(func() {
		a, err := db.Open(context.Background(), dbURL)
		if err == nil {
			a.Exec(`DROP OWNED BY ` + name)
			a.Exec(`DROP ROLE IF EXISTS ` + name)
			a.Close()
		}
	})
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(name, pw)
	code, out, errs = cli(t, u.String(), "report", "--format", "md", "--incident", demo.Slug())
	if code != 0 || !strings.HasPrefix(out, "# Incident report: Production environment") ||
		!strings.Contains(out, "8 days 14 hours (206 hours)") || !strings.Contains(out, "intact when this report was made") {
		t.Fatalf("as a viewer: exit %d, stderr %q, stdout:\n%.400s", code, errs, out)
	}

	if code, _, errs := cli(t, dbURL, "report", "--incident", "no-such-incident"); code != 5 || !strings.Contains(errs, "no-such-incident") {
		t.Errorf("unknown incident: exit %d, %q; want 5 naming it", code, errs)
	}
	missing := filepath.Join(dir, "no", "such", "dir", "r.md")
	if code, _, _ := cli(t, dbURL, "report", "--format", "md", "-o", missing); code == 0 {
		t.Error("writing into a missing directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the report directory holds %d entries; want report.html alone (no temporary files left)", len(entries))
	}
}
