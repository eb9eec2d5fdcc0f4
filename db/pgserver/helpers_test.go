package pgserver

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/lib/pq"
)

// testDataDir is a fresh data directory under the test's temp dir. As root
// the temp dirs (0700) are opened up so the server's account can reach it,
// as a user's own ~/.local/share would be.
func testDataDir(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	if os.Geteuid() == 0 {
		for _, d := range []string{tmp, filepath.Dir(tmp)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	return filepath.Join(tmp, "warroom")
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func openDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	conn, err := sql.Open("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Ping(); err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	return conn
}

// stopOnCleanup makes sure no test leaves a detached server behind.
func stopOnCleanup(t *testing.T, s *Server) {
	t.Cleanup(func() {
		if err := s.Stop(context.Background()); err != nil {
			t.Errorf("cleanup stop: %v", err)
		}
	})
}
