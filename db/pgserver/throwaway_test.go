package pgserver

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestStartThrowaway(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	t0 := time.Now()
	url, stop, err := StartThrowaway(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("throwaway start (initdb --no-sync + start): %v", time.Since(t0))
	defer stop()
	conn := openDB(t, url)
	var dataDir, fsync string
	if err := conn.QueryRow(`SELECT current_setting('data_directory'), current_setting('fsync')`).Scan(&dataDir, &fsync); err != nil {
		t.Fatal(err)
	}
	if fsync != "off" {
		t.Errorf("fsync = %s, want off", fsync)
	}
	dir := filepath.Dir(dataDir)
	if _, err := os.Stat(dir); err != nil {
		t.Fatal(err)
	}
	conn.Close()

	t0 = time.Now()
	stop()
	t.Logf("throwaway stop: %v", time.Since(t0))
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s still there after stop (%v)", dir, err)
	}
	if err := openQuiet(url); err == nil {
		t.Error("server still accepts connections after stop")
	}
	stop() // twice is harmless
}

func openQuiet(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := EnsureDatabase(ctx, url, "postgres")
	return err
}

func TestSweepThrowaways(t *testing.T) {
	old, err := os.MkdirTemp("", throwawayPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(old)
	if err := os.WriteFile(filepath.Join(old, "lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	young, err := os.MkdirTemp("", throwawayPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(young)
	if err := os.WriteFile(filepath.Join(young, "lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	held, err := os.MkdirTemp("", throwawayPrefix)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(held)
	l, err := lockFile(context.Background(), filepath.Join(held, "lock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.unlock()
	past := time.Now().Add(-2 * time.Hour)
	for _, d := range []string{old, held} {
		if err := os.Chtimes(d, past, past); err != nil {
			t.Fatal(err)
		}
	}

	sweepThrowaways()
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("abandoned %s not swept", old)
	}
	for _, d := range []string{young, held} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s swept: %v", d, err)
		}
	}
}

func TestEnsureDatabaseRace(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	url, stop, err := StartThrowaway(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	const n = 8
	var wg sync.WaitGroup
	created := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { created[i], errs[i] = EnsureDatabase(ctx, url, "warroom") })
	}
	wg.Wait()
	nCreated := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("EnsureDatabase %d: %v", i, errs[i])
		}
		if created[i] {
			nCreated++
		}
	}
	if nCreated != 1 {
		t.Errorf("%d calls created the database, want 1", nCreated)
	}
	if c, err := EnsureDatabase(ctx, url, "warroom"); err != nil || c {
		t.Errorf("EnsureDatabase on existing = %v, %v; want false, nil", c, err)
	}
	// A name needing quotes works too.
	if c, err := EnsureDatabase(ctx, url, `War "Room"`); err != nil || !c {
		t.Errorf("EnsureDatabase quoted name = %v, %v", c, err)
	}
}
