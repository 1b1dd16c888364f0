// Package dynamotest gives each test its own table on one of a few DynamoDB Local
// servers per test binary.
//
// Why a few: DynamoDB Local serves one shared in-memory database per process and runs
// close to one core; a test binary of a few hundred parallel tests on one server was
// bound by that one process (measured: 88 % of a core, the machine half idle, shared/app
// past 30 minutes). Tables are spread round-robin over the servers.
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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

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
		wg.Go(func() { procs[i], errs[i] = dynamolocal.Start(context.Background(), dynamolocal.Options{}) })
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
	Endpoint  string
	DB        *dynamodb.Client
	StreamARN string
	Trips     *store.RoundTrips
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
	tb := Table{Endpoint: endpoint, Trips: trips}
	db := tb.Client(t, trips.Option())
	name := "t-" + strings.ToLower(rand.Text()[:12])
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
// Tests run in parallel on a server whose tables share one database: on a loaded machine
// a transaction can time out waiting for its lock (500, "This request will succeed in
// actual DynamoDB API"). More attempts than the SDK's 3 ride that out, and no client-side
// retry quota (the SDK's token bucket would answer "retry quota exceeded" at once after
// a burst of such errors); RoundTrips counts operations, not attempts, so budgets are
// unchanged.
func (tb Table) Client(t testing.TB, opts ...func(*dynamodb.Options)) *dynamodb.Client {
	t.Helper()
	cfg, err := store.LoadAWSConfig(context.Background(), tb.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]func(*dynamodb.Options){func(o *dynamodb.Options) {
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) { so.MaxAttempts, so.RateLimiter = 10, ratelimit.None })
	}}, opts...)
	return store.NewDynamoDB(cfg, tb.Endpoint, opts...)
}

// Streams is a DynamoDB Streams client of the table's server.
func (tb Table) Streams(t testing.TB) *dynamodbstreams.Client {
	t.Helper()
	cfg, err := store.LoadAWSConfig(context.Background(), tb.Endpoint)
	if err != nil {
		t.Fatal(err)
	}
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
