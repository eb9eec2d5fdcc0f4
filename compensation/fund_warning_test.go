package compensation

import "testing"

// The cash warning says what is short: nothing when the money received
// covers what is paid and owed; approved claims owing more than the cash
// on hand; more paid out than received (no "owe 0.00" when nothing is
// owed), with what is still owed on top when both.
func TestCashWarning(t *testing.T) {
	for _, tt := range []struct {
		received, paid, committed int64
		want                      string
	}{
		{100_00, 40_00, 60_00, ""},
		{100_00, 40_00, 70_00, "approved claims owe 70.00: 10.00 more than the cash on hand"},
		{100_00, 130_00, 0, "paid out 30.00 more than received"},
		{100_00, 130_00, 5_00, "paid out 30.00 more than received, and approved claims owe 5.00 more"},
	} {
		f := Fund{ReceivedFen: tt.received, PaidFen: tt.paid, CommittedFen: tt.committed}
		f.CashOnHandFen = f.ReceivedFen - f.PaidFen
		f.CashShort = f.CommittedFen > f.CashOnHandFen
		if got := f.CashWarning(); got != tt.want {
			t.Errorf("received %d paid %d committed %d: %q, want %q", tt.received, tt.paid, tt.committed, got, tt.want)
		}
	}
}
