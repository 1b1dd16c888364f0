package dynamolocal_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/store"
	"tribune/shared/store/dynamolocal"
)

const table = "durability"

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// server is DynamoDB Local on a data directory with a client, plain or behind the
// commit barrier.
type server struct {
	p  *dynamolocal.Process
	db *dynamodb.Client
}

func start(t *testing.T, dir string, barrier bool) server {
	t.Helper()
	ctx := context.Background()
	p, err := dynamolocal.Start(ctx, dynamolocal.Options{DataDir: dir, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	cfg, err := store.LoadAWSConfig(ctx, p.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: p.Credentials()}
	db := store.NewDynamoDB(cfg, p.Endpoint)
	if barrier {
		db = store.NewDynamoDB(cfg, p.Endpoint, dynamolocal.CommitBarrier(db, map[string]types.AttributeValue{"PK": s("#barrier"), "SK": s("#barrier")}))
	}
	createTable(t, db, false)
	return server{p: p, db: db}
}

// createTable makes the durability table unless it exists, with a stream if asked.
func createTable(t *testing.T, db *dynamodb.Client, stream bool) {
	t.Helper()
	in := &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}}}
	if stream {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}
	}
	_, err := db.CreateTable(context.Background(), in)
	var exists *types.ResourceInUseException
	if err != nil && !errors.As(err, &exists) {
		t.Fatal(err)
	}
}

// write commits one transaction of two items and returns once it is acknowledged.
func (sv server) write(t *testing.T, id string) {
	t.Helper()
	put := func(sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{TableName: aws.String(table), Item: map[string]types.AttributeValue{"PK": s(id), "SK": s(sk)}}}
	}
	if _, err := sv.db.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{put("a"), put("b")}}); err != nil {
		t.Fatal(err)
	}
}

// found counts the items of a transaction.
func (sv server) found(t *testing.T, id string) int {
	t.Helper()
	n := 0
	for _, sk := range []string{"a", "b"} {
		out, err := sv.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
			Key: map[string]types.AttributeValue{"PK": s(id), "SK": s(sk)}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Item != nil {
			n++
		}
	}
	return n
}

// crashRounds writes a transaction, kills the JVM as soon as it is acknowledged,
// restarts on the same files and counts the acknowledged transactions that are gone.
// With stopAtFirstLoss it stops at the first one.
func crashRounds(t *testing.T, dir string, barrier bool, rounds int, stopAtFirstLoss bool) (lost int) {
	sv := start(t, dir, barrier)
	for i := 0; i < rounds; i++ {
		id := fmt.Sprintf("tx-%v-%d", barrier, i)
		sv.write(t, id)
		sv.p.Kill()
		sv = start(t, dir, barrier)
		switch n := sv.found(t, id); n {
		case 2:
		case 0:
			lost++
			t.Logf("round %d: the acknowledged transaction %s is gone after kill -9", i, id)
		default:
			t.Fatalf("round %d: %d of the 2 items of one transaction survived: not atomic", i, n)
		}
		if lost > 0 && stopAtFirstLoss {
			break
		}
	}
	sv.p.Stop()
	return lost
}

// DynamoDB Local 1.25.1 answers TransactWriteItems before the COMMIT has run (it queues
// it on its SQLite thread): killing the JVM right after the answer loses the
// transaction. This pins that behaviour (should a release fix it, this test says so and
// docs/decisions.md must change), and shows that CommitBarrier closes the gap: with
// it, every acknowledged transaction survives the kill.
func TestDynamoDBLocalLosesAnAcknowledgedTransactionOnKill(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if lost := crashRounds(t, dir, false, 6, true); lost == 0 {
		t.Fatal("every transaction acknowledged by DynamoDB Local survived kill -9 in 6 rounds: the early acknowledgement " +
			"documented in docs/decisions.md seems fixed; revisit dynamolocal.CommitBarrier and the decision")
	}
	if lost := crashRounds(t, dir, true, 3, false); lost != 0 {
		t.Fatalf("%d acknowledged transactions lost behind the commit barrier", lost)
	}
}

// The helper process of TestServerDoesNotOutliveItsOwner: it starts DynamoDB Local on
// OWNER_DIR, prints the server's pid and waits to be killed.
func TestHelperOwner(t *testing.T) {
	dir := os.Getenv("DYNAMOLOCAL_OWNER_DIR")
	if dir == "" {
		return // run as a helper only
	}
	p, err := dynamolocal.Start(context.Background(), dynamolocal.Options{DataDir: dir, WorkDir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println("server", p.Pid)
	time.Sleep(time.Minute)
}

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}

// A data directory has one owner: a second Start is refused while the first owner
// lives. An owner killed with SIGKILL leaves no server on its files: on Linux the
// server dies with it; everywhere, the next Start stops a leftover before starting.
func TestServerDoesNotOutliveItsOwner(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	helper := exec.Command(os.Args[0], "-test.run=^TestHelperOwner$", "-test.count=1")
	helper.Env = append(os.Environ(), "DYNAMOLOCAL_OWNER_DIR="+dir)
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = helper.Process.Kill(); _ = helper.Wait() })
	lines := bufio.NewScanner(out)
	pid := 0
	for pid == 0 && lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "server "); ok {
			pid, _ = strconv.Atoi(v)
		} else if strings.HasPrefix(lines.Text(), "error") {
			t.Fatal(lines.Text())
		}
	}
	if pid == 0 {
		t.Fatal("the helper did not start DynamoDB Local")
	}
	t.Cleanup(func() {
		if alive(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	if _, err := dynamolocal.Start(context.Background(), dynamolocal.Options{DataDir: dir}); !errors.Is(err, dynamolocal.ErrInUse) {
		t.Fatalf("Start on a data directory whose owner lives = %v, want ErrInUse", err)
	}
	if err := helper.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = helper.Wait()
	if runtime.GOOS == "linux" {
		deadline := time.Now().Add(15 * time.Second)
		for alive(pid) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if alive(pid) {
			t.Fatalf("DynamoDB Local (process %d) outlived the process that started it", pid)
		}
	}
	sv := start(t, dir, false)
	sv.write(t, "after")
	if sv.found(t, "after") != 2 || alive(pid) {
		t.Fatal("the next owner did not get the directory to itself")
	}
}
