package main

// pins.txt lists every pin in the starter for exercise 20, whose analyzer
// must find them. This test keeps the list in step with the starter: it
// reads the starter's files from this folder (pinlab's copies, not your
// workspace), so it checks pinlab's files, never yours.

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

func TestPinsListMatchesStarter(t *testing.T) {
	found := starterPins(t)
	listed := map[string]string{}
	f, err := os.Open("pins.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 || (cols[1] != "vestigial" && cols[1] != "misplaced") || cols[3] == "" {
			t.Errorf("pins.txt: malformed line %q", line)
			continue
		}
		listed[cols[0]] = cols[2]
	}
	for site, fn := range found {
		if got, ok := listed[site]; !ok || got != fn {
			t.Errorf("the starter pins at %s (in %s); pins.txt says %q", site, fn, got)
		}
	}
	for site := range listed {
		if _, ok := found[site]; !ok {
			t.Errorf("pins.txt lists %s, where the starter does not pin", site)
		}
	}
}

// starterPins maps "file:line" of each runtime.LockOSThread call in this
// folder's Go files (tests aside) to its enclosing declaration.
func starterPins(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	out := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		runtimeName := ""
		for _, imp := range file.Imports {
			if path, _ := strconv.Unquote(imp.Path.Value); path == "runtime" {
				runtimeName = "runtime"
				if imp.Name != nil {
					runtimeName = imp.Name.Name
				}
			}
		}
		if runtimeName == "" {
			continue
		}
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				recv := fd.Recv.List[0].Type
				if star, ok := recv.(*ast.StarExpr); ok {
					recv = star.X
				}
				if id, ok := recv.(*ast.Ident); ok {
					fn = id.Name + "." + fn
				}
			}
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "LockOSThread" {
					return true
				}
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == runtimeName {
					out[name+":"+strconv.Itoa(fset.Position(sel.Pos()).Line)] = fn
				}
				return true
			})
		}
	}
	if len(out) == 0 {
		t.Fatal("found no pin in the starter's files")
	}
	return out
}
