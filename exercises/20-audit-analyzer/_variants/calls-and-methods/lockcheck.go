package main

// lockcheck (calls-and-methods), by way of SSA: the reach of the HTTP handlers is the reach of
// their SSA functions over every function value any instruction names (a
// call's callee, go and defer, a closure, a bound method, a method thunk),
// and a pin's "same body" is the SSA function built from the declaration or
// literal that holds it. Pins and directives are read from the syntax; every
// name is resolved by pass.TypesInfo, every package known by its path.

import (
	"go/ast"
	"go/types"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/buildssa"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/types/typeutil"
)

// Analyzer is the lockcheck analyzer, for go vet -vettool and analysistest.
var Analyzer = &analysis.Analyzer{
	Name:     "lockcheck",
	Doc:      "reports runtime.LockOSThread in HTTP handlers, in what they reach, and without a deferred unlock",
	Requires: []*analysis.Analyzer{buildssa.Analyzer},
	Run:      run,
}

const directive = "lockosthread:allow"

func isRuntimeFunc(obj types.Object, name string) bool {
	f, ok := obj.(*types.Func)
	return ok && f.Pkg() != nil && f.Pkg().Path() == "runtime" && f.Name() == name
}

func isNetHTTP(t types.Type, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == "net/http" && o.Name() == name
}

// isHandlerSig: func(net/http.ResponseWriter, *net/http.Request), receiver aside.
func isHandlerSig(sig *types.Signature) bool {
	if sig == nil || sig.Variadic() || sig.Params().Len() != 2 || sig.Results().Len() != 0 {
		return false
	}
	ptr, ok := types.Unalias(sig.Params().At(1).Type()).(*types.Pointer)
	return ok && isNetHTTP(sig.Params().At(0).Type(), "ResponseWriter") && isNetHTTP(ptr.Elem(), "Request")
}

func run(pass *analysis.Pass) (any, error) {
	res := pass.ResultOf[buildssa.Analyzer].(*buildssa.SSA)
	prog := res.Pkg.Prog

	// Every source function, and the one each syntax node builds.
	// SrcFuncs leaves out the literals of package-level initializers, which
	// the package's synthetic init holds: add them.
	srcFuncs := append([]*ssa.Function(nil), res.SrcFuncs...)
	var addAnons func(fn *ssa.Function)
	addAnons = func(fn *ssa.Function) {
		for _, anon := range fn.AnonFuncs {
			srcFuncs = append(srcFuncs, anon)
			addAnons(anon)
		}
	}
	if init := res.Pkg.Func("init"); init != nil {
		addAnons(init)
	}
	bySyntax := map[ast.Node]*ssa.Function{}
	for _, fn := range srcFuncs {
		if syn := fn.Syntax(); syn != nil {
			bySyntax[syn] = fn
		}
	}

	// Reach: from every source function with a handler's signature, over the
	// function values named by any instruction, and the literals held.
	reached := map[*ssa.Function]bool{}
	var queue []*ssa.Function
	push := func(fn *ssa.Function) {
		if fn == nil {
			return
		}
		if o := fn.Origin(); o != nil {
			fn = o
		}
		if reached[fn] {
			return
		}
		if fn.Synthetic == "" && fn.Pkg != res.Pkg {
			return // another package's function: outside the package
		}
		reached[fn] = true
		queue = append(queue, fn)
	}
	for _, fn := range srcFuncs {
		if isHandlerSig(fn.Signature) {
			push(fn)
		}
	}
	for len(queue) > 0 {
		fn := queue[0]
		queue = queue[1:]
		if obj, ok := fn.Object().(*types.Func); ok && obj.Pkg() == pass.Pkg {
			push(prog.FuncValue(obj)) // a wrapper's method
		}
		for _, anon := range fn.AnonFuncs {
			push(anon)
		}
		var ops []*ssa.Value
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				// calls, go and defer: the callee
				if ci, ok := instr.(ssa.CallInstruction); ok {
					push(ci.Common().StaticCallee())
				}
				// method values, method expressions, literals: what the text names
				for _, op := range instr.Operands(ops[:0]) {
					if op == nil || *op == nil {
						continue
					}
					if f, ok := (*op).(*ssa.Function); ok && (f.Synthetic != "" || f.Parent() != nil || f.Signature.Recv() != nil) {
						push(f)
					}
				}
			}
		}
	}

	// Does fn defer the real runtime.UnlockOSThread itself?
	defersUnlock := func(fn *ssa.Function) bool {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if d, ok := instr.(*ssa.Defer); ok {
					if callee := d.Call.StaticCallee(); callee != nil && isRuntimeFunc(callee.Object(), "UnlockOSThread") {
						return true
					}
				}
			}
		}
		return false
	}

	for _, file := range pass.Files {
		// Directives: the lines they exempt, and the reasonless ones.
		allowed := map[int]bool{}
		for _, cg := range file.Comments {
			for _, c := range cg.List {
				if !strings.HasPrefix(c.Text, "//") {
					continue
				}
				text := strings.TrimLeft(c.Text[2:], " \t")
				if !strings.HasPrefix(text, directive) {
					continue
				}
				rest := text[len(directive):]
				if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
					continue // another word, e.g. lockosthread:allowed
				}
				if strings.TrimSpace(rest) == "" {
					pass.Reportf(c.Pos(), "%s needs a reason: // %s <why the pin is there>", directive, directive)
					continue
				}
				allowed[pass.Fset.Position(c.Pos()).Line] = true
			}
		}

		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !isRuntimeFunc(typeutil.Callee(pass.TypesInfo, call), "LockOSThread") {
				return true
			}
			line := pass.Fset.Position(call.Pos()).Line
			if allowed[line] {
				return true
			}
			// The innermost declaration or literal that holds the pin.
			var body *ssa.Function
			path, _ := astutil.PathEnclosingInterval(file, call.Pos(), call.End())
			for _, p := range path {
				if f := bySyntax[p]; f != nil {
					body = f
					break
				}
			}
			switch {
			case body == nil: // a package-level initializer: nothing defers there
				pass.Reportf(call.Pos(), "runtime.LockOSThread outside any function body, never unlocked at return")
			case reached[body] && isHandlerSig(body.Signature):
				pass.Reportf(call.Pos(), "runtime.LockOSThread in an HTTP handler: each request in flight holds an OS thread")
			case reached[body]:
				pass.Reportf(call.Pos(), "runtime.LockOSThread in %s, which an HTTP handler reaches", body.Name())
			case !defersUnlock(body):
				pass.Reportf(call.Pos(), "runtime.LockOSThread without a defer runtime.UnlockOSThread() in the same body")
			}
			return true
		})
	}
	return nil, nil
}
