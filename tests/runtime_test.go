// Package tests drives the running system from outside: the local runtime started as a
// process, over HTTP, and the web frontend in Chromium.
package tests

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runtime is a started local runtime (infra/local).
type runtime struct {
	URL     string
	DataDir string
	Log     *strings.Builder
	cmd     *exec.Cmd
}

var binary string

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	if _, err := os.Stat("../web/dist/index.html"); err != nil {
		return 1, fmt.Errorf("the web frontend is not built: run `make build` (or `make test`)")
	}
	dir, err := os.MkdirTemp("", "tribune-tests-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "tribune-local")
	if out, err := exec.Command("go", "build", "-o", binary, "../infra/local").CombinedOutput(); err != nil {
		return 1, fmt.Errorf("build local runtime: %v\n%s", err, out)
	}
	return m.Run(), nil
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type logBuffer struct{ b *strings.Builder }

func (l logBuffer) Write(p []byte) (int, error) { return l.b.Write(p) }

// startRuntime starts the local runtime on dataDir (a new one when empty).
func startRuntime(t testing.TB, dataDir string, env ...string) *runtime {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	port := freePort(t)
	cmd := exec.Command(binary)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "LISTEN_ADDR=localhost:"+fmt.Sprint(port), "DATA_DIR="+dataDir, "SMTP_ADDR=", "DYNAMODB_ENDPOINT=")
	cmd.Env = append(cmd.Env, env...)
	rt := &runtime{URL: fmt.Sprintf("http://localhost:%d", port), DataDir: dataDir, Log: &strings.Builder{}, cmd: cmd}
	cmd.Stdout, cmd.Stderr = logBuffer{rt.Log}, logBuffer{rt.Log}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rt.stop)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(rt.URL + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return rt
			}
		}
		if cmd.ProcessState != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("local runtime did not come up; its log:\n%s", rt.Log.String())
	return nil
}

// stop ends the runtime as Ctrl-C does.
func (rt *runtime) stop() {
	if rt.cmd.Process == nil || rt.cmd.ProcessState != nil {
		return
	}
	_ = rt.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = rt.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = rt.cmd.Process.Kill()
		<-done
	}
}

func get(ctx context.Context, client *http.Client, url string) (*http.Response, string, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}
