package db

import "github.com/jmoiron/sqlx"

// TxRegistered reports whether InTx's registry holds tx.
func TxRegistered(tx *sqlx.Tx) bool {
	_, ok := txConns.Load(tx)
	return ok
}

// CopyDriver is CopyIn's path on a driver connection, for a test to watch
// the chunks it hands a fake driver.
var CopyDriver = copyDriver
