// Package pgserver runs the PostgreSQL cluster warroom uses when no server is
// given: a private cluster in the user's data directory, started with the
// PostgreSQL binaries already on the machine, plus throwaway clusters for
// tests.
//
// Security model: the cluster listens on 127.0.0.1 only and uses trust
// authentication (any local account may connect as the superuser
// "postgres"). That matches a single-user tool on a workstation or CI box;
// a shared multi-user machine should run a real server and pass --db or
// DATABASE_URL instead.
//
// PostgreSQL refuses to run as root, so when warroom runs as root (as CI
// does) initdb, pg_ctl and postgres run as an unprivileged account: the owner
// of an existing cluster, else "postgres", else "nobody".
package pgserver
