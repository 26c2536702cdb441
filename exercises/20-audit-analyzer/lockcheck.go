package main

// lockcheck.go is the team's first cut at a pinning check: it reports
// runtime.LockOSThread in functions declared with an HTTP handler's
// parameters. Make it the check the README asks for.
//
// pinlab runs it three ways: over the visible cases in
// exercises/20-audit-analyzer/testdata/src/visible (analysistest), over a
// held-out corpus it does not show you, and as go vet's tool over exercise
// 13's starter. `cd exercises && go test ./20-audit-analyzer/` runs the first
// and the last on pinlab's copy of this file (the starter), not on yours.
//
// The driver (main.go) and the tests (lockcheck_test.go), not in your
// workspace, are in this package too: apart from main, their names begin
// with heldout, test or Test.

import (
	"go/ast"

	"golang.org/x/tools/go/analysis"
)

// Analyzer is the lockcheck analyzer, for go vet -vettool and analysistest.
var Analyzer = &analysis.Analyzer{
	Name: "lockcheck",
	Doc:  "reports runtime.LockOSThread in HTTP handlers",
	Run:  run,
}

func run(pass *analysis.Pass) (any, error) {
	for _, file := range pass.Files {
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !looksLikeHandler(fn) {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && isSelector(call.Fun, "runtime", "LockOSThread") {
					pass.Reportf(call.Pos(), "runtime.LockOSThread in an HTTP handler")
				}
				return true
			})
		}
	}
	return nil, nil
}

// looksLikeHandler: (w http.ResponseWriter, r *http.Request), as written.
func looksLikeHandler(fn *ast.FuncDecl) bool {
	params := fn.Type.Params.List
	var types []ast.Expr
	for _, p := range params {
		for range max(1, len(p.Names)) {
			types = append(types, p.Type)
		}
	}
	if len(types) != 2 {
		return false
	}
	star, ok := types[1].(*ast.StarExpr)
	return ok && isSelector(types[0], "http", "ResponseWriter") && isSelector(star.X, "http", "Request")
}

func isSelector(e ast.Expr, pkg, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg && sel.Sel.Name == name
}
