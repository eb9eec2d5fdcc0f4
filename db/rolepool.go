package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// RolePool is a few real connections, as one authenticator login, shared
// by many people (`warroom serve`: hundreds of consoles, one small pool).
// Each person gets a handle (As) that borrows a connection for one
// transaction or one statement, sets the person's role on it (SET ROLE, so
// the database's grants, guards and names are the person's) and gives it
// back with DISCARD ALL, which resets the role and every other setting. A
// connection that cannot be reset is closed, never handed to someone else.
type RolePool struct {
	connector driver.Connector
	idle      chan driver.Conn // reset connections ready for anyone
	slots     chan struct{}    // one per connection open or being opened
	closeOnce sync.Once
	done      chan struct{}
}

// NewRolePool opens at most size connections to dsn, on demand.
func NewRolePool(dsn string, size int) (*RolePool, error) {
	if size < 1 {
		return nil, fmt.Errorf("role pool: size %d, want at least 1", size)
	}
	c, err := pq.NewConnector(WithLibpqDefaults(dsn))
	if err != nil {
		return nil, fmt.Errorf("role pool: %w", err)
	}
	return &RolePool{connector: c, idle: make(chan driver.Conn, size), slots: make(chan struct{}, size),
		done: make(chan struct{})}, nil
}

// Size is the most connections the pool holds.
func (p *RolePool) Size() int { return cap(p.slots) }

// Admin is a handle on the authenticator itself, without SET ROLE: for the
// checks the server makes before it acts for anyone (CheckAuthenticator,
// pg_has_role). It holds none of its people's rights.
func (p *RolePool) Admin() *sqlx.DB { return p.handle("") }

// As is a handle whose every transaction and statement runs as person
// (a login the authenticator was granted; SET ROLE refuses any other).
// Close it when the person's session ends; the pool's connections stay.
func (p *RolePool) As(person string) *sqlx.DB { return p.handle(person) }

func (p *RolePool) handle(person string) *sqlx.DB {
	h := sql.OpenDB(&roleConnector{pool: p, person: person})
	// Nothing idles in the handle: a connection goes back to the pool (and
	// loses the role) as soon as the transaction or statement ends. Two at
	// most, so one person cannot take the whole pool.
	h.SetMaxIdleConns(0)
	h.SetMaxOpenConns(2)
	return sqlx.NewDb(h, "postgres")
}

// Close closes the idle connections; borrowed ones close as they return.
func (p *RolePool) Close() error {
	p.closeOnce.Do(func() { close(p.done) })
	for {
		select {
		case c := <-p.idle:
			_ = c.Close()
			<-p.slots
		default:
			return nil
		}
	}
}

var errPoolClosed = errors.New("role pool closed")

// get borrows a reset connection, opening one while the pool has room.
func (p *RolePool) get(ctx context.Context) (driver.Conn, error) {
	select {
	case <-p.done:
		return nil, errPoolClosed
	case c := <-p.idle:
		return c, nil
	default:
	}
	select {
	case <-p.done:
		return nil, errPoolClosed
	case c := <-p.idle:
		return c, nil
	case p.slots <- struct{}{}:
		c, err := p.connector.Connect(ctx)
		if err != nil {
			<-p.slots
			return nil, err
		}
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// put resets c and makes it available, or closes it when it cannot be
// reset (a broken connection, one left inside a transaction).
func (p *RolePool) put(c driver.Conn) {
	ok := false
	if v, isV := c.(driver.Validator); !isV || v.IsValid() {
		if ex, isEx := c.(driver.ExecerContext); isEx {
			_, err := ex.ExecContext(context.Background(), `DISCARD ALL`, nil)
			ok = err == nil
		}
	}
	select {
	case <-p.done:
		ok = false
	default:
	}
	if !ok {
		_ = c.Close()
		<-p.slots
		return
	}
	p.idle <- c // never blocks: idle holds at most one per slot
}

// roleConnector is a person's handle's way to the pool.
type roleConnector struct {
	pool   *RolePool
	person string
}

func (rc *roleConnector) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := rc.pool.get(ctx)
	if err != nil {
		return nil, err
	}
	if rc.person != "" {
		ex := c.(driver.ExecerContext)
		if _, err := ex.ExecContext(ctx, `SET ROLE `+pq.QuoteIdentifier(rc.person), nil); err != nil {
			rc.pool.put(c)
			return nil, MapError(err)
		}
	}
	return &roleConn{pool: rc.pool, c: c}, nil
}

func (rc *roleConnector) Driver() driver.Driver { return rc.pool.connector.Driver() }

// roleConn is a borrowed connection: everything goes to the real one, and
// Close gives it back to the pool instead of closing it.
type roleConn struct {
	pool   *RolePool
	c      driver.Conn
	closed bool
}

var (
	_ driver.ConnBeginTx        = (*roleConn)(nil)
	_ driver.ConnPrepareContext = (*roleConn)(nil)
	_ driver.QueryerContext     = (*roleConn)(nil)
	_ driver.ExecerContext      = (*roleConn)(nil)
	_ driver.Pinger             = (*roleConn)(nil)
	_ driver.Validator          = (*roleConn)(nil)
	_ driver.NamedValueChecker  = (*roleConn)(nil)
	_ driver.SessionResetter    = (*roleConn)(nil)
	_ driver.Conn               = (*roleConn)(nil)
)

func (r *roleConn) Prepare(q string) (driver.Stmt, error) { return r.c.Prepare(q) }

// Begin is driver.Conn's; database/sql calls BeginTx.
func (r *roleConn) Begin() (driver.Tx, error) {
	//lint:ignore SA1019 driver.Conn still requires Begin
	return r.c.Begin()
}

func (r *roleConn) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	r.pool.put(r.c)
	return nil
}

func (r *roleConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return r.c.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (r *roleConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return r.c.(driver.ConnPrepareContext).PrepareContext(ctx, q)
}

func (r *roleConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return r.c.(driver.QueryerContext).QueryContext(ctx, q, args)
}

func (r *roleConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return r.c.(driver.ExecerContext).ExecContext(ctx, q, args)
}

func (r *roleConn) Ping(ctx context.Context) error { return r.c.(driver.Pinger).Ping(ctx) }

func (r *roleConn) IsValid() bool { return r.c.(driver.Validator).IsValid() }

func (r *roleConn) ResetSession(ctx context.Context) error {
	return r.c.(driver.SessionResetter).ResetSession(ctx)
}

func (r *roleConn) CheckNamedValue(nv *driver.NamedValue) error {
	return r.c.(driver.NamedValueChecker).CheckNamedValue(nv)
}
