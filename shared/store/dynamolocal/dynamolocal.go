// Package dynamolocal starts Amazon's DynamoDB Local (the jar shipped in the npm
// package amplify-dynamodb-simulator) for the local runtime and the tests.
//
// Two things about DynamoDB Local 1.25.1 shape this package (docs/decisions.md,
// "Crash durability of the event path"):
//   - It answers TransactWriteItems before the transaction's COMMIT has run: the COMMIT
//     is queued on its SQLite thread, and a kill -9 of the JVM in between loses an
//     acknowledged transaction. CommitBarrier makes a client wait for that COMMIT.
//   - A child process outlives a parent killed with SIGKILL. The server dies with the
//     process that started it (Linux), and a data directory has one owner at a time:
//     a leftover server of a crashed owner is stopped before a new one starts on the
//     same files.
package dynamolocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// JarRelPath is where `make tools` unpacks the jar, relative to the repository root.
const JarRelPath = ".tools/ddb/package/emulator/DynamoDBLocal.jar"

// ErrMissing explains how to get DynamoDB Local.
var ErrMissing = errors.New("DynamoDB Local is not installed: run `make tools` " +
	"(it unpacks the npm package amplify-dynamodb-simulator@2.9.30 into .tools/ddb) and make sure `java` (17+) is on PATH")

// ErrInUse means another running process owns the data directory.
var ErrInUse = errors.New("dynamolocal: the data directory is in use by another running process (another `make run` on the same DATA_DIR?)")

// noBrowserOrigin is the only origin DynamoDB Local's CORS answers allow: a reserved
// name no page can have, so no web page can call the table from a browser (its
// default is '*', and it checks no signature).
const noBrowserOrigin = "https://dynamodb-local.invalid"

// FindJar returns the jar: $DYNAMODB_LOCAL_JAR, or JarRelPath in this directory or a parent.
func FindJar() (string, error) {
	if p := os.Getenv("DYNAMODB_LOCAL_JAR"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("DYNAMODB_LOCAL_JAR=%s: %w", p, ErrMissing)
		}
		return p, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, JarRelPath)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", ErrMissing
		}
		dir = parent
	}
}

// Process is a running DynamoDB Local.
type Process struct {
	Endpoint string
	// Pid is the JVM's process id.
	Pid int

	cmd      *exec.Cmd
	exited   chan struct{}
	locks    []*os.File
	stopOnce sync.Once
}

// Options choose persistence and port.
type Options struct {
	// DataDir keeps the data on disk; empty runs in memory.
	DataDir string
	// Port to listen on; 0 picks a free one.
	Port int
	// WorkDir receives the metadata file DynamoDB Local writes; defaults to a temp dir.
	WorkDir string
}

// Start runs DynamoDB Local and waits until it answers. With a DataDir it first takes
// ownership of the directory: ErrInUse when a live process owns it; a server left
// running by an owner that died is stopped first.
//
// DynamoDB Local listens on every interface (1.25.1 has no option to choose one); its
// CORS answers allow no browser origin.
func Start(ctx context.Context, opts Options) (*Process, error) {
	jar, err := FindJar()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("java"); err != nil {
		return nil, fmt.Errorf("dynamolocal: java not found: %w", ErrMissing)
	}
	port := opts.Port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	// C1 only and the serial collector: the JVM is ready in half the time and, for the
	// short runs of tests and `make run` on a small machine, serves faster too.
	args := []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.library.path=" + filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"), "-Xmx512m",
		"-jar", jar, "-port", strconv.Itoa(port), "-disableTelemetry", "-cors", noBrowserOrigin}
	p := &Process{Endpoint: "http://127.0.0.1:" + strconv.Itoa(port), exited: make(chan struct{})}
	var serverLock *os.File
	if opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
		var owner *os.File
		if owner, serverLock, err = takeDataDir(ctx, opts.DataDir); err != nil {
			return nil, err
		}
		p.locks = []*os.File{owner, serverLock}
		args = append(args, "-sharedDb", "-dbPath", opts.DataDir)
	} else {
		args = append(args, "-inMemory", "-sharedDb")
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = opts.WorkDir
	if cmd.Dir == "" {
		if cmd.Dir, err = os.MkdirTemp("", "dynamodb-local-"); err != nil {
			p.release()
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = dieWithParent()
	if serverLock != nil {
		// The server inherits the lock: the directory stays taken while it runs, even
		// after its owner died.
		cmd.ExtraFiles = []*os.File{serverLock}
	}
	p.cmd = cmd
	started := make(chan error, 1)
	go func() {
		// The parent-death signal follows the thread that started the child: this
		// goroutine keeps its thread until the child has exited.
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(p.exited)
	}()
	if err := <-started; err != nil {
		p.release()
		return nil, fmt.Errorf("dynamolocal: start java: %w", err)
	}
	p.Pid = cmd.Process.Pid
	if opts.DataDir != "" {
		if err := writeOwners(opts.DataDir, os.Getpid(), p.Pid); err != nil {
			p.Kill()
			return nil, err
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			p.release()
			return nil, fmt.Errorf("dynamolocal: exited early: %v", cmd.ProcessState)
		case <-ctx.Done():
			p.Stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		// Any HTTP answer (it is a 400 for a bare GET) means it is listening.
		if resp, err := http.Get(p.Endpoint); err == nil {
			resp.Body.Close()
			return p, nil
		}
	}
	p.Stop()
	return nil, errors.New("dynamolocal: not ready after 30s")
}

// Stop ends the server gracefully (SIGTERM, then SIGKILL after 10 s) and gives the
// data directory up.
func (p *Process) Stop() {
	p.stopOnce.Do(func() {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			_ = p.cmd.Process.Kill()
		}
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
		p.release()
	})
}

// Kill ends the server at once (SIGKILL), as a crash would, and gives the data
// directory up.
func (p *Process) Kill() {
	p.stopOnce.Do(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
		p.release()
	})
}

func (p *Process) release() {
	for _, f := range p.locks {
		_ = f.Close()
	}
	p.locks = nil
}

// Lock and owner files of a data directory. The owner lock is held by the process that
// started the server (and not inherited); the server lock by that process and the
// server. Both are advisory locks the kernel drops when their holders exit.
const (
	ownerLockFile  = ".tribune-owner.lock"
	serverLockFile = ".tribune-server.lock"
	ownersFile     = ".tribune-server.json"
)

type owners struct {
	Owner  int `json:"owner"`
	Server int `json:"server"`
}

// takeDataDir takes both locks of dir, stopping a leftover server whose owner died.
func takeDataDir(ctx context.Context, dir string) (owner, server *os.File, err error) {
	if owner, err = openLock(filepath.Join(dir, ownerLockFile)); err != nil {
		return nil, nil, err
	}
	if ok, err := tryLock(owner); err != nil || !ok {
		owner.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("dynamolocal: %w", err)
		}
		o, _ := readOwners(dir)
		return nil, nil, fmt.Errorf("%w: %s (process %d)", ErrInUse, dir, o.Owner)
	}
	if server, err = openLock(filepath.Join(dir, serverLockFile)); err != nil {
		owner.Close()
		return nil, nil, err
	}
	ok, err := tryLock(server)
	if err == nil && !ok {
		// The owner is gone but its server still holds the files.
		err = stopLeftover(ctx, dir, server)
	}
	if err != nil {
		owner.Close()
		server.Close()
		return nil, nil, err
	}
	return owner, server, nil
}

// stopLeftover stops the server named in the owners file (SIGTERM, then SIGKILL) and
// waits until the server lock is free.
func stopLeftover(ctx context.Context, dir string, server *os.File) error {
	o, err := readOwners(dir)
	if err != nil || o.Server <= 0 || !isServer(o.Server, dir) {
		return fmt.Errorf("%w: %s is locked by an unknown process", ErrInUse, dir)
	}
	proc, err := os.FindProcess(o.Server)
	if err != nil {
		return fmt.Errorf("dynamolocal: leftover server %d: %w", o.Server, err)
	}
	fmt.Fprintf(os.Stderr, "dynamolocal: stopping DynamoDB Local (process %d) left running on %s by a process that ended\n", o.Server, dir)
	_ = proc.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(20 * time.Second)
	killed := false
	for time.Now().Before(deadline) {
		if ok, err := tryLock(server); err != nil || ok {
			return err
		}
		if !killed && time.Until(deadline) < 10*time.Second {
			_ = proc.Kill()
			killed = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%w: the leftover server %d on %s did not stop", ErrInUse, o.Server, dir)
}

func openLock(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("dynamolocal: %w", err)
	}
	return f, nil
}

func writeOwners(dir string, owner, server int) error {
	b, _ := json.Marshal(owners{Owner: owner, Server: server})
	if err := os.WriteFile(filepath.Join(dir, ownersFile), b, 0o600); err != nil {
		return fmt.Errorf("dynamolocal: %w", err)
	}
	return nil
}

func readOwners(dir string) (owners, error) {
	var o owners
	b, err := os.ReadFile(filepath.Join(dir, ownersFile))
	if err == nil {
		err = json.Unmarshal(b, &o)
	}
	return o, err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("dynamolocal: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
