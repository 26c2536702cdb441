package main

import (
	_ "embed"
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// The pool's source is embedded, not read from disk, so that the test
// checks the version pinlab builds (your workspace's, through the build's
// overlay) rather than whatever file sits next to the test.
//
//go:embed pool.go
var poolSource []byte

// TestMaskOnlyOnALockedThread: every sched_setaffinity the pool makes
// runs on a goroutine already locked to its thread (runtime.LockOSThread
// reached on every path before it, and no UnlockOSThread between). Set
// before the lock, the mask lands on whatever thread the goroutine is on at
// that instant; the goroutine may be moved before it locks, and then some
// other thread stays confined while the worker's own runs anywhere. That
// almost never happens in a run, so no measurement can see it: the order is
// read from the code instead, by type (SSA form of the package), not by
// text. It follows the pool's own helpers, closures, deferred and go
// statements, and functions kept in package variables; calls are
// unix.SchedSetaffinity and syscall/unix Syscall and RawSyscall with the
// trap SYS_SCHED_SETAFFINITY (or a trap that is not a constant).
func TestMaskOnlyOnALockedThread(t *testing.T) {
	fn, err := filepath.Abs("pool.go")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo,
		Overlay: map[string][]byte{fn: poolSource},
		Env:     append(os.Environ(), "PATH="+filepath.Join(runtime.GOROOT(), "bin")+string(os.PathListSeparator)+os.Getenv("PATH")),
	}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatalf("loading the package: %v", err)
	}
	if packages.PrintErrors(pkgs) > 0 || len(pkgs) != 1 {
		t.Fatal("the package does not load")
	}
	prog, ssaPkgs := ssautil.Packages(pkgs, ssa.BuilderMode(0))
	prog.Build()
	o := newOrderCheck(prog, ssaPkgs[0], "pool.go")
	for _, v := range o.run() {
		t.Error(v)
	}
}

// orderCheck walks the pool's functions with one bit of state: is the
// goroutine locked to its thread here, on every path?
type orderCheck struct {
	prog  *ssa.Program
	pkg   *ssa.Package
	file  string
	funcs []*ssa.Function // the functions declared in file
	// globals: what each package variable may hold (functions stored in it)
	globals map[*ssa.Global][]*ssa.Function
	memo    map[visit]bool // (function, locked on entry) -> locked on exit
	active  map[visit]bool
	seen    map[string]bool
	viols   []string
}

type visit struct {
	fn     *ssa.Function
	locked bool
}

func newOrderCheck(prog *ssa.Program, pkg *ssa.Package, file string) *orderCheck {
	o := &orderCheck{prog: prog, pkg: pkg, file: file, globals: map[*ssa.Global][]*ssa.Function{},
		memo: map[visit]bool{}, active: map[visit]bool{}, seen: map[string]bool{}}
	for fn := range ssautil.AllFunctions(prog) {
		if fn.Pkg == pkg {
			for _, b := range fn.Blocks {
				for _, in := range b.Instrs {
					if st, ok := in.(*ssa.Store); ok {
						if g, ok := st.Addr.(*ssa.Global); ok {
							if f := funcOf(st.Val); f != nil {
								o.globals[g] = append(o.globals[g], f)
							}
						}
					}
				}
			}
			if o.inFile(fn) {
				o.funcs = append(o.funcs, fn)
			}
		}
	}
	return o
}

func (o *orderCheck) inFile(fn *ssa.Function) bool {
	return fn.Pkg == o.pkg && fn.Pos().IsValid() &&
		filepath.Base(o.prog.Fset.Position(fn.Pos()).Filename) == o.file
}

// funcOf is the function a value is, if it is one (a closure's code too).
func funcOf(v ssa.Value) *ssa.Function {
	switch v := v.(type) {
	case *ssa.Function:
		return v
	case *ssa.MakeClosure:
		return v.Fn.(*ssa.Function)
	case *ssa.ChangeType:
		return funcOf(v.X)
	}
	return nil
}

// run walks from each function of the file that nothing in it refers to
// (what the driver calls: NewPool, Run, Close), then from any function it
// refers to in a way the walk did not follow, all entered unlocked.
func (o *orderCheck) run() []string {
	referenced := map[*ssa.Function]bool{}
	for _, fn := range o.funcs {
		for _, b := range fn.Blocks {
			for _, in := range b.Instrs {
				for _, op := range in.Operands(nil) {
					if op != nil {
						if f := funcOf(*op); f != nil {
							referenced[f] = true
						}
					}
				}
			}
		}
	}
	for _, fn := range o.funcs {
		if !referenced[fn] && fn.Parent() == nil {
			o.walk(fn, false, nil)
		}
	}
	for _, fn := range o.funcs {
		if !o.visited(fn) {
			o.walk(fn, false, nil)
		}
	}
	return o.viols
}

func (o *orderCheck) visited(fn *ssa.Function) bool {
	_, a := o.memo[visit{fn, false}]
	_, b := o.memo[visit{fn, true}]
	return a || b
}

// walk returns whether fn, entered with the given state, returns locked on
// every path; it records every affinity call reached unlocked.
func (o *orderCheck) walk(fn *ssa.Function, locked bool, chain []string) bool {
	k := visit{fn, locked}
	if exit, ok := o.memo[k]; ok {
		return exit
	}
	if o.active[k] || len(fn.Blocks) == 0 {
		return locked // recursion, or no body: assume it changes nothing
	}
	o.active[k] = true
	defer delete(o.active, k)
	// must-analysis over the blocks: in = AND of the predecessors' out
	in := make([]bool, len(fn.Blocks))
	out := make([]bool, len(fn.Blocks))
	for i := range out {
		out[i] = true
	}
	for changed := true; changed; {
		changed = false
		for _, b := range fn.Blocks {
			s := locked
			if b.Index != 0 {
				s = len(b.Preds) > 0 && b != fn.Recover
				for _, p := range b.Preds {
					s = s && out[p.Index]
				}
			}
			in[b.Index] = s
			for _, ins := range b.Instrs {
				s = o.step(fn, ins, s, chain, false)
			}
			if s != out[b.Index] {
				out[b.Index], changed = s, true
			}
		}
	}
	// a second pass, with the states settled, records what it finds
	exit, returns := true, false
	for _, b := range fn.Blocks {
		s := in[b.Index]
		for _, ins := range b.Instrs {
			s = o.step(fn, ins, s, chain, true)
		}
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok {
			exit, returns = exit && s, true
		}
	}
	if !returns {
		exit = locked
	}
	o.memo[k] = exit
	return exit
}

// step applies one instruction to the state.
func (o *orderCheck) step(fn *ssa.Function, ins ssa.Instruction, locked bool, chain []string, record bool) bool {
	var call *ssa.CallCommon
	newGoroutine, deferred := false, false
	switch ins := ins.(type) {
	case *ssa.Call:
		call = ins.Common()
	case *ssa.Defer:
		// judged in the state where it is deferred (an approximation: it
		// runs at the return); it changes nothing until then
		call, deferred = ins.Common(), true
	case *ssa.Go:
		call, newGoroutine = ins.Common(), true
	default:
		return locked
	}
	here := o.prog.Fset.Position(ins.Pos())
	where := fmt.Sprintf("%s:%d", filepath.Base(here.Filename), here.Line)
	state := locked
	if newGoroutine {
		state = false
	}
	next := locked
	targets := o.callees(call)
	for i, callee := range targets {
		after := o.effect(callee, call, state, append(chain, where+" "+callee.Name()), record, where)
		if newGoroutine || deferred {
			continue
		}
		if i == 0 {
			next = after
		} else {
			next = next && after
		}
	}
	// functions handed to another package's call (sync.Once.Do, ...) are
	// assumed to run there and then, in the caller's state
	if call.StaticCallee() == nil || !o.inFile(call.StaticCallee()) {
		for _, a := range call.Args {
			if f := funcOf(a); f != nil && o.inFile(f) {
				o.walk(f, state, append(chain, where+" "+f.Name()))
			}
		}
	}
	return next
}

// callees are the functions a call may reach: its static callee, or what
// the package variable it loads may hold.
func (o *orderCheck) callees(call *ssa.CallCommon) []*ssa.Function {
	if f := call.StaticCallee(); f != nil {
		return []*ssa.Function{f}
	}
	if u, ok := call.Value.(*ssa.UnOp); ok && u.Op == token.MUL {
		if g, ok := u.X.(*ssa.Global); ok {
			return o.globals[g]
		}
	}
	return nil
}

var syscalls = map[string]bool{"Syscall": true, "Syscall6": true, "RawSyscall": true,
	"RawSyscall6": true, "SyscallNoError": true, "RawSyscallNoError": true}

// effect is the state after calling callee in state locked.
func (o *orderCheck) effect(callee *ssa.Function, call *ssa.CallCommon, locked bool, chain []string, record bool, where string) bool {
	obj, _ := callee.Object().(*types.Func)
	path, name := "", callee.Name()
	if obj != nil && obj.Pkg() != nil {
		path = obj.Pkg().Path()
	}
	switch {
	case path == "runtime" && name == "LockOSThread":
		return true
	case path == "runtime" && name == "UnlockOSThread":
		return false
	case o.inFile(callee) || (callee.Pkg == o.pkg && callee.Parent() != nil && o.inFile(callee.Parent())):
		return o.walk(callee, locked, chain)
	case isSetAffinity(path, name, call):
		if !locked && record && !o.seen[strings.Join(chain, "|")] {
			o.seen[strings.Join(chain, "|")] = true
			o.viols = append(o.viols, fmt.Sprintf(
				"%s: sched_setaffinity on a goroutine not locked to its thread: call runtime.LockOSThread first, "+
					"and set the mask from the locked goroutine (reached by %s)", where, strings.Join(chain, " → ")))
		}
	}
	return locked
}

// isSetAffinity: unix.SchedSetaffinity, or a raw system call whose trap is
// SYS_SCHED_SETAFFINITY or not a constant.
func isSetAffinity(path, name string, call *ssa.CallCommon) bool {
	if path != "syscall" && path != "golang.org/x/sys/unix" {
		return false
	}
	if name == "SchedSetaffinity" {
		return true
	}
	if !syscalls[name] || len(call.Args) == 0 {
		return false
	}
	c, ok := call.Args[0].(*ssa.Const)
	if !ok || c.Value == nil {
		return true
	}
	trap, ok := constant.Uint64Val(constant.ToInt(c.Value))
	return !ok || trap == syscall.SYS_SCHED_SETAFFINITY
}
