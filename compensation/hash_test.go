package compensation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// The hashing pass refuses the first line longer than MaxRecordBytes by its
// number, however the file is read; a line at the limit is hashed.
func TestHashFileRefusesALongLine(t *testing.T) {
	ok := "a\nb\n" + strings.Repeat("x", MaxRecordBytes) + "\nc"
	bad := "a\nb\n" + strings.Repeat("x", MaxRecordBytes+1) + "\nc\n"
	sum := sha256.Sum256([]byte(ok))
	readers := map[string]func(string) io.Reader{
		"whole":    func(s string) io.Reader { return strings.NewReader(s) },
		"one byte": func(s string) io.Reader { return iotest.OneByteReader(strings.NewReader(s)) },
		"halves":   func(s string) io.Reader { return iotest.HalfReader(strings.NewReader(s)) },
	}
	for how, r := range readers {
		got, err := hashFile(context.Background(), "f.csv", r(ok))
		if err != nil || got != hex.EncodeToString(sum[:]) {
			t.Fatalf("%s: a line of %d bytes: %s, %v", how, MaxRecordBytes, got, err)
		}
		_, err = hashFile(context.Background(), "f.csv", r(bad))
		want := fmt.Sprintf("f.csv:3: a line runs past %d bytes", MaxRecordBytes)
		var ie *ImportError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("%s: got %v, want %s...", how, err, want)
		}
	}
}
