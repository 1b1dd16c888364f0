// Package dynamotest gives each test its own table on one of a few DynamoDB Local
// servers per test binary.
//
// Why a few: a test binary of a few hundred parallel tests on one server was bound by
// that one process when its tables shared one database (measured: 88 % of a core, the
// machine half idle, shared/app past 30 minutes). Tables are spread round-robin over the
// servers.
//
// Each table is also a database of its own: the servers run without -sharedDb and each
// table's clients sign with an access key id of its own (Table.AccessKeyID). DynamoDB
// Local scans the whole database's stream records on every request to a table with a
// stream (dynamolocal.Options.DatabasePerKey): in one shared database, a test's requests
// paid for every earlier test's writes.
package dynamotest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/smithy-go/middleware"

	"tribune/shared/store"
	"tribune/shared/store/dynamolocal"
)

var (
	endpoints []string
	next      atomic.Uint64
)

// Servers is how many DynamoDB Local servers Main starts: $TRIBUNE_TEST_DYNAMODB_SERVERS,
// else one per CPU, at least 2 and at most 4 (each takes about 300 MB).
func Servers() int {
	if n, err := strconv.Atoi(os.Getenv("TRIBUNE_TEST_DYNAMODB_SERVERS")); err == nil && n > 0 {
		return n
	}
	return min(max(runtime.NumCPU(), 2), 4)
}

// Main starts the DynamoDB Local servers, runs the tests and stops them. Use it from
// TestMain.
func Main(m *testing.M) int {
	n := Servers()
	procs := make([]*dynamolocal.Process, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			procs[i], errs[i] = dynamolocal.Start(context.Background(), dynamolocal.Options{DatabasePerKey: true})
		})
	}
	wg.Wait()
	for _, p := range procs {
		if p != nil {
			defer p.Stop()
			endpoints = append(endpoints, p.Endpoint)
		}
	}
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(os.Stderr, "dynamotest:", err)
			return 1
		}
	}
	return m.Run()
}

// Table is a fresh table for one test.
type Table struct {
	Name string
	// Endpoint is the server the table lives on: a client of any other server does not
	// see it.
	Endpoint string
	// AccessKeyID is the table's own: on a server started with DatabasePerKey it names
	// the database the table lives in, which holds nothing else (see Client).
	AccessKeyID string
	DB          *dynamodb.Client
	StreamARN   string
	Trips       *store.RoundTrips
	// Writes counts the write operations the table's clients (DB, Client) have made.
	Writes *Writes
}

// NewTable creates a table for t (dropped when t ends) and a client that counts its calls.
func NewTable(t testing.TB) Table {
	t.Helper()
	if len(endpoints) == 0 {
		t.Fatal("dynamotest: call dynamotest.Main from TestMain")
	}
	ctx := context.Background()
	endpoint := endpoints[(next.Add(1)-1)%uint64(len(endpoints))]
	trips := &store.RoundTrips{}
	id := strings.ToLower(rand.Text()[:12])
	// DynamoDB Local takes an access key id of letters and digits only.
	name := "t-" + id
	tb := Table{Endpoint: endpoint, AccessKeyID: "t" + id, Trips: trips, Writes: newWrites()}
	db := tb.Client(t, trips.Option())
	arn, err := store.EnsureTable(ctx, db, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name})
	})
	trips.Reset()
	tb.Name, tb.DB, tb.StreamARN = name, db, arn
	return tb
}

// Client is another client of the table's server (with opts, e.g. a RoundTrips counter).
//
// A test's concurrent requests share its table's database: on a loaded machine a
// transaction can time out waiting for its lock (500, "This request will succeed in
// actual DynamoDB API"). More attempts than the SDK's 3 ride that out, and no client-side
// retry quota (the SDK's token bucket would answer "retry quota exceeded" at once after
// a burst of such errors); RoundTrips counts operations, not attempts, so budgets are
// unchanged.
func (tb Table) Client(t testing.TB, opts ...func(*dynamodb.Options)) *dynamodb.Client {
	t.Helper()
	cfg := tb.config(t)
	opts = append([]func(*dynamodb.Options){func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts, so.RateLimiter = 10, ratelimit.None })
	}, tb.Writes.option()}, opts...)
	return store.NewDynamoDB(cfg, tb.Endpoint, opts...)
}

// config is the AWS configuration of the table's clients: its server, signed with its
// access key id (a client with another key would see another database, without the
// table).
func (tb Table) config(t testing.TB) aws.Config {
	t.Helper()
	cfg, err := store.LoadAWSConfig(context.Background(), tb.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = credentials.NewStaticCredentialsProvider(tb.AccessKeyID, "local", "")
	return cfg
}

// Streams is a DynamoDB Streams client of the table's server.
func (tb Table) Streams(t testing.TB) *dynamodbstreams.Client {
	t.Helper()
	cfg := tb.config(t)
	return dynamodbstreams.NewFromConfig(cfg, func(o *dynamodbstreams.Options) { o.BaseEndpoint = aws.String(tb.Endpoint) })
}

// Items counts the table's items (a scan: for tests that prove nothing was written).
func (tb Table) Items(t testing.TB) int {
	t.Helper()
	var n int32
	pages := dynamodb.NewScanPaginator(tb.DB, &dynamodb.ScanInput{TableName: &tb.Name, Select: types.SelectCount})
	for pages.HasMorePages() {
		out, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += out.Count
	}
	return int(n)
}

// Writes counts the write operations (Put, Update, Delete, BatchWrite, TransactWrite)
// that clients of a table have finished, failed or not (a timed-out transaction may
// still commit), and lets a stream poller sleep until the next one (PollerStreams).
type Writes struct {
	mu      sync.Mutex
	n       uint64
	changed chan struct{} // closed at the next write
}

func newWrites() *Writes { return &Writes{changed: make(chan struct{})} }

// Count is how many writes have finished.
func (w *Writes) Count() uint64 {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Wait returns once more than n writes have finished, after at most max, or when ctx
// ends.
func (w *Writes) Wait(ctx context.Context, n uint64, max time.Duration) {
	if w == nil {
		return
	}
	timer := time.NewTimer(max)
	defer timer.Stop()
	for {
		w.mu.Lock()
		done, changed := w.n > n, w.changed
		w.mu.Unlock()
		if done {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			return
		case <-ctx.Done():
			return
		}
	}
}

func (w *Writes) add() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	close(w.changed)
	w.changed = make(chan struct{})
}

// option counts a client's writes (nothing when w is nil: a Table made by hand).
func (w *Writes) option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		if w == nil {
			return
		}
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("DynamotestWrites",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleInitialize(ctx, in)
					switch in.Parameters.(type) {
					case *dynamodb.PutItemInput, *dynamodb.UpdateItemInput, *dynamodb.DeleteItemInput,
						*dynamodb.BatchWriteItemInput, *dynamodb.TransactWriteItemsInput,
						*dynamodb.ExecuteStatementInput, *dynamodb.BatchExecuteStatementInput, *dynamodb.ExecuteTransactionInput:
						w.add()
					}
					return out, md, err
				}), middleware.After)
		})
	}
}

// PollerStreams is a DynamoDB Streams client of the table's server for a stream poller
// (bus.StreamPoller) that sleeps while nothing is written: the poller reads the stream,
// and after a read that found nothing new it waits its interval and lists the shards
// again; that listing (DescribeStream) waits here until a client of the table has
// written since the read began, or idle at most. An idle poller then costs one read per
// idle period instead of two requests per interval (a test's poller polls every 20 ms:
// most of a test's life is spent idle, and those requests were a large share of the
// package's CPU). Writes by a client this Table did not make are still read within idle.
func (tb Table) PollerStreams(t testing.TB, idle time.Duration) *PollerStreams {
	t.Helper()
	return &PollerStreams{Client: tb.Streams(t), writes: tb.Writes, idle: idle}
}

// PollerStreams: see Table.PollerStreams.
type PollerStreams struct {
	*dynamodbstreams.Client
	writes *Writes
	idle   time.Duration

	mu     sync.Mutex
	read   bool   // a GetRecords has begun since the last DescribeStream
	before uint64 // the write count when the first of them began
}

// DescribeStream waits (see Table.PollerStreams), then lists the stream's shards.
func (s *PollerStreams) DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error) {
	s.mu.Lock()
	read, before := s.read, s.before
	s.read = false
	s.mu.Unlock()
	if read {
		s.writes.Wait(ctx, before, s.idle)
	}
	return s.Client.DescribeStream(ctx, in, opts...)
}

// GetRecords notes the write count before its first read after a listing.
func (s *PollerStreams) GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error) {
	s.mu.Lock()
	if !s.read {
		s.read, s.before = true, s.writes.Count()
	}
	s.mu.Unlock()
	return s.Client.GetRecords(ctx, in, opts...)
}
