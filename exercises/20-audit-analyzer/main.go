// Driver for exercise 20 (pristine: pinlab builds it from exercises/, so
// edits in the workspace have no effect). There is no load to speak of: the
// driver type-checks a held-out corpus (testdata/heldout, never in the
// workspace), runs the learner's Analyzer over each of its
// packages, and compares the diagnostics with the corpus's markers. A line's
// markers ("// @pin", "// @reason") are blanked out before parsing, so the
// analyzer never sees them; each marker is one diagnostic expected on its
// line. The corpus imports runtime and net/http, type-checked from small
// stand-ins (testdata/stubs) under their real import paths, and look-alike
// packages named runtime and http at another path (example.com/sdk/...).
package main

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis"

	"pinlab/exercises/harness"
)

//go:embed testdata/heldout testdata/stubs
var heldoutFS embed.FS

// heldoutMarkers are a line's expected diagnostics, at its end.
var heldoutMarkers = regexp.MustCompile(`//( @(pin|reason))+\s*$`)

// heldoutTypeGroups are the part of the corpus that only type information gets right.
var heldoutTypeGroups = map[string]bool{"types": true, "dot": true, "lookalike": true}

type heldoutLine struct {
	file string
	line int
}

type heldoutTally struct{ want, found, hit int }

func main() {
	h := harness.Start("20-audit-analyzer")
	groups, err := fs.ReadDir(heldoutFS, "testdata/heldout")
	if err != nil {
		h.Fail("corpus: %v", err)
	}
	var all, typed heldoutTally
	for _, g := range groups {
		t, err := heldoutJudge(g.Name())
		if err != nil {
			fmt.Fprintf(os.Stderr, "held-out %s: %v\n", g.Name(), err)
		}
		fmt.Fprintf(os.Stderr, "held-out %-9s %2d expected, %2d found, %2d missed, %2d false\n",
			g.Name(), t.want, t.found, t.want-t.hit, t.found-t.hit)
		all.add(t)
		if heldoutTypeGroups[g.Name()] {
			typed.add(t)
		}
	}
	// A token load, so that the run has the phases pinlab expects.
	h.Load(harness.Profile{Workers: 1, Duration: 50 * time.Millisecond, MaxCalls: 1}, func(int) error { return nil })
	h.Info("heldout_expected", float64(all.want))
	h.Info("heldout_recall", heldoutPercent(all.hit, all.want))
	h.Info("heldout_precision", heldoutPercent(all.hit, all.found))
	h.Info("types_wrong", float64(typed.want+typed.found-2*typed.hit))
	h.Done()
}

func (t *heldoutTally) add(o heldoutTally) { t.want += o.want; t.found += o.found; t.hit += o.hit }

func heldoutPercent(a, b int) float64 {
	if b == 0 {
		return 100
	}
	return 100 * float64(a) / float64(b)
}

// heldoutJudge runs the analyzer over one package of the corpus. A package the
// analyzer fails on counts every expected diagnostic as missed.
func heldoutJudge(group string) (t heldoutTally, err error) {
	fset := token.NewFileSet()
	want := map[heldoutLine]int{}
	var files []*ast.File
	dir := path.Join("testdata/heldout", group)
	entries, err := fs.ReadDir(heldoutFS, dir)
	if err != nil {
		return t, err
	}
	for _, e := range entries {
		src, err := heldoutFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return t, err
		}
		lines := strings.Split(string(src), "\n")
		for i, ln := range lines {
			if m := heldoutMarkers.FindStringIndex(ln); m != nil {
				n := strings.Count(ln[m[0]:], "@")
				want[heldoutLine{e.Name(), i + 1}] += n
				t.want += n
				lines[i] = ln[:m[0]] + strings.Repeat(" ", m[1]-m[0])
			}
		}
		f, err := parser.ParseFile(fset, e.Name(), strings.Join(lines, "\n"), parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return t, err
		}
		files = append(files, f)
	}
	found, err := heldoutAnalyse(fset, group, files)
	if err != nil {
		return t, err
	}
	for _, d := range found {
		p := fset.Position(d.Pos)
		k := heldoutLine{p.Filename, p.Line}
		t.found++
		if want[k] > 0 {
			want[k]--
			t.hit++
		}
	}
	return t, nil
}

// heldoutAnalyse type-checks the files and runs Analyzer (and what it
// requires) over them, as a vet tool would.
func heldoutAnalyse(fset *token.FileSet, name string, files []*ast.File) (diags []analysis.Diagnostic, err error) {
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Instances:    map[*ast.Ident]types.Instance{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	conf := types.Config{Importer: &heldoutStubs{fset: fset, pkgs: map[string]*types.Package{}}, GoVersion: "go1.24"}
	pkg, err := conf.Check("corpus/"+name, fset, files, info)
	if err != nil {
		return nil, fmt.Errorf("type-checking the corpus: %v", err)
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the analyzer panicked: %v", r)
		}
	}()
	results := map[*analysis.Analyzer]any{}
	var runOne func(a *analysis.Analyzer) error
	runOne = func(a *analysis.Analyzer) error {
		if _, done := results[a]; done {
			return nil
		}
		resultOf := map[*analysis.Analyzer]any{}
		for _, req := range a.Requires {
			if err := runOne(req); err != nil {
				return err
			}
			resultOf[req] = results[req]
		}
		pass := &analysis.Pass{
			Analyzer:   a,
			Fset:       fset,
			Files:      files,
			Pkg:        pkg,
			TypesInfo:  info,
			TypesSizes: types.SizesFor("gc", "amd64"),
			ResultOf:   resultOf,
			Report: func(d analysis.Diagnostic) {
				if a == Analyzer {
					diags = append(diags, d)
				}
			},
			ReadFile:          func(string) ([]byte, error) { return nil, fs.ErrNotExist },
			ImportObjectFact:  func(types.Object, analysis.Fact) bool { return false },
			ExportObjectFact:  func(types.Object, analysis.Fact) {},
			ImportPackageFact: func(*types.Package, analysis.Fact) bool { return false },
			ExportPackageFact: func(analysis.Fact) {},
			AllObjectFacts:    func() []analysis.ObjectFact { return nil },
			AllPackageFacts:   func() []analysis.PackageFact { return nil },
		}
		res, err := a.Run(pass)
		if err != nil {
			return fmt.Errorf("%s: %v", a.Name, err)
		}
		results[a] = res
		return nil
	}
	if err := analysis.Validate([]*analysis.Analyzer{Analyzer}); err != nil {
		return nil, err
	}
	err = runOne(Analyzer)
	return diags, err
}

// heldoutStubs imports runtime, net/http and the look-alikes from testdata/stubs,
// under their import paths.
type heldoutStubs struct {
	fset *token.FileSet
	pkgs map[string]*types.Package
}

func (s *heldoutStubs) Import(p string) (*types.Package, error) {
	if pkg := s.pkgs[p]; pkg != nil {
		return pkg, nil
	}
	dir := path.Join("testdata/stubs", p)
	entries, err := fs.ReadDir(heldoutFS, dir)
	if err != nil {
		return nil, fmt.Errorf("the corpus imports only the stand-ins in testdata/stubs, not %s", p)
	}
	var files []*ast.File
	for _, e := range entries {
		src, err := heldoutFS.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(s.fset, path.Join("stubs", p, e.Name()), src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	pkg, err := (&types.Config{Importer: s}).Check(p, s.fset, files, nil)
	if err != nil {
		return nil, err
	}
	s.pkgs[p] = pkg
	return pkg, nil
}
