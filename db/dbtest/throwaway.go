package dbtest

import (
	"context"
	"time"

	"warroom/db/pgserver"
)

// startThrowaway starts a private cluster for this test process with the
// launcher the app uses for its embedded server (fsync off, removed by
// stop, killed with this process if it dies).
func startThrowaway() (url string, stop func(), err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return pgserver.StartThrowaway(ctx)
}
