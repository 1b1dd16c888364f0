package tests

import (
	"strings"
	"testing"
)

// The local runtime runs the data migrations once, at start, before serving: the first
// start of a new data folder runs and records them, a restart finds them done.
func TestLocalRuntimeRunsDataMigrationsOnceAtStart(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	rt := startRuntime(t, dataDir)
	first := rt.Log.String()
	if !strings.Contains(first, "data migration done") || !strings.Contains(first, "2026-11-customer-spaces-private") {
		t.Fatalf("the first start ran no migration; its log:\n%s", first)
	}
	rt.stop()
	rt = startRuntime(t, dataDir)
	if again := rt.Log.String(); strings.Contains(again, "data migration done") {
		t.Fatalf("a restart ran a migration again; its log:\n%s", again)
	}
}
