package main

// TestAffinityOnlyWhileLocked judges the order of the exit path: the CPU mask
// goes back before the unlock. Run the other way round, the goroutine is free
// to move between the unlock and the restore; moved there, it puts the saved
// mask back on the thread it lands on, and the bound thread goes back to the
// runtime for good. That window is a few instructions wide, too narrow for
// the driver (or any test) to see it happen, so this test reads the code:
// it type-checks encoder.go (as you wrote it: the file is embedded when the
// test is built) and follows, from Start, Stop and Encode and every goroutine
// they start, how many LockOSThread calls are outstanding at each call of
// unix.SchedSetaffinity. Deferred calls run in reverse order at each return;
// helpers of the file, function literals, and variables that hold one are
// followed; branches and loops are taken every way. A call that may run with
// no lock outstanding sets the mask of whatever thread the goroutine is on:
// that is the mistake, whether it restores after the unlock or binds before
// the lock.
//
//	cd exercises && go test -run TestAffinityOnlyWhileLocked -v ./15-tainted-threads/

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"sort"
	"testing"
)

//go:embed encoder.go
var encoderSource string

func TestAffinityOnlyWhileLocked(t *testing.T) {
	bad, err := unlockedAffinityCalls(encoderSource)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("encoder.go:%s: unix.SchedSetaffinity may run while the goroutine is not locked to its thread (put the mask back before UnlockOSThread, bind only after LockOSThread)", b)
	}
}

// stubs imports every package as an empty one with its path: the test needs
// to know which package a name comes from, not what the package holds.
type stubs struct{}

func (stubs) Import(p string) (*types.Package, error) {
	pkg := types.NewPackage(p, path.Base(p))
	pkg.MarkComplete()
	return pkg, nil
}

// locks is the set of LockOSThread counts a goroutine may have at a point
// (0 to 3; more counts as 3).
type locks uint8

func (l locks) apply(f func(int) int) locks {
	var out locks
	for n := 0; n <= 3; n++ {
		if l&(1<<n) != 0 {
			out |= 1 << min(max(f(n), 0), 3)
		}
	}
	return out
}

type orderChecker struct {
	fset  *token.FileSet
	info  *types.Info
	funcs map[types.Object]*ast.FuncDecl // the file's functions and methods
	lits  map[types.Object]*ast.FuncLit  // variables assigned a function literal
	quals map[types.Object]ast.Expr      // variables assigned another function
	bad   map[string]bool
	depth int
}

func unlockedAffinityCalls(src string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "encoder.go", src, 0)
	if err != nil {
		return nil, err
	}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}}
	conf := types.Config{Importer: stubs{}, Error: func(error) {}} // names from the driver stay unresolved
	conf.Check("main", fset, []*ast.File{f}, info)
	c := &orderChecker{fset: fset, info: info, funcs: map[types.Object]*ast.FuncDecl{},
		lits: map[types.Object]*ast.FuncLit{}, quals: map[types.Object]ast.Expr{}, bad: map[string]bool{}}
	var entries []*ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			if obj := info.Defs[fd.Name]; obj != nil {
				c.funcs[obj] = fd
			}
			if fd.Name.IsExported() || fd.Name.Name == "init" {
				entries = append(entries, fd)
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool { // v := func(){...}, v := pkg.F, var v = ...
		bind := func(id *ast.Ident, e ast.Expr) {
			obj := info.Defs[id]
			if obj == nil {
				obj = info.Uses[id]
			}
			if obj == nil {
				return
			}
			switch e := ast.Unparen(e).(type) {
			case *ast.FuncLit:
				c.lits[obj] = e
			case *ast.SelectorExpr, *ast.Ident:
				c.quals[obj] = e
			}
		}
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						bind(id, n.Rhs[i])
					}
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i, id := range n.Names {
					bind(id, n.Values[i])
				}
			}
		}
		return true
	})
	for _, fd := range entries {
		if fd.Body != nil {
			c.function(fd.Body, 1) // a goroutine starts with no lock
		}
	}
	out := make([]string, 0, len(c.bad))
	for b := range c.bad {
		out = append(out, b)
	}
	sort.Strings(out)
	return out, nil
}

// callee says what a call's function is: a package function by path and
// name, or the body of one of the file's functions or literals.
func (c *orderChecker) callee(fun ast.Expr) (pkg, name string, body *ast.BlockStmt) {
	fun = ast.Unparen(fun)
	switch e := fun.(type) {
	case *ast.FuncLit:
		return "", "", e.Body
	case *ast.SelectorExpr:
		if id, ok := ast.Unparen(e.X).(*ast.Ident); ok {
			if pn, ok := c.info.Uses[id].(*types.PkgName); ok {
				return pn.Imported().Path(), e.Sel.Name, nil
			}
		}
		if sel := c.info.Selections[e]; sel != nil { // a method of the file's types
			if fd := c.funcs[sel.Obj()]; fd != nil {
				return "", "", fd.Body
			}
		}
		if obj := c.info.Uses[e.Sel]; obj != nil {
			if fd := c.funcs[obj]; fd != nil {
				return "", "", fd.Body
			}
		}
	case *ast.Ident:
		obj := c.info.Uses[e]
		if obj == nil {
			return "", "", nil
		}
		if fd := c.funcs[obj]; fd != nil {
			return "", "", fd.Body
		}
		if lit := c.lits[obj]; lit != nil {
			return "", "", lit.Body
		}
		if q := c.quals[obj]; q != nil && c.depth < 8 {
			c.depth++
			defer func() { c.depth-- }()
			return c.callee(q)
		}
		if obj.Pkg() != nil && obj.Pkg().Path() != "main" {
			return obj.Pkg().Path(), obj.Name(), nil // a dot import
		}
	}
	return "", "", nil
}

// call applies one call to the lock counts.
func (c *orderChecker) call(call *ast.CallExpr, in locks) locks {
	for _, a := range call.Args { // arguments are evaluated first
		in = c.expr(a, in)
	}
	pkg, name, body := c.callee(call.Fun)
	switch {
	case pkg == "runtime" && name == "LockOSThread":
		return in.apply(func(n int) int { return n + 1 })
	case pkg == "runtime" && name == "UnlockOSThread":
		return in.apply(func(n int) int { return n - 1 })
	case (pkg == "golang.org/x/sys/unix" || pkg == "syscall") && name == "SchedSetaffinity":
		if in&1 != 0 {
			c.bad[c.fset.Position(call.Pos()).String()[len("encoder.go:"):]] = true
		}
		return in
	case body != nil && c.depth < 8:
		c.depth++
		defer func() { c.depth-- }()
		return c.function(body, in)
	}
	return in
}

// expr follows the calls inside an expression (function literals that are
// not called are left alone: they run when, and if, they are called).
func (c *orderChecker) expr(e ast.Node, in locks) locks {
	if e == nil {
		return in
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			in = c.call(n, in)
			return false
		}
		return true
	})
	return in
}

type frame struct {
	defers []*ast.CallExpr
	exits  locks
}

// function runs a body from the lock counts in, and returns the counts it
// may leave with, its deferred calls run.
func (c *orderChecker) function(body *ast.BlockStmt, in locks) locks {
	fr := &frame{}
	end := c.stmts(fr, body.List, in)
	c.exit(fr, end)
	return fr.exits
}

func (c *orderChecker) exit(fr *frame, l locks) {
	if l == 0 {
		return
	}
	for i := len(fr.defers) - 1; i >= 0; i-- {
		l = c.call(fr.defers[i], l)
	}
	fr.exits |= l
}

func (c *orderChecker) stmts(fr *frame, list []ast.Stmt, in locks) locks {
	for _, s := range list {
		in = c.stmt(fr, s, in)
	}
	return in
}

// stmt returns the lock counts after s on the paths that go on past it (0:
// none does).
func (c *orderChecker) stmt(fr *frame, s ast.Stmt, in locks) locks {
	if in == 0 {
		return 0
	}
	switch s := s.(type) {
	case *ast.BlockStmt:
		return c.stmts(fr, s.List, in)
	case *ast.ReturnStmt:
		for _, r := range s.Results {
			in = c.expr(r, in)
		}
		c.exit(fr, in)
		return 0
	case *ast.DeferStmt:
		for _, a := range s.Call.Args { // evaluated now
			in = c.expr(a, in)
		}
		fr.defers = append(fr.defers, &ast.CallExpr{Fun: s.Call.Fun, Lparen: s.Call.Lparen})
		return in
	case *ast.GoStmt:
		for _, a := range s.Call.Args {
			in = c.expr(a, in)
		}
		c.call(&ast.CallExpr{Fun: s.Call.Fun, Lparen: s.Call.Lparen}, 1) // a new goroutine holds no lock
		return in
	case *ast.IfStmt:
		if s.Init != nil {
			in = c.stmt(fr, s.Init, in)
		}
		in = c.expr(s.Cond, in)
		out := c.stmts(fr, s.Body.List, in)
		if s.Else != nil {
			return out | c.stmt(fr, s.Else, in)
		}
		return out | in
	case *ast.ForStmt:
		if s.Init != nil {
			in = c.stmt(fr, s.Init, in)
		}
		return c.loop(fr, in, func(l locks) locks {
			l = c.expr(s.Cond, l)
			l = c.stmts(fr, s.Body.List, l)
			if s.Post != nil {
				l = c.stmt(fr, s.Post, l)
			}
			return l
		})
	case *ast.RangeStmt:
		in = c.expr(s.X, in)
		return c.loop(fr, in, func(l locks) locks { return c.stmts(fr, s.Body.List, l) })
	case *ast.SwitchStmt:
		if s.Init != nil {
			in = c.stmt(fr, s.Init, in)
		}
		in = c.expr(s.Tag, in)
		return c.clauses(fr, s.Body, in)
	case *ast.TypeSwitchStmt:
		if s.Init != nil {
			in = c.stmt(fr, s.Init, in)
		}
		in = c.stmt(fr, s.Assign, in)
		return c.clauses(fr, s.Body, in)
	case *ast.SelectStmt:
		return c.clauses(fr, s.Body, in)
	case *ast.LabeledStmt:
		return c.stmt(fr, s.Stmt, in)
	default: // expressions, assignments, sends, declarations, branches
		return c.expr(s, in)
	}
}

func (c *orderChecker) loop(fr *frame, in locks, body func(locks) locks) locks {
	seen := in
	for i := 0; i < 4; i++ { // counts only grow: a few passes reach the fixed point
		seen |= body(seen)
	}
	return seen
}

func (c *orderChecker) clauses(fr *frame, body *ast.BlockStmt, in locks) locks {
	out, hasDefault := locks(0), false
	for _, cl := range body.List {
		var list []ast.Stmt
		l := in
		switch cl := cl.(type) {
		case *ast.CaseClause:
			hasDefault = hasDefault || cl.List == nil
			for _, e := range cl.List {
				l = c.expr(e, l)
			}
			list = cl.Body
		case *ast.CommClause:
			hasDefault = hasDefault || cl.Comm == nil
			if cl.Comm != nil {
				l = c.stmt(fr, cl.Comm, l)
			}
			list = cl.Body
		}
		out |= c.stmts(fr, list, l)
	}
	if !hasDefault {
		out |= in
	}
	return out
}

// String is for messages: the counts in a set.
func (l locks) String() string {
	var s []int
	for n := 0; n <= 3; n++ {
		if l&(1<<n) != 0 {
			s = append(s, n)
		}
	}
	return fmt.Sprint(s)
}
