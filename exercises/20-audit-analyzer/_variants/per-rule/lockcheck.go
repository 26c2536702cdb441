package main

// lockcheck reports runtime.LockOSThread where a service should not
// pin: in an HTTP handler, in a function a handler of the package reaches,
// and wherever the pin has no deferred runtime.UnlockOSThread in the same
// body. A line that carries "// lockosthread:allow <reason>" is exempt; the
// directive without a reason is reported.

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

// Analyzer is the lockcheck analyzer, for go vet -vettool and analysistest.
var Analyzer = &analysis.Analyzer{
	Name:     "lockcheck",
	Doc:      "reports runtime.LockOSThread in HTTP handlers, in what they reach, and without a deferred unlock",
	Requires: []*analysis.Analyzer{inspect.Analyzer},
	Run:      run,
}

const directive = "lockosthread:allow"

// body is one function body: a declaration or a literal. Nested literals are
// bodies of their own, referenced by the body that holds them.
type body struct {
	handler bool // its signature is func(http.ResponseWriter, *http.Request)
	pins    []ast.Node
	defers  int            // defer runtime.UnlockOSThread() statements
	refs    []types.Object // functions of the package it names
	lits    []*body        // literals it holds
}

func run(pass *analysis.Pass) (any, error) {
	ins := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	bodies := map[ast.Node]*body{}
	byFunc := map[types.Object]*body{}
	var stack []*body

	ins.Nodes([]ast.Node{
		(*ast.FuncDecl)(nil), (*ast.FuncLit)(nil), (*ast.Ident)(nil), (*ast.DeferStmt)(nil),
	}, func(n ast.Node, push bool) bool {
		switch n := n.(type) {
		case *ast.FuncDecl, *ast.FuncLit:
			if !push {
				stack = stack[:len(stack)-1]
				return true
			}
			b := &body{}
			var sig *types.Signature
			if d, ok := n.(*ast.FuncDecl); ok {
				if d.Body == nil {
					return false
				}
				if obj := pass.TypesInfo.Defs[d.Name]; obj != nil {
					byFunc[obj] = b
					sig, _ = obj.Type().(*types.Signature)
				}
			} else {
				sig, _ = pass.TypesInfo.TypeOf(n.(*ast.FuncLit)).(*types.Signature)
				if len(stack) > 0 {
					stack[len(stack)-1].lits = append(stack[len(stack)-1].lits, b)
				}
			}
			b.handler = isHandlerSig(sig)
			bodies[n] = b
			stack = append(stack, b)
		case *ast.DeferStmt:
			if push && len(stack) > 0 && isRuntimeFunc(pass.TypesInfo, n.Call.Fun, "UnlockOSThread") {
				stack[len(stack)-1].defers++
			}
		case *ast.Ident:
			if !push || len(stack) == 0 {
				return true
			}
			cur := stack[len(stack)-1]
			obj := pass.TypesInfo.Uses[n]
			fn, ok := obj.(*types.Func)
			if !ok {
				return true
			}
			if fn.Pkg() != nil && fn.Pkg().Path() == "runtime" && fn.Name() == "LockOSThread" {
				cur.pins = append(cur.pins, n)
			} else if fn.Pkg() == pass.Pkg {
				cur.refs = append(cur.refs, fn.Origin())
			}
		}
		return true
	})

	// What the handlers reach: the functions they name and the literals they hold.
	reached := map[*body]bool{}
	var visit func(b *body)
	visit = func(b *body) {
		if reached[b] {
			return
		}
		reached[b] = true
		for _, r := range b.refs {
			if c := byFunc[r]; c != nil {
				visit(c)
			}
		}
		for _, l := range b.lits {
			visit(l)
		}
	}
	for _, b := range bodies {
		if b.handler {
			visit(b)
		}
	}

	allows := allowLines(pass)
	for _, b := range bodies {
		for i, pin := range b.pins {
			pos := pass.Fset.Position(pin.Pos())
			if allows[lineKey{pos.Filename, pos.Line}] {
				continue
			}
			// Each rule says its own piece.
			if b.handler {
				pass.Reportf(pin.Pos(), "runtime.LockOSThread in an HTTP handler")
			}
			if reached[b] && !b.handler {
				pass.Reportf(pin.Pos(), "runtime.LockOSThread in a function an HTTP handler reaches")
			}
			if i >= b.defers {
				pass.Reportf(pin.Pos(), "runtime.LockOSThread without a deferred runtime.UnlockOSThread in the same function")
			}
		}
	}
	return nil, nil
}

type lineKey struct {
	file string
	line int
}

// allowLines are the lines whose directive gives a reason; a directive
// without one is reported where it stands.
func allowLines(pass *analysis.Pass) map[lineKey]bool {
	out := map[lineKey]bool{}
	for _, f := range pass.Files {
		for _, g := range f.Comments {
			for _, c := range g.List {
				text := strings.TrimSpace(strings.TrimPrefix(c.Text, "//"))
				rest, ok := strings.CutPrefix(text, directive)
				if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
					continue
				}
				if strings.TrimSpace(rest) == "" {
					pass.Reportf(c.Pos(), "%s needs a reason", directive)
					continue
				}
				pos := pass.Fset.Position(c.Pos())
				out[lineKey{pos.Filename, pos.Line}] = true
			}
		}
	}
	return out
}

// isRuntimeFunc says whether e names runtime.<name>, however runtime was imported.
func isRuntimeFunc(info *types.Info, e ast.Expr, name string) bool {
	var id *ast.Ident
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = e
	case *ast.SelectorExpr:
		id = e.Sel
	default:
		return false
	}
	fn, ok := info.Uses[id].(*types.Func)
	return ok && fn.Pkg() != nil && fn.Pkg().Path() == "runtime" && fn.Name() == name
}

// isHandlerSig: func(http.ResponseWriter, *http.Request), by type, with no results.
func isHandlerSig(sig *types.Signature) bool {
	if sig == nil || sig.Params().Len() != 2 || sig.Results().Len() != 0 {
		return false
	}
	if !isNamed(sig.Params().At(0).Type(), "ResponseWriter") {
		return false
	}
	ptr, ok := types.Unalias(sig.Params().At(1).Type()).(*types.Pointer)
	return ok && isNamed(ptr.Elem(), "Request")
}

func isNamed(t types.Type, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "net/http" && n.Obj().Name() == name
}
