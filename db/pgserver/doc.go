// Package pgserver runs the PostgreSQL cluster warroom uses when no server is
// given: a private cluster in the user's data directory, started with the
// PostgreSQL binaries already on the machine, plus throwaway clusters for
// tests.
//
// Security model: the embedded cluster listens on no TCP port at all, only
// on a Unix socket in a 0700 directory owned by the server's account, and
// trusts whoever reaches that socket: the OS account that runs warroom (and
// root). Other accounts on the machine cannot connect. A war room of several
// people uses a shared server (--db or DATABASE_URL) instead. The throwaway
// clusters of tests also listen on 127.0.0.1 with trust: they hold no data.
//
// PostgreSQL refuses to run as root, so when warroom runs as root (as CI
// does) initdb, pg_ctl and postgres run as an unprivileged account: the owner
// of an existing cluster, else "postgres", else "nobody".
package pgserver
