package main

// The exercise's tests. TestLockcheck/cases runs Analyzer over
// the visible cases (testdata/src/visible) with analysistest.
// TestLockcheck/vet13 runs it as go vet's tool over exercise 13's starter,
// and compares what it reports with 13's list of pins
// (13-audit-pins/pins.txt): every pin found, nothing else. The test binary is its own vet tool: run with
// LOCKCHECK_VETTOOL=1, it is lockcheck under unitchecker, as
// `go vet -vettool=` expects.

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func TestMain(m *testing.M) {
	if os.Getenv("LOCKCHECK_VETTOOL") == "1" {
		unitchecker.Main(Analyzer) // does not return
	}
	// analysistest and go vet need the go command: the toolchain that
	// built this binary, when PATH has none.
	if _, err := exec.LookPath("go"); err != nil {
		if root := runtime.GOROOT(); root != "" {
			os.Setenv("PATH", filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
		}
	}
	os.Exit(m.Run())
}

// TestLockcheck holds both checks as subtests, so that a target can judge
// each one (-run TestLockcheck/cases, -run TestLockcheck/vet13).
func TestLockcheck(t *testing.T) {
	t.Run("cases", testCases)
	t.Run("vet13", testVetExercise13)
}

func testCases(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), Analyzer, "visible")
}

var heldoutVetLine = regexp.MustCompile(`^(?:\./)?13-audit-pins/([^/:]+\.go):(\d+):\d+: (.*)$`)

func testVetExercise13(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "-vettool="+self, "./13-audit-pins/")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "LOCKCHECK_VETTOOL=1")
	out, err := cmd.CombinedOutput()
	found := map[string]int{}
	for _, line := range strings.Split(string(out), "\n") {
		if m := heldoutVetLine.FindStringSubmatch(line); m != nil {
			found[m[1]+":"+m[2]]++
			t.Logf("%s:%s: %s", m[1], m[2], m[3])
		}
	}
	if err != nil && len(found) == 0 {
		t.Fatalf("go vet -vettool found nothing and failed: %v\n%s", err, out)
	}
	pins := heldoutPins(t)
	var missed, extra []string
	for site, class := range pins {
		if found[site] == 0 {
			missed = append(missed, site+" ("+class+")")
		}
	}
	for site, n := range found {
		if _, ok := pins[site]; !ok || n > 1 {
			extra = append(extra, site)
		}
	}
	sort.Strings(missed)
	sort.Strings(extra)
	if len(missed) > 0 {
		t.Errorf("go vet -vettool=lockcheck ./13-audit-pins/ missed %d of exercise 13's %d pins: %s",
			len(missed), len(pins), strings.Join(missed, ", "))
	}
	if len(extra) > 0 {
		t.Errorf("go vet -vettool=lockcheck ./13-audit-pins/ reported what is not one of 13's pins (or a pin twice): %s\n%s",
			strings.Join(extra, ", "), out)
	}
	if len(pins) < 8 {
		t.Errorf("13-audit-pins/pins.txt lists %d pins; it listed 8 when this test was written", len(pins))
	}
}

// heldoutPins reads 13's pins.txt: "FILE:LINE" to its class.
func heldoutPins(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open("../13-audit-pins/pins.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pins := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) < 2 {
			t.Fatalf("pins.txt: malformed line %q", line)
		}
		pins[cols[0]] = cols[1]
	}
	return pins
}
