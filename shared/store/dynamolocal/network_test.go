package dynamolocal_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/store"
	"tribune/shared/store/dynamolocal"
)

// client signs with creds for endpoint.
func client(t *testing.T, endpoint string, creds aws.Credentials) *dynamodb.Client {
	t.Helper()
	cfg, err := store.LoadAWSConfig(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: creds}
	cfg.RetryMaxAttempts = 1
	return store.NewDynamoDB(cfg, endpoint)
}

// nonLoopback lists this machine's up, non-loopback interface addresses.
func nonLoopback(t *testing.T) []net.IP {
	t.Helper()
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	var ips []net.IP
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
				ips = append(ips, ipn.IP)
			}
		}
	}
	return ips
}

// DynamoDB Local listens on 127.0.0.1 only: from the machine's other addresses its port
// takes no connection, and the runtime's check for that finds none. The check itself
// does see a port open on every interface.
func TestServerListensOnLoopbackOnly(t *testing.T) {
	t.Parallel()
	p, err := dynamolocal.Start(context.Background(), dynamolocal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if !p.Loopback {
		t.Error("DynamoDB Local was not started through the loopback launcher")
	}
	port := p.Endpoint[len("http://127.0.0.1:"):]
	for _, ip := range nonLoopback(t) {
		if c, err := net.DialTimeout("tcp", net.JoinHostPort(ip.String(), port), time.Second); err == nil {
			c.Close()
			t.Errorf("DynamoDB Local accepts connections on %s", ip)
		}
	}
	if got := p.ReachableFromNetwork(); len(got) != 0 {
		t.Errorf("ReachableFromNetwork = %v, want none", got)
	}
	if resp, err := http.Get(p.Endpoint); err != nil {
		t.Fatalf("DynamoDB Local does not answer on 127.0.0.1: %v", err)
	} else {
		resp.Body.Close()
	}

	// The check finds a port open on every interface (where the machine has another
	// interface).
	l, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	open := dynamolocal.Reachable(l.Addr().(*net.TCPAddr).Port)
	if want := len(nonLoopback(t)); want > 0 && len(open) < want {
		t.Errorf("a port open on every interface is reported on %v, want %d addresses", open, want)
	}
}

// The tables of a data directory are in the database of its own access key id: a
// client that signs with any other key (the well-known local/local, or a random one)
// neither reads nor writes them. The key is kept 0600 and reused across starts.
func TestDataDirectoryNeedsItsKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sv := start(t, dir, false)
	sv.write(t, "mine")
	key := sv.p.AccessKeyID
	if info, err := os.Stat(filepath.Join(dir, ".tribune-access-key-id")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("the access key file: %v %v", info, err)
	}
	if _, err := os.Stat(filepath.Join(dir, key+"_us-east-1.db")); err != nil {
		t.Fatalf("the directory's database: %v", err)
	}
	for _, other := range []aws.Credentials{{AccessKeyID: "local", SecretAccessKey: "local"}, {AccessKeyID: "TRIBUNEGUESS", SecretAccessKey: "x"}} {
		assertSeesNothing(t, client(t, sv.p.Endpoint, other), other.AccessKeyID)
	}
	sv.p.Stop()
	sv = start(t, dir, false)
	if sv.p.AccessKeyID != key || sv.found(t, "mine") != 2 {
		t.Fatalf("after a restart: key %q (was %q), %d items", sv.p.AccessKeyID, key, sv.found(t, "mine"))
	}
}

// assertSeesNothing: db lists no table, reads nothing and writes nothing in the
// durability table.
func assertSeesNothing(t *testing.T, db *dynamodb.Client, who string) {
	t.Helper()
	ctx := context.Background()
	if out, err := db.ListTables(ctx, &dynamodb.ListTablesInput{}); err != nil || len(out.TableNames) != 0 {
		t.Errorf("%s lists %v (%v)", who, out, err)
	}
	var missing *types.ResourceNotFoundException
	if _, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table),
		Key: map[string]types.AttributeValue{"PK": s("mine"), "SK": s("a")}}); !errors.As(err, &missing) {
		t.Errorf("%s reads the table: %v", who, err)
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table),
		Item: map[string]types.AttributeValue{"PK": s("theirs"), "SK": s("a")}}); !errors.As(err, &missing) {
		t.Errorf("%s writes the table: %v", who, err)
	}
}

// A data directory written by an older release (one shared database,
// shared-local-instance.db) is moved to the directory's own database at the first
// start: its tables are all there, with their stream, and no longer shared.
func TestSharedDatabaseIsMovedToTheDirectorysOwn(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jar, err := dynamolocal.FindJar()
	if err != nil {
		t.Fatal(err)
	}
	// The older release: the plain jar with -sharedDb.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	old := exec.Command("java", "-Djava.library.path="+filepath.Join(filepath.Dir(jar), "DynamoDBLocal_lib"), "-jar", jar,
		"-port", strconv.Itoa(port), "-disableTelemetry", "-sharedDb", "-dbPath", dir)
	old.Dir = dir
	if err := old.Start(); err != nil {
		t.Fatal(err)
	}
	endpoint := "http://127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := http.Get(endpoint); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = old.Process.Kill()
			t.Fatal("the older DynamoDB Local did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
	before := server{db: client(t, endpoint, aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"})}
	createTable(t, before.db, true)
	if _, err := before.db.UpdateTimeToLive(context.Background(), &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(table),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("expiresAt"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	before.write(t, "kept")
	_ = old.Process.Signal(os.Interrupt)
	_ = old.Wait()
	if _, err := os.Stat(filepath.Join(dir, "shared-local-instance.db")); err != nil {
		t.Fatalf("the older release left no shared database: %v", err)
	}

	sv := start(t, dir, false)
	if n := sv.found(t, "kept"); n != 2 {
		t.Fatalf("after the move, %d of the 2 items are there", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "shared-local-instance.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the shared database is still there: %v", err)
	}
	out, err := sv.db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil || out.Table.LatestStreamArn == nil {
		t.Fatalf("the moved table has no stream: %v", err)
	}
	ttl, err := sv.db.DescribeTimeToLive(context.Background(), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(table)})
	if err != nil || ttl.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled || aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "expiresAt" {
		t.Errorf("the moved table's TTL setting: %+v %v", ttl, err)
	}
	assertSeesNothing(t, client(t, sv.p.Endpoint, aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}), "local/local after the move")
}

// Issue 9, round 4: with a Java that could not run the loopback launcher, Start fell
// back to a server on every interface and the runtime started. It now refuses
// (ErrNotLoopback) unless the caller allows a server the network reaches.
func TestStartRefusesEveryInterfaceUnlessAllowed(t *testing.T) {
	realJava, err := exec.LookPath("java")
	if err != nil {
		t.Fatal(err)
	}
	// A java that cannot run a source file (as one without jdk.compiler) but runs jars.
	bin := t.TempDir()
	script := "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in *.java) echo 'no jdk.compiler' >&2; exit 1;; esac; done\nexec " + realJava + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "java"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	dir := t.TempDir()
	if p, err := dynamolocal.Start(context.Background(), dynamolocal.Options{DataDir: dir, WorkDir: dir}); !errors.Is(err, dynamolocal.ErrNotLoopback) {
		if err == nil {
			p.Stop()
		}
		t.Fatalf("Start without the loopback launcher: %v, want ErrNotLoopback", err)
	}
	// The refusal let go of the directory: a start that allows the network takes it.
	p, err := dynamolocal.Start(context.Background(), dynamolocal.Options{DataDir: dir, WorkDir: dir, AllowNetwork: true})
	if err != nil {
		t.Fatalf("Start allowing the network: %v", err)
	}
	defer p.Stop()
	if p.Loopback {
		t.Error("Loopback is true for a server started without the loopback launcher")
	}
	if want := len(nonLoopback(t)); want > 0 && len(p.ReachableFromNetwork()) == 0 {
		t.Error("a server on every interface is not reported as reachable from the network")
	}
}
