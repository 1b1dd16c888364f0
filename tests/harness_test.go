// Package tests drives the running system from outside: the local runtime started as a
// process, over HTTP, and the web frontend in Chromium.
//
// This file is its harness: TestMain (builds the local runtime once), a runtime per test
// on a data directory of its own, and every helper tests of more than one file use. A
// helper one file's tests use stays in that file.
package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// parallelTests is how many of this package's tests run at once unless -parallel says
// otherwise: its tests mostly wait (for a runtime's event path, a browser's page), so
// more of them than cores keep the machine busy (docs/testing.md: on 2 cores, 4 at once
// took the package from about 1,200 s to 870 s with every test passing).
const parallelTests = "4"

func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", parallelTests)
	}
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// ---- The local runtime, started as a process on a port and a data directory of its own

// runtime is a started local runtime (infra/local).
type runtime struct {
	URL     string
	DataDir string
	Log     *syncLog
	cmd     *exec.Cmd
	exited  chan struct{}
}

var binary string

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

// syncLog collects a process's output: stdout and stderr are copied by two
// goroutines while the test reads it.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startRuntime starts the local runtime on dataDir (a new one when empty).
func startRuntime(t testing.TB, dataDir string, env ...string) *runtime {
	t.Helper()
	return startRuntimeOn(t, freePort(t), dataDir, env...)
}

// startRuntimeOn starts the local runtime on a given port (to start it again where it
// was, as `make run` does).
func startRuntimeOn(t testing.TB, port int, dataDir string, env ...string) *runtime {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	cmd := exec.Command(binary)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "LISTEN_ADDR=localhost:"+fmt.Sprint(port), "DATA_DIR="+dataDir, "SMTP_ADDR=", "DYNAMODB_ENDPOINT=")
	cmd.Env = append(cmd.Env, env...)
	rt := &runtime{URL: fmt.Sprintf("http://localhost:%d", port), DataDir: dataDir, Log: &syncLog{}, cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = rt.Log, rt.Log
	// A child that outlives the runtime (DynamoDB Local) would hold the output pipes
	// open and Wait with them.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait(); close(rt.exited) }()
	t.Cleanup(rt.stop)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(rt.URL + "/api/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return rt
			}
		}
		select {
		case <-rt.exited:
			t.Fatalf("local runtime exited; its log:\n%s", rt.Log.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("local runtime did not come up; its log:\n%s", rt.Log.String())
	return nil
}

// stop ends the runtime as Ctrl-C does.
func (rt *runtime) stop() {
	select {
	case <-rt.exited:
		return
	default:
	}
	_ = rt.cmd.Process.Signal(os.Interrupt)
	select {
	case <-rt.exited:
	case <-time.After(15 * time.Second):
		_ = rt.cmd.Process.Kill()
		<-rt.exited
	}
}

// kill ends the runtime with SIGKILL, as a crash or `kill -9` does.
func (rt *runtime) kill() {
	_ = rt.cmd.Process.Kill()
	<-rt.exited
}

var devKeyPattern = regexp.MustCompile(`/_dev/\?key=([A-Z0-9]+)`)

// devKey is the key of the development pages, from the link the runtime printed. The
// line may reach the log a moment after the runtime answers (its output is copied by
// another goroutine): wait for it a little.
func (rt *runtime) devKey(t testing.TB) string {
	t.Helper()
	m := devKeyPattern.FindStringSubmatch(rt.Log.String())
	for deadline := time.Now().Add(15 * time.Second); m == nil && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		m = devKeyPattern.FindStringSubmatch(rt.Log.String())
	}
	if m == nil {
		t.Fatalf("the runtime printed no link to its development pages; its log:\n%s", rt.Log.String())
	}
	return m[1]
}

// devURL is a development page with the key.
func (rt *runtime) devURL(t testing.TB, path string) string {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return rt.URL + path + sep + "key=" + rt.devKey(t)
}

// devSignIn signs email in through the development provider, with the form of the
// development sign-in page, and returns a client holding the session.
func devSignIn(t testing.TB, rt *runtime, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(rt.URL+"/_dev/sign-in", url.Values{"key": {rt.devKey(t)}, "email": {email}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	startDevSignIn(t, rt, client)
	_, body, err := get(context.Background(), client, rt.URL+"/api/me")
	var me struct{ Email string }
	if err != nil || json.Unmarshal([]byte(body), &me) != nil || me.Email != email {
		t.Fatalf("development sign-in of %s: %v %s", email, err, body)
	}
	return client
}

// startDevSignIn does what the sign-in page's "Development sign-in" button does: a POST
// starts the flow, the browser goes to the provider, which redirects back to the
// callback; client then holds the session of whoever the provider signs in.
func startDevSignIn(t testing.TB, rt *runtime, client *http.Client) {
	t.Helper()
	resp, err := client.Post(rt.URL+"/api/auth/oidc/dev/start", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var start struct{ Redirect string }
	err = json.NewDecoder(resp.Body).Decode(&start)
	resp.Body.Close()
	if err != nil || start.Redirect == "" {
		t.Fatalf("development sign-in: start answered %d (%v)", resp.StatusCode, err)
	}
	if resp, err = client.Get(start.Redirect); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
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

// ---- Requests

// call sends a JSON request and decodes a JSON answer into out (when given).
func call(t *testing.T, client *http.Client, method, u, body string, out any) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, u, err, b)
		}
	}
	return resp.StatusCode, string(b)
}

// raw sends a request as any page or program on the machine could, with no cookie.
func raw(t *testing.T, method, u, contentType string, body []byte, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

func bodyOf(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return string(b)
}

// pngBytes is a small PNG (the content is not checked, its type and size are).
var pngBytes = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 300)...)
