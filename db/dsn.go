package db

import (
	"net/url"
	"os"
	"strings"
)

// WithLibpqDefaults gives a connection string libpq's SSL default: lib/pq
// alone would insist on TLS ("require"), so a URL that works with psql
// against a local server without TLS would fail here. An explicit sslmode,
// in the string or in PGSSLMODE, always wins.
func WithLibpqDefaults(dsn string) string {
	if os.Getenv("PGSSLMODE") != "" {
		return dsn
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return dsn // let the driver report the malformed URL
		}
		q := u.Query()
		if q.Get("sslmode") != "" {
			return dsn
		}
		q.Set("sslmode", "prefer")
		u.RawQuery = q.Encode()
		return u.String()
	}
	if strings.Contains(dsn, "sslmode=") {
		return dsn
	}
	return strings.TrimSpace(dsn + " sslmode=prefer")
}
