package db

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"testing"
)

func TestWithLibpqDefaults(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	cases := map[string]string{
		"postgres://u@h:5/d":                  "postgres://u@h:5/d?sslmode=prefer",
		"postgres://u@h/d?sslmode=disable":    "postgres://u@h/d?sslmode=disable",
		"postgresql://h/d?application_name=x": "postgresql://h/d?application_name=x&sslmode=prefer",
		"host=h dbname=d":                     "host=h dbname=d sslmode=prefer",
		"host=h sslmode=require":              "host=h sslmode=require",
		"":                                    "sslmode=prefer",
	}
	for in, want := range cases {
		if got := WithLibpqDefaults(in); got != want {
			t.Errorf("WithLibpqDefaults(%q) = %q, want %q", in, got, want)
		}
	}
	t.Setenv("PGSSLMODE", "require")
	if got := WithLibpqDefaults("postgres://h/d"); got != "postgres://h/d" {
		t.Errorf("PGSSLMODE set: got %q", got)
	}
}

func TestMapErrorNamesDeadConnections(t *testing.T) {
	for _, err := range []error{driver.ErrBadConn, io.EOF, io.ErrUnexpectedEOF,
		&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}} {
		if got := MapError(err); !errors.Is(got, ErrConnectionFailure) || !errors.Is(got, err) {
			t.Errorf("MapError(%v) = %v, want a connection failure wrapping it", err, got)
		}
	}
	if got := MapError(context.DeadlineExceeded); errors.Is(got, ErrConnectionFailure) {
		t.Errorf("a timeout is not a lost connection: %v", got)
	}
}
