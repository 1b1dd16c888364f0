package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestBrowserSignUp runs tests/browser/signup.cjs against a fresh local runtime.
// SHOTS_DIR keeps the screenshots (default: a temporary folder).
func TestBrowserSignUp(t *testing.T) {
	runBrowserScript(t, "browser/signup.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserSignInLinks runs tests/browser/links.cjs: emailed links through the
// confirmation page, in English and French, at 375 px and 1280 px.
func TestBrowserSignInLinks(t *testing.T) {
	runBrowserScript(t, "browser/links.cjs")
}

// TestBrowserMentions runs tests/browser/mentions.cjs: the @ list of the composer,
// the edit box and the comment box, by keyboard, at 375 px and 1280 px, in English and
// French.
func TestBrowserMentions(t *testing.T) {
	runBrowserScript(t, "browser/mentions.cjs", "ADMIN_EMAILS=boss@example.com")
}

// runBrowserScript runs a playwright-core script in Debian's Chromium against a fresh
// local runtime started with env.
func runBrowserScript(t *testing.T, script string, env ...string) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is missing (%v): run `make browser` (apt-get install chromium) or set CHROMIUM", err)
	}
	modules, _ := filepath.Abs("../.tools/node_modules")
	if _, err := os.Stat(filepath.Join(modules, "playwright-core")); err != nil {
		t.Fatalf("playwright-core is missing: run `make tools`")
	}
	shots := os.Getenv("SHOTS_DIR")
	if shots == "" {
		shots = t.TempDir()
	}
	rt := startRuntime(t, "", env...)
	cmd := exec.Command("node", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "BASE_URL="+rt.URL, "DEV_KEY="+rt.devKey(t), "OUTBOX_DIR="+filepath.Join(rt.DataDir, "outbox"),
		"SHOTS_DIR="+shots, "CHROMIUM="+chromium)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("browser test failed: %v\nruntime log:\n%s", err, rt.Log.String())
	}
}
