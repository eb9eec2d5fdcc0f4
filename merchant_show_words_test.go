package main

import (
	"strings"
	"testing"
)

// The statement starts with its first fact, shows the rate without
// padding zeros, and keeps the formula's two lines apart.
func TestMerchantShowReadsCleanly(t *testing.T) {
	url, _ := demoDB(t)
	code, out, errs := cli(t, url, "merchant", "show", "M000001")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[0], "merchant ") {
		t.Fatalf("first line %q, want the merchant", lines[0])
	}
	if strings.Contains(out, ".0000%") {
		t.Fatalf("padded rate:\n%s", out)
	}
	var daily, cash bool
	for _, l := range lines {
		daily = daily || strings.HasPrefix(l, "daily revenue = ") && !strings.Contains(l, "cash = ")
		cash = cash || strings.HasPrefix(l, "cash = ")
	}
	if !daily || !cash {
		t.Fatalf("the formula's two lines should stand apart:\n%s", out)
	}
}

func TestMarginsShowRatesWithoutPaddingZeros(t *testing.T) {
	url, _ := demoDB(t)
	code, out, errs := cli(t, url, "margins")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, ".0000%") || !strings.Contains(out, " 28% ") || !strings.Contains(out, " CST ") {
		t.Fatalf("want rates like 28%% and times with their zone:\n%s", out)
	}
}
