package main

import (
	_ "embed"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The rule file is embedded, not read from disk, so that the test checks
// the version pinlab builds (your workspace's) rather than whatever file
// sits next to the test.
var (
	//go:embed alerts.yml
	alertsYML []byte
	//go:embed alerts_test.yml
	alertsTestYML []byte
)

// promtool runs promtool in dir and fails the test with its output.
func promtool(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("promtool", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %v: %v\n%s", args, err, out)
	}
}

func rulesDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("promtool"); err != nil {
		t.Fatal("promtool not found: it comes with Prometheus (Debian/Ubuntu: apt-get install prometheus)")
	}
	dir := t.TempDir()
	for name, body := range map[string][]byte{"alerts.yml": alertsYML, "alerts_test.yml": alertsTestYML} {
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRulesAreValid: promtool check rules accepts alerts.yml.
func TestRulesAreValid(t *testing.T) {
	promtool(t, rulesDir(t), "check", "rules", "alerts.yml")
}

// TestThreadAlert: the unit test in alerts_test.yml passes: the alert stays
// quiet at and below the threshold and fires after a minute above it.
func TestThreadAlert(t *testing.T) {
	promtool(t, rulesDir(t), "test", "rules", "alerts_test.yml")
}
