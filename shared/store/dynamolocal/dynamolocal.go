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
//   - It listens on every interface and checks no signature. Start binds it to
//     127.0.0.1 (Loopback.java), and a data directory's tables live in the database of
//     a random access key id kept in that directory (Process.Credentials): whoever
//     does not know the key sees an empty database of their own.
package dynamolocal

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	// Loopback is true when the server listens on 127.0.0.1 only; false when the
	// loopback launcher could not run (a Java without its compiler module), the
	// caller allowed it (Options.AllowNetwork) and the server listens on every
	// interface (see ReachableFromNetwork).
	Loopback bool
	// AccessKeyID picks the data directory's database (empty in memory, where every
	// client shares one database).
	AccessKeyID string
	// Region is the region of that database's name (Options.Region).
	Region string

	port     int
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
	// Region the clients sign for (us-east-1 when empty): with a DataDir, the
	// database is the file <AccessKeyID>_<Region>.db.
	Region string
	// AllowNetwork lets the server listen on every interface when it cannot be bound
	// to 127.0.0.1; without it, Start fails instead (ErrNotLoopback).
	AllowNetwork bool
	// DatabasePerKey (in memory only) gives each access key id a database of its own
	// instead of one shared by every client (DynamoDB Local without -sharedDb). Tests
	// use it, a key per table: DynamoDB Local reads a table's stream metadata on every
	// request with a scan of the whole database's stream records (SQLiteDBAccessJob.
	// getStreamDescription, a correlated MIN over the records), so in one shared
	// database each request cost more as the test binary's earlier tables' writes
	// piled up (profiled: two thirds of the servers' CPU). A database of its own also
	// has its own SQLite queue: tables no longer wait on each other's locks.
	DatabasePerKey bool
}

// ErrNotLoopback is Start's answer when the server could not be bound to 127.0.0.1
// (the loopback launcher needs the java launcher's source-file mode, module
// jdk.compiler, which Debian's openjdk-17-jre-headless has) and Options.AllowNetwork
// is false: a server on every interface would let anyone on the network use it.
var ErrNotLoopback = errors.New("dynamolocal: DynamoDB Local could not be bound to 127.0.0.1")

// Region is the region local clients use unless told otherwise (store.LoadAWSConfig).
const Region = "us-east-1"

//go:embed Loopback.java
var loopbackSource []byte

// Start runs DynamoDB Local and waits until it answers. With a DataDir it first takes
// ownership of the directory: ErrInUse when a live process owns it; a server left
// running by an owner that died is stopped first.
//
// The server listens on 127.0.0.1 only (Loopback.java, run by the java launcher in
// source-file mode); should that fail, Start answers ErrNotLoopback, unless
// Options.AllowNetwork: then on every interface, with Process.Loopback false. Its CORS answers allow no browser origin. With a DataDir there is no shared
// database: the tables are in the database of the directory's own access key id
// (made at the first start, kept 0600 in the directory; a database of an older
// release, shared-local-instance.db, is moved to it once), so a client that signs
// with any other key (DynamoDB Local checks no signature) sees none of them.
func Start(ctx context.Context, opts Options) (*Process, error) {
	jar, err := FindJar()
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("java"); err != nil {
		return nil, fmt.Errorf("dynamolocal: java not found: %w", ErrMissing)
	}
	if opts.Region == "" {
		opts.Region = Region
	}
	p := &Process{Region: opts.Region}
	var serverLock *os.File
	var dbArgs []string
	if opts.DataDir != "" {
		if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
		var owner *os.File
		if owner, serverLock, err = takeDataDir(ctx, opts.DataDir); err != nil {
			return nil, err
		}
		p.locks = []*os.File{owner, serverLock}
		if p.AccessKeyID, err = accessKeyID(opts.DataDir); err == nil {
			err = moveSharedDB(opts.DataDir, p.AccessKeyID+"_"+opts.Region+".db")
		}
		if err != nil {
			p.release()
			return nil, err
		}
		dbArgs = []string{"-dbPath", opts.DataDir}
	} else if opts.DatabasePerKey {
		dbArgs = []string{"-inMemory"}
	} else {
		dbArgs = []string{"-inMemory", "-sharedDb"}
	}
	workDir := opts.WorkDir
	if workDir == "" {
		if workDir, err = os.MkdirTemp("", "dynamodb-local-"); err != nil {
			p.release()
			return nil, fmt.Errorf("dynamolocal: %w", err)
		}
	}
	launcher, err := writeLauncher()
	if err == nil {
		defer os.RemoveAll(filepath.Dir(launcher))
		err = p.run(ctx, jar, launcher, opts.Port, workDir, serverLock, dbArgs)
		p.Loopback = err == nil
	}
	if err != nil && ctx.Err() == nil {
		if !opts.AllowNetwork {
			p.release()
			return nil, fmt.Errorf("%w (%v): use a Java with the jdk.compiler module (Debian: openjdk-17-jre-headless), "+
				"or allow a server every network interface reaches", ErrNotLoopback, err)
		}
		// Allowed by the caller: the plain server, on every interface; the data
		// still needs the directory's key.
		fmt.Fprintf(os.Stderr, "dynamolocal: could not bind DynamoDB Local to 127.0.0.1 (%v); it listens on every interface\n", err)
		err = p.run(ctx, jar, "", opts.Port, workDir, serverLock, dbArgs)
	}
	if err != nil {
		p.release()
		return nil, err
	}
	return p, nil
}

// run starts the server (through the loopback launcher unless it is empty) and waits
// until it answers.
func (p *Process) run(ctx context.Context, jar, launcher string, port int, workDir string, serverLock *os.File, dbArgs []string) error {
	var err error
	if port == 0 {
		if port, err = freePort(); err != nil {
			return err
		}
	}
	p.port = port
	p.Endpoint = "http://127.0.0.1:" + strconv.Itoa(port)
	p.exited = make(chan struct{})
	// C1 only and the serial collector: the JVM is ready in half the time and, for the
	// short runs of tests and `make run` on a small machine, serves faster too.
	args := []string{"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.library.path=" + filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"), "-Xmx512m"}
	if launcher != "" {
		args = append(args, "-cp", jar, launcher)
	} else {
		args = append(args, "-jar", jar)
	}
	args = append(args, "-port", strconv.Itoa(port), "-disableTelemetry", "-cors", noBrowserOrigin)
	cmd := exec.Command("java", append(args, dbArgs...)...)
	cmd.Dir = workDir
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
		return fmt.Errorf("dynamolocal: start java: %w", err)
	}
	p.Pid = cmd.Process.Pid
	if serverLock != nil {
		if err := writeOwners(filepath.Dir(serverLock.Name()), os.Getpid(), p.Pid); err != nil {
			p.terminate(syscall.SIGKILL)
			return err
		}
	}
	// A busy 2-core machine compiles the launcher and starts the JVM in seconds; a
	// minute means it is stuck.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return fmt.Errorf("dynamolocal: exited early: %v", cmd.ProcessState)
		case <-ctx.Done():
			p.terminate(syscall.SIGTERM)
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		// Any HTTP answer (it is a 400 for a bare GET) means it is listening.
		if resp, err := http.Get(p.Endpoint); err == nil {
			resp.Body.Close()
			return nil
		}
	}
	p.terminate(syscall.SIGTERM)
	return errors.New("dynamolocal: not ready after 30s")
}

// writeLauncher writes Loopback.java into a new temporary folder (the java launcher
// compiles it in memory at start; the folder can go once the server answers).
func writeLauncher() (string, error) {
	dir, err := os.MkdirTemp("", "dynamodb-local-launcher-")
	if err != nil {
		return "", fmt.Errorf("dynamolocal: %w", err)
	}
	path := filepath.Join(dir, "Loopback.java")
	if err := os.WriteFile(path, loopbackSource, 0o600); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("dynamolocal: %w", err)
	}
	return path, nil
}

// Credentials are what a client of this server signs with: the data directory's
// access key id (its database), or the usual local/local in memory. DynamoDB Local
// checks no signature, so the secret is not one.
func (p *Process) Credentials() aws.Credentials {
	if p.AccessKeyID == "" {
		return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "dynamolocal"}
	}
	return aws.Credentials{AccessKeyID: p.AccessKeyID, SecretAccessKey: "local", Source: "dynamolocal"}
}

// ReachableFromNetwork lists the addresses of this machine's other interfaces (not
// loopback) on which the server's port accepts a connection: none when it is bound
// to 127.0.0.1, as it should be.
func (p *Process) ReachableFromNetwork() []string {
	return reachable(p.port)
}

// reachable lists host:port for every up, non-loopback interface address on which
// port accepts a TCP connection within 300 ms.
func reachable(port int) []string {
	var found []string
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() {
				continue
			}
			host := ipn.IP.String()
			if ipn.IP.IsLinkLocalUnicast() {
				host += "%" + ifc.Name
			}
			addr := net.JoinHostPort(host, strconv.Itoa(port))
			if c, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
				c.Close()
				found = append(found, addr)
			}
		}
	}
	return found
}

// Stop ends the server gracefully (SIGTERM, then SIGKILL after 10 s) and gives the
// data directory up.
func (p *Process) Stop() {
	p.stopOnce.Do(func() {
		p.terminate(syscall.SIGTERM)
		p.release()
	})
}

// Kill ends the server at once (SIGKILL), as a crash would, and gives the data
// directory up.
func (p *Process) Kill() {
	p.stopOnce.Do(func() {
		p.terminate(syscall.SIGKILL)
		p.release()
	})
}

// terminate sends sig (SIGKILL after 10 s) and waits for the server to exit.
func (p *Process) terminate(sig syscall.Signal) {
	if err := p.cmd.Process.Signal(sig); err != nil {
		_ = p.cmd.Process.Kill()
	}
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

func (p *Process) release() {
	for _, f := range p.locks {
		_ = f.Close()
	}
	p.locks = nil
}

// The access key id of a data directory: its database is <key>_<region>.db.
const (
	accessKeyFile = ".tribune-access-key-id"
	sharedDBFile  = "shared-local-instance.db"
)

var accessKeyPattern = regexp.MustCompile(`^TRIBUNE[A-Z2-7]{26}$`)

// accessKeyID returns dir's access key id, made (130 random bits) and written 0600,
// synced, at the first start.
func accessKeyID(dir string) (string, error) {
	path := filepath.Join(dir, accessKeyFile)
	b, err := os.ReadFile(path)
	if err == nil {
		key := strings.TrimSpace(string(b))
		if !accessKeyPattern.MatchString(key) {
			return "", fmt.Errorf("dynamolocal: %s does not hold an access key id made by Tribune; move it away to make a new one "+
				"(the tables stay in the database file named after the old key)", path)
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("dynamolocal: %w", err)
	}
	key := "TRIBUNE" + rand.Text()
	if err := writeSynced(dir, accessKeyFile, []byte(key+"\n")); err != nil {
		return "", err
	}
	return key, nil
}

// moveSharedDB moves the database an older release kept with -sharedDb to name, the
// database of the directory's key, once: only when name does not exist yet. SQLite's
// journal files follow their database (a hot journal after a crash must stay with it),
// and move first, so that a cut in between is finished by the next start.
func moveSharedDB(dir, name string) error {
	from, to := filepath.Join(dir, sharedDBFile), filepath.Join(dir, name)
	if _, err := os.Stat(from); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(to); err == nil {
		fmt.Fprintf(os.Stderr, "dynamolocal: %s is left as it is: %s already holds the tables\n", from, to)
		return nil
	}
	for _, suffix := range []string{"-journal", "-wal", "-shm", ""} {
		if err := os.Rename(from+suffix, to+suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("dynamolocal: move the shared database to the directory's own: %w", err)
		}
	}
	return syncDir(dir)
}

// writeSynced writes name in dir atomically (a temporary file renamed), 0600, synced
// with its directory.
func writeSynced(dir, name string, b []byte) error {
	f, err := os.CreateTemp(dir, name+".*")
	if err != nil {
		return fmt.Errorf("dynamolocal: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err = f.Write(b); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, name))
	}
	if err != nil {
		return fmt.Errorf("dynamolocal: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("dynamolocal: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("dynamolocal: sync %s: %w", dir, err)
	}
	return nil
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
