package tui

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// Messages carry data: a message holding a function runs code of the view
// that sent it wherever it is delivered, which is what the typed answers
// replaced. Writes still carry their transaction body (writeRequestMsg).
func TestMessagesHoldNoFunctions(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"writeRequestMsg": true}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok || !strings.HasSuffix(ts.Name.Name, "Msg") {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			checked++
			for _, fld := range st.Fields.List {
				if _, isFunc := fld.Type.(*ast.FuncType); isFunc && !allowed[ts.Name.Name] {
					t.Errorf("%s: %s holds a function", fset.Position(fld.Pos()), ts.Name.Name)
				}
			}
			return true
		})
	}
	if checked < 10 {
		t.Fatalf("only %d message types found: the walk is broken", checked)
	}
}

// The views' reads run under the program's context: once it ends, they
// stop.
func TestReadsUseTheProgramContext(t *testing.T) {
	conn := demoDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	m := New(conn, Options{})
	m.ctx = ctx
	cancel()
	got := m.read(readRequestMsg{q: merchantCountQuery{inc: 1}})()
	a, ok := got.(merchantCountMsg)
	if !ok || !errors.Is(a.err, context.Canceled) {
		t.Fatalf("a read after the program ended: %#v", got)
	}
}

// A newer generation of a group cancels the reads of the older one.
func TestNewerReadGenerationCancelsOlder(t *testing.T) {
	var r readGroups
	parent := context.Background()
	old := r.ctx(parent, "merchants", 1)
	if r.ctx(parent, "merchants", 1) != old || old.Err() != nil {
		t.Fatal("the same generation must share one live context")
	}
	cur := r.ctx(parent, "merchants", 2)
	if !errors.Is(old.Err(), context.Canceled) || cur.Err() != nil {
		t.Fatalf("generation 2 did not cancel 1: old %v, new %v", old.Err(), cur.Err())
	}
	if late := r.ctx(parent, "merchants", 1); late.Err() == nil {
		t.Fatal("a read of an overtaken generation starts live")
	}
	if other := r.ctx(parent, "audit", 1); other.Err() != nil {
		t.Fatal("groups are independent")
	}
}
