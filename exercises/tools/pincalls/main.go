// Command pincalls prints the reference graph of one package: for every
// function, method and package-level variable, what it refers to — the
// package's own functions and variables (calls, method values, go and defer
// statements, functions stored in variables, methods an interface call of the
// package may reach) and functions of other packages. Names are resolved with
// type information, so an aliased or dot import of runtime still names
// runtime.LockOSThread. pinlab walks the graph for static targets such as
// "compute no longer pins its thread".
//
//	pincalls [-overlay overlay.json] PKG
//
// It prints JSON: {"nodes": {"compute": {"file": "compute.go", "line": 6,
// "refs": [{"to": "pin", "local": true, "file": "compute.go", "line": 7},
// {"to": "runtime.LockOSThread", "file": "compute.go", "line": 12}]}}}.
// Variables are named "var x"; methods "Type.Method".
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/tools/go/packages"
)

// site is where one function of the package refers to something.
type site struct {
	target string // a node of this package ("f", "T.m", "var x") or an outside function
	local  bool
	pos    token.Position
}

// ref is one reference, as printed.
type ref struct {
	To    string `json:"to"`
	Local bool   `json:"local,omitempty"`
	File  string `json:"file"`
	Line  int    `json:"line"`
}

type node struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Refs []ref  `json:"refs"`
}

type graph struct {
	pkg   *packages.Package
	edges map[string][]site // node -> what it refers to
	decl  map[string]token.Position
}

func main() {
	overlayPath := flag.String("overlay", "", "go build -overlay file (Replace: path -> path)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pincalls [-overlay file] PKG")
		os.Exit(2)
	}
	overlay, err := readOverlay(*overlayPath)
	if err != nil {
		fail(err)
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports,
		Overlay: overlay,
	}
	pkgs, err := packages.Load(cfg, flag.Arg(0))
	if err != nil {
		fail(err)
	}
	if len(pkgs) != 1 {
		fail(fmt.Errorf("%s: want one package, got %d", flag.Arg(0), len(pkgs)))
	}
	pkg := pkgs[0]
	for _, e := range pkg.Errors {
		fail(fmt.Errorf("%s", e))
	}
	g := build(pkg)
	out := map[string]node{}
	for name, pos := range g.decl {
		n := node{File: filepath.Base(pos.Filename), Line: pos.Line, Refs: []ref{}}
		sites := g.edges[name]
		sort.SliceStable(sites, func(i, j int) bool { return sites[i].pos.Offset < sites[j].pos.Offset })
		for _, s := range sites {
			n.Refs = append(n.Refs, ref{s.target, s.local, filepath.Base(s.pos.Filename), s.pos.Line})
		}
		out[name] = n
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(map[string]any{"nodes": out}); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// readOverlay turns go build's overlay file into go/packages' overlay
// (file contents by path).
func readOverlay(path string) (map[string][]byte, error) {
	if path == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var o struct{ Replace map[string]string }
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	files := map[string][]byte{}
	for dst, src := range o.Replace {
		b, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		files[dst] = b
	}
	return files, nil
}

// nodeName names a function or method of the package as pinlab's manifests
// do: "compute", "Accelerator.Run" (pointer receivers too).
func nodeName(fn *types.Func) string {
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil {
		return fn.Name()
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := t.(*types.Named); ok {
		return n.Obj().Name() + "." + fn.Name()
	}
	return fn.Name() // a method of an interface
}

// outsideName names a function of another package: "runtime.LockOSThread",
// "(*sync.Mutex).Lock".
func outsideName(fn *types.Func) string { return fn.Origin().FullName() }

func build(pkg *packages.Package) *graph {
	g := &graph{pkg: pkg, edges: map[string][]site{}, decl: map[string]token.Position{}}
	info := pkg.TypesInfo
	for _, file := range pkg.Syntax {
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				obj, _ := info.Defs[d.Name].(*types.Func)
				if obj == nil {
					continue
				}
				name := nodeName(obj)
				if d.Name.Name == "init" && d.Recv == nil { // a package may have several
					p := pkg.Fset.Position(d.Pos())
					name = fmt.Sprintf("init@%s:%d", filepath.Base(p.Filename), p.Line)
				}
				g.decl[name] = pkg.Fset.Position(d.Pos())
				if d.Body != nil {
					g.scan(name, d.Body)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, id := range vs.Names {
						node := "var " + id.Name
						g.decl[node] = pkg.Fset.Position(id.Pos())
						if i < len(vs.Values) {
							g.scan(node, vs.Values[i])
						} else if len(vs.Values) == 1 {
							g.scan(node, vs.Values[0]) // a, b = f()
						}
					}
				}
			}
		}
	}
	return g
}

// scan records everything node refers to inside n. Assignments to a
// package-level variable also make that variable refer to the value, so a
// function stored in a variable anywhere is followed where the variable is
// used.
func (g *graph) scan(node string, n ast.Node) {
	info := g.pkg.TypesInfo
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range x.Lhs {
				id, ok := ast.Unparen(lhs).(*ast.Ident)
				if !ok {
					continue
				}
				if v, ok := info.Uses[id].(*types.Var); ok && g.isPackageVar(v) {
					rhs := x.Rhs[min(i, len(x.Rhs)-1)]
					g.scan("var "+v.Name(), rhs)
				}
			}
		case *ast.Ident:
			g.refer(node, x)
		}
		return true
	})
}

func (g *graph) isPackageVar(v *types.Var) bool {
	return v.Pkg() == g.pkg.Types && v.Parent() == g.pkg.Types.Scope()
}

func (g *graph) refer(node string, id *ast.Ident) {
	obj := g.pkg.TypesInfo.Uses[id]
	pos := g.pkg.Fset.Position(id.Pos())
	switch o := obj.(type) {
	case *types.Func:
		if o.Pkg() == g.pkg.Types {
			g.edges[node] = append(g.edges[node], site{target: nodeName(o.Origin()), local: true, pos: pos})
			if recv := o.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				g.implementations(node, o, pos)
			}
			return
		}
		if o.Pkg() != nil {
			g.edges[node] = append(g.edges[node], site{target: outsideName(o), pos: pos})
		}
	case *types.Var:
		if g.isPackageVar(o) {
			g.edges[node] = append(g.edges[node], site{target: "var " + o.Name(), local: true, pos: pos})
		}
	}
}

// implementations adds an edge to every method of the package that a call
// through an interface of the package may reach.
func (g *graph) implementations(node string, m *types.Func, pos token.Position) {
	iface, _ := m.Signature().Recv().Type().Underlying().(*types.Interface)
	if iface == nil {
		return
	}
	scope := g.pkg.Types.Scope()
	for _, name := range scope.Names() {
		tn, ok := scope.Lookup(name).(*types.TypeName)
		if !ok || types.IsInterface(tn.Type()) {
			continue
		}
		for _, t := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
			if types.Implements(t, iface) {
				g.edges[node] = append(g.edges[node], site{target: tn.Name() + "." + m.Name(), local: true, pos: pos})
				break
			}
		}
	}
}
