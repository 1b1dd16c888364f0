// Package dynamotest gives each test its own table in one DynamoDB Local per test binary.
package dynamotest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/store"
	"tribune/shared/store/dynamolocal"
)

var endpoint string

// Main starts DynamoDB Local, runs the tests and stops it. Use it from TestMain.
func Main(m *testing.M) int {
	p, err := dynamolocal.Start(context.Background(), dynamolocal.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dynamotest:", err)
		return 1
	}
	defer p.Stop()
	endpoint = p.Endpoint
	return m.Run()
}

// Endpoint is the running DynamoDB Local.
func Endpoint() string { return endpoint }

// Table is a fresh table for one test.
type Table struct {
	Name      string
	DB        *dynamodb.Client
	StreamARN string
	Trips     *store.RoundTrips
}

// NewTable creates a table for t (dropped when t ends) and a client that counts its calls.
func NewTable(t testing.TB) Table {
	t.Helper()
	if endpoint == "" {
		t.Fatal("dynamotest: call dynamotest.Main from TestMain")
	}
	ctx := context.Background()
	cfg, err := store.LoadAWSConfig(ctx, endpoint)
	if err != nil {
		t.Fatal(err)
	}
	trips := &store.RoundTrips{}
	// Tests run in parallel on one DynamoDB Local, whose tables share one database: on a
	// loaded machine a transaction can time out waiting for its lock (500, "This request
	// will succeed in actual DynamoDB API"). More attempts than the SDK's 3 ride that out;
	// RoundTrips counts operations, not attempts, so budgets are unchanged.
	db := store.NewDynamoDB(cfg, endpoint, trips.Option(), func(o *dynamodb.Options) { o.RetryMaxAttempts = 10 })
	name := "t-" + strings.ToLower(rand.Text()[:12])
	arn, err := store.EnsureTable(ctx, db, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name})
	})
	trips.Reset()
	return Table{Name: name, DB: db, StreamARN: arn, Trips: trips}
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
