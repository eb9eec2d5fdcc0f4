package dbtest

import "errors"

// startThrowaway starts a private cluster for this test process.
// TODO(launcher): replaced by the embedded launcher.
func startThrowaway() (url string, stop func(), err error) {
	return "", nil, errors.New("set TEST_DATABASE_URL (throwaway cluster not wired yet)")
}
