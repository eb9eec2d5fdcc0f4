// Package db connects to PostgreSQL, applies the schema and maps driver
// errors to named ones. Domain packages run their SQL through Querier so the
// same store function works on the pool or inside a transaction.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // registers the "postgres" driver
)

// Querier is what both *sqlx.DB and *sqlx.Tx offer; store functions take it
// so a caller decides whether they run in a transaction.
type Querier interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

var (
	_ Querier = (*sqlx.DB)(nil)
	_ Querier = (*sqlx.Tx)(nil)
)

// Open connects to url (a libpq URL or key=value string; empty means the
// PG* environment variables) and checks the connection.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	conn, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if err := conn.PingContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return conn, nil
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise, so a write either lands whole or not at all. When ctx
// ends, fn's statements fail (they run with ctx) and nothing is committed.
//
// The transaction itself is begun without ctx's cancellation: database/sql
// would roll it back from another goroutine the moment ctx ends, while fn
// may still have a COPY open on the connection, and lib/pq then hangs in
// that rollback (lib/pq issue 892). Here the rollback runs after fn
// returns, its COPY closed.
//
// The transaction runs on a connection of its own, known to CopyIn while
// fn runs: database/sql hides a transaction's connection, and CopyIn needs
// it to hand lib/pq whole chunks of COPY data.
func InTx(ctx context.Context, conn *sqlx.DB, fn func(tx *sqlx.Tx) error) (err error) {
	tx, c, err := beginOwn(context.WithoutCancel(ctx), conn)
	if err != nil {
		return MapError(err)
	}
	// Deferred first, so it runs last: the connection goes back to the
	// pool only once the transaction has ended, on every path.
	defer c.Close()
	txConns.Store(tx, c)
	defer txConns.Delete(tx)
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err // ended while fn ran: roll back
	}
	return MapError(tx.Commit())
}

// IsNotFound reports whether err means the row asked for does not exist.
func IsNotFound(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, sql.ErrNoRows)
}

// Write runs fn in one transaction whose changes are attributed to actor
// (empty: the database login). Store functions that write take the
// transaction it hands them.
func Write(ctx context.Context, conn *sqlx.DB, actor string, fn func(tx *sqlx.Tx) error) error {
	return InTx(ctx, conn, func(tx *sqlx.Tx) error {
		if err := SetActor(ctx, tx, actor); err != nil {
			return err
		}
		return fn(tx)
	})
}
