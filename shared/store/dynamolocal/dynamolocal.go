// Package dynamolocal starts Amazon's DynamoDB Local (the jar shipped in the npm
// package amplify-dynamodb-simulator) for the local runtime and the tests.
package dynamolocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// JarRelPath is where `make tools` unpacks the jar, relative to the repository root.
const JarRelPath = ".tools/ddb/package/emulator/DynamoDBLocal.jar"

// ErrMissing explains how to get DynamoDB Local.
var ErrMissing = errors.New("DynamoDB Local is not installed: run `make tools` " +
	"(it unpacks the npm package amplify-dynamodb-simulator@2.9.30 into .tools/ddb) and make sure `java` (17+) is on PATH")

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
	cmd      *exec.Cmd
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

// Start runs DynamoDB Local on loopback and waits until it answers.
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
	args := []string{"-Djava.library.path=" + filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"), "-Xmx512m",
		"-jar", jar, "-port", strconv.Itoa(port), "-disableTelemetry"}
	if opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o755); err != nil {
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
		args = append(args, "-sharedDb", "-dbPath", opts.DataDir)
	} else {
		args = append(args, "-inMemory", "-sharedDb")
	}
	cmd := exec.Command("java", args...)
	cmd.Dir = opts.WorkDir
	if cmd.Dir == "" {
		if cmd.Dir, err = os.MkdirTemp("", "dynamodb-local-"); err != nil {
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
	}
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("dynamolocal: start java: %w", err)
	}
	p := &Process{Endpoint: "http://127.0.0.1:" + strconv.Itoa(port), cmd: cmd}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return nil, fmt.Errorf("dynamolocal: exited early: %v", err)
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

// Stop ends the process.
func (p *Process) Stop() {
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("dynamolocal: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
