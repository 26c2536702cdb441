package main

import (
	"go/ast"
	"go/types"
	"regexp"
	"strings"

	"golang.org/x/tools/go/analysis"
)

var Analyzer = &analysis.Analyzer{
	Name: "lockcheck",
	Doc:  "reports runtime.LockOSThread in HTTP handlers, in what they reach, and without a deferred unlock",
	Run:  check,
}

var allowRe = regexp.MustCompile(`^//\s*lockosthread:allow(?:[ \t]+(.*))?$`)

type fn struct {
	handler bool
	calls   []*ast.CallExpr // pins
	unlocks int
	uses    map[*fn]bool
}

func check(pass *analysis.Pass) (any, error) {
	var handlerFunc types.Type
	for _, imp := range pass.Pkg.Imports() {
		if imp.Path() == "net/http" {
			if obj := imp.Scope().Lookup("HandlerFunc"); obj != nil {
				handlerFunc = obj.Type()
			}
		}
	}
	isHandler := func(t types.Type) bool {
		sig, ok := t.(*types.Signature)
		if !ok || handlerFunc == nil {
			return false
		}
		plain := types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic())
		return types.ConvertibleTo(plain, handlerFunc)
	}
	callee := func(e ast.Expr) *types.Func {
		switch e := ast.Unparen(e).(type) {
		case *ast.Ident:
			f, _ := pass.TypesInfo.Uses[e].(*types.Func)
			return f
		case *ast.SelectorExpr:
			f, _ := pass.TypesInfo.Uses[e.Sel].(*types.Func)
			return f
		}
		return nil
	}
	isRuntime := func(f *types.Func, name string) bool {
		return f != nil && f.Pkg() != nil && f.Pkg().Path() == "runtime" && f.Name() == name
	}

	decls := map[*types.Func]*fn{}
	pending := map[*fn][]*types.Func{}
	var all []*fn
	var walk func(root ast.Node, cur *fn)
	walk = func(root ast.Node, cur *fn) {
		ast.Inspect(root, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				if n == root {
					return true
				}
				lit := &fn{handler: isHandler(pass.TypesInfo.TypeOf(n)), uses: map[*fn]bool{}}
				all = append(all, lit)
				cur.uses[lit] = true
				walk(n, lit)
				return false
			case *ast.DeferStmt:
				if isRuntime(callee(n.Call.Fun), "UnlockOSThread") {
					cur.unlocks++
				}
			case *ast.CallExpr:
				if isRuntime(callee(n.Fun), "LockOSThread") {
					cur.calls = append(cur.calls, n)
				}
			case *ast.Ident:
				if f, ok := pass.TypesInfo.Uses[n].(*types.Func); ok && f.Pkg() == pass.Pkg {
					pending[cur] = append(pending[cur], f.Origin())
				}
			}
			return true
		})
	}
	for _, file := range pass.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			obj, _ := pass.TypesInfo.Defs[fd.Name].(*types.Func)
			f := &fn{uses: map[*fn]bool{}}
			if obj != nil {
				f.handler = isHandler(obj.Type())
				decls[obj] = f
			}
			all = append(all, f)
			walk(fd.Body, f)
		}
	}
	for f, targets := range pending {
		for _, t := range targets {
			if g := decls[t]; g != nil {
				f.uses[g] = true
			}
		}
	}

	reached := map[*fn]bool{}
	for _, f := range all {
		if f.handler {
			reached[f] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for f := range reached {
			for g := range f.uses {
				if !reached[g] {
					reached[g] = true
					changed = true
				}
			}
		}
	}

	type place struct {
		file string
		line int
	}
	allowed := map[place]bool{}
	for _, file := range pass.Files {
		for _, cg := range file.Comments {
			for _, c := range cg.List {
				m := allowRe.FindStringSubmatch(c.Text)
				if m == nil {
					continue
				}
				if strings.TrimSpace(m[1]) == "" {
					pass.Reportf(c.Pos(), "lockosthread:allow without a reason")
					continue
				}
				p := pass.Fset.Position(c.Pos())
				allowed[place{p.Filename, p.Line}] = true
			}
		}
	}

	for _, f := range all {
		for i, call := range f.calls {
			p := pass.Fset.Position(call.Pos())
			if allowed[place{p.Filename, p.Line}] {
				continue
			}
			switch {
			case f.handler:
				pass.Reportf(call.Pos(), "runtime.LockOSThread in an HTTP handler")
			case reached[f]:
				pass.Reportf(call.Pos(), "runtime.LockOSThread reached from an HTTP handler")
			case i >= f.unlocks:
				pass.Reportf(call.Pos(), "runtime.LockOSThread without defer runtime.UnlockOSThread()")
			}
		}
	}
	return nil, nil
}
