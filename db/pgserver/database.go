package pgserver

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/lib/pq"
)

// EnsureDatabase creates database name on the server at adminURL unless it
// exists; created reports whether this call made it. Processes racing on a
// fresh server all succeed: they queue on an advisory lock, and a
// duplicate_database error counts as "already there".
func EnsureDatabase(ctx context.Context, adminURL, name string) (created bool, err error) {
	conn, err := sql.Open("postgres", adminURL)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	// CREATE DATABASE cannot run in a transaction, so the lock is a session
	// lock on one pinned connection.
	c, err := conn.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer c.Close()
	h := fnv.New64a()
	h.Write([]byte("warroom create database " + name))
	key := int64(h.Sum64())
	if _, err := c.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		return false, fmt.Errorf("lock for create database: %w", err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key)

	var exists bool
	if err := c.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return false, fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return false, nil
	}
	if _, err := c.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)); err != nil {
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "42P04" { // duplicate_database
			return false, nil
		}
		return false, fmt.Errorf("create database %s: %w", name, err)
	}
	return true, nil
}
