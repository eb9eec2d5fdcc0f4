package demo

import (
	"testing"

	"warroom/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }
