// Command pincalls prints the reference graph of an exercise's packages: for
// every function, method and package-level variable, what it refers to — the
// exercise's own functions and variables (calls, method values, go and defer
// statements, functions stored in variables, methods an interface call may
// reach) and functions of other packages. Names are resolved with type
// information, so an aliased or dot import of runtime still names
// runtime.LockOSThread. pinlab walks the graph for static targets such as
// "compute no longer pins its thread".
//
//	pincalls [-overlay overlay.json] ./NN-exercise/...
//
// It prints JSON: {"nodes": {"compute": {"file": "compute.go", "line": 6,
// "refs": [{"to": "pin", "local": true, "file": "compute.go", "line": 7},
// {"to": "runtime.LockOSThread", "file": "compute.go", "line": 12}]}}}.
// Names in the exercise's main package are "f", "T.m" and "var x"; in a
// package below it they carry its path: "store.Put", "store.DB.Get",
// "var store.cache". Files are relative to the exercise's folder. It also
// prints each file's imports as written ("imports": {"api.go": ["C", "fmt"]}),
// `import "C"` included.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// site is where one function of the exercise refers to something.
type site struct {
	target string // a node of the exercise ("f", "T.m", "var x") or an outside function
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
	root   *packages.Package
	prefix map[*types.Package]string // local package -> "" (root) or "store."
	byPkg  map[*types.Package]*packages.Package
	edges  map[string][]site // node -> what it refers to
	decl   map[string]token.Position
}

func main() {
	overlayPath := flag.String("overlay", "", "go build -overlay file (Replace: path -> path)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pincalls [-overlay file] ./EXERCISE/...")
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
	g := &graph{
		prefix: map[*types.Package]string{}, byPkg: map[*types.Package]*packages.Package{},
		edges: map[string][]site{}, decl: map[string]token.Position{},
	}
	for _, p := range pkgs {
		for _, e := range p.Errors {
			fail(fmt.Errorf("%s", e))
		}
		if g.root == nil || len(p.PkgPath) < len(g.root.PkgPath) {
			g.root = p
		}
	}
	if g.root == nil {
		fail(fmt.Errorf("%s: no package", flag.Arg(0)))
	}
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.PkgPath, g.root.PkgPath), "/")
		if rel != "" {
			rel += "."
		}
		g.prefix[p.Types], g.byPkg[p.Types] = rel, p
	}
	for _, p := range pkgs {
		g.build(p)
	}
	rootDir := filepath.Dir(g.root.GoFiles[0])
	out := map[string]node{}
	for name, pos := range g.decl {
		n := node{File: relFile(rootDir, pos.Filename), Line: pos.Line, Refs: []ref{}}
		sites := g.edges[name]
		sort.SliceStable(sites, func(i, j int) bool {
			if sites[i].pos.Filename != sites[j].pos.Filename {
				return sites[i].pos.Filename < sites[j].pos.Filename
			}
			return sites[i].pos.Offset < sites[j].pos.Offset
		})
		for _, s := range sites {
			n.Refs = append(n.Refs, ref{s.target, s.local, relFile(rootDir, s.pos.Filename), s.pos.Line})
		}
		out[name] = n
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(map[string]any{"nodes": out, "imports": imports(pkgs, overlay, rootDir)}); err != nil {
		fail(err)
	}
}

// imports reads each Go file's import paths as written (go/packages hides
// `import "C"` behind cgo's generated files, so the files are parsed again).
func imports(pkgs []*packages.Package, overlay map[string][]byte, rootDir string) map[string][]string {
	out := map[string][]string{}
	fset := token.NewFileSet()
	for _, p := range pkgs {
		for _, name := range p.GoFiles {
			var src any
			if b, ok := overlay[name]; ok {
				src = b
			}
			f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
			if err != nil {
				continue
			}
			paths := []string{}
			for _, spec := range f.Imports {
				if path, err := strconv.Unquote(spec.Path.Value); err == nil {
					paths = append(paths, path)
				}
			}
			out[relFile(rootDir, name)] = paths
		}
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func relFile(dir, file string) string {
	if rel, err := filepath.Rel(dir, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(file)
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

func (g *graph) local(p *types.Package) bool {
	_, ok := g.prefix[p]
	return p != nil && ok
}

// nodeName names a function or method of the exercise as pinlab's manifests
// do: "compute", "Accelerator.Run" (pointer receivers too), "store.Put".
func (g *graph) nodeName(fn *types.Func) string {
	name := fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok {
			name = n.Obj().Name() + "." + name
		}
	}
	return g.prefix[fn.Pkg()] + name
}

func (g *graph) varName(v *types.Var) string { return "var " + g.prefix[v.Pkg()] + v.Name() }

func (g *graph) build(pkg *packages.Package) {
	for _, file := range pkg.Syntax {
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				obj, _ := pkg.TypesInfo.Defs[d.Name].(*types.Func)
				if obj == nil {
					continue
				}
				name := g.nodeName(obj)
				if d.Name.Name == "init" && d.Recv == nil { // a package may have several
					p := pkg.Fset.Position(d.Pos())
					name = fmt.Sprintf("%sinit@%s:%d", g.prefix[pkg.Types], filepath.Base(p.Filename), p.Line)
				}
				g.decl[name] = pkg.Fset.Position(d.Pos())
				if d.Body != nil {
					g.scan(pkg, name, d.Body)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, id := range vs.Names {
						v, _ := pkg.TypesInfo.Defs[id].(*types.Var)
						if v == nil {
							continue
						}
						node := g.varName(v)
						g.decl[node] = pkg.Fset.Position(id.Pos())
						if i < len(vs.Values) {
							g.scan(pkg, node, vs.Values[i])
						} else if len(vs.Values) == 1 {
							g.scan(pkg, node, vs.Values[0]) // a, b = f()
						}
					}
				}
			}
		}
	}
}

// scan records everything node refers to inside n. Assignments to a
// package-level variable also make that variable refer to the value, so a
// function stored in a variable anywhere is followed where the variable is
// used.
func (g *graph) scan(pkg *packages.Package, node string, n ast.Node) {
	info := pkg.TypesInfo
	ast.Inspect(n, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for i, lhs := range x.Lhs {
				var id *ast.Ident
				switch l := ast.Unparen(lhs).(type) {
				case *ast.Ident:
					id = l
				case *ast.SelectorExpr: // store.Hook = ...
					id = l.Sel
				}
				if id == nil {
					continue
				}
				if v, ok := info.Uses[id].(*types.Var); ok && g.isPackageVar(v) {
					g.scan(pkg, g.varName(v), x.Rhs[min(i, len(x.Rhs)-1)])
				}
			}
		case *ast.Ident:
			g.refer(pkg, node, x)
		}
		return true
	})
}

func (g *graph) isPackageVar(v *types.Var) bool {
	return g.local(v.Pkg()) && v.Parent() == v.Pkg().Scope()
}

func (g *graph) refer(pkg *packages.Package, node string, id *ast.Ident) {
	obj := pkg.TypesInfo.Uses[id]
	pos := pkg.Fset.Position(id.Pos())
	switch o := obj.(type) {
	case *types.Func:
		if g.local(o.Pkg()) {
			g.edges[node] = append(g.edges[node], site{target: g.nodeName(o.Origin()), local: true, pos: pos})
			if recv := o.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				g.implementations(node, o, pos)
			}
			return
		}
		if o.Pkg() != nil {
			g.edges[node] = append(g.edges[node], site{target: o.Origin().FullName(), pos: pos})
			if recv := o.Signature().Recv(); recv != nil && types.IsInterface(recv.Type()) {
				g.implementations(node, o, pos) // an outside interface, a method of ours
			}
		}
	case *types.Var:
		if g.isPackageVar(o) {
			g.edges[node] = append(g.edges[node], site{target: g.varName(o), local: true, pos: pos})
		}
	}
}

// implementations adds an edge to every method of the exercise that a call
// through an interface may reach.
func (g *graph) implementations(node string, m *types.Func, pos token.Position) {
	iface, _ := m.Signature().Recv().Type().Underlying().(*types.Interface)
	if iface == nil {
		return
	}
	for tp := range g.prefix {
		scope := tp.Scope()
		for _, name := range scope.Names() {
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok || types.IsInterface(tn.Type()) {
				continue
			}
			for _, t := range []types.Type{tn.Type(), types.NewPointer(tn.Type())} {
				if types.Implements(t, iface) {
					g.edges[node] = append(g.edges[node], site{target: g.prefix[tp] + tn.Name() + "." + m.Name(), local: true, pos: pos})
					break
				}
			}
		}
	}
}
