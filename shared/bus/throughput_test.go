package bus_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
)

func outboxRecord(i int) events.DynamoDBEventRecord {
	s := events.NewStringAttribute
	return events.DynamoDBEventRecord{EventName: "INSERT", Change: events.DynamoDBStreamRecord{
		SequenceNumber: fmt.Sprintf("1%05d", i),
		NewImage: map[string]events.DynamoDBAttributeValue{bus.OutboxAttrType: s(bus.OutboxType), bus.OutboxAttrEventID: s(fmt.Sprintf("e%d", i)),
			bus.OutboxAttrSource: s(eventtypes.SourceSpaces), bus.OutboxAttrDetailTyp: s(eventtypes.SpaceLeftType),
			bus.OutboxAttrDetail: s(fmt.Sprintf(`{"eventId":"e%d"}`, i)), bus.OutboxAttrTime: s("2026-11-30T08:00:00Z")},
	}}
}

// slowBus takes its time over each put, counts the puts running at once, and refuses
// the events named in refuse.
type slowBus struct {
	running, most atomic.Int32
	mu            sync.Mutex
	got           []string
	refuse        map[string]bool
}

func (b *slowBus) Put(_ context.Context, batch []eventtypes.Envelope) error {
	n := b.running.Add(1)
	defer b.running.Add(-1)
	for m := b.most.Load(); n > m && !b.most.CompareAndSwap(m, n); m = b.most.Load() {
	}
	time.Sleep(50 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	partial := &bus.PartialFailure{}
	for i, env := range batch {
		if b.refuse[env.ID] {
			partial.Failed = append(partial.Failed, i)
			continue
		}
		b.got = append(b.got, env.ID)
	}
	if len(partial.Failed) > 0 {
		return partial
	}
	return nil
}

// A stream batch's events are put several puts at a time, the handler returns only
// once every put has finished, and exactly the refused records are reported, in
// stream order.
func TestPublisherPutsConcurrentlyAndReportsExactlyTheRefused(t *testing.T) {
	var e events.DynamoDBEvent
	for i := range 95 {
		e.Records = append(e.Records, outboxRecord(i))
	}
	b := &slowBus{refuse: map[string]bool{"e3": true, "e71": true}}
	resp, err := bus.Publisher{Bus: b, Concurrency: 4}.HandleStream(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if m := b.most.Load(); m != 4 {
		t.Fatalf("%d puts at once, want 4", m)
	}
	if b.running.Load() != 0 || len(b.got) != 93 {
		t.Fatalf("returned with %d puts running and %d of 93 events put", b.running.Load(), len(b.got))
	}
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	if !slices.Equal(failed, []string{"100003", "100071"}) {
		t.Fatalf("reported %v, want the two refused records", failed)
	}
}

// fakeStream is a one-shard stream holding records, read 1,000 at most at a time.
type fakeStream struct {
	mu      sync.Mutex
	records []st.Record
	reads   int
}

func (f *fakeStream) DescribeStream(context.Context, *dynamodbstreams.DescribeStreamInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error) {
	return &dynamodbstreams.DescribeStreamOutput{StreamDescription: &st.StreamDescription{Shards: []st.Shard{{ShardId: aws.String("shard-1")}}}}, nil
}

func (f *fakeStream) GetShardIterator(_ context.Context, in *dynamodbstreams.GetShardIteratorInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error) {
	return &dynamodbstreams.GetShardIteratorOutput{ShardIterator: aws.String("0")}, nil
}

func (f *fakeStream) GetRecords(_ context.Context, in *dynamodbstreams.GetRecordsInput, _ ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads++
	var from int
	fmt.Sscan(aws.ToString(in.ShardIterator), &from)
	to := min(from+int(aws.ToInt32(in.Limit)), len(f.records))
	return &dynamodbstreams.GetRecordsOutput{Records: f.records[from:to], NextShardIterator: aws.String(fmt.Sprint(to))}, nil
}

// A backlog drains at the speed of the handler: the poller reads again at once while
// a read was full (1,000 records), and waits its interval after a partial read;
// it hands over the outbox inserts only, and checkpoints past the others too.
func TestStreamPollerDrainsABacklogWithoutWaiting(t *testing.T) {
	stream := &fakeStream{}
	for i := range 2500 {
		// Every other record is an event (the others are filtered out, as in AWS).
		img := map[string]st.AttributeValue{bus.OutboxAttrType: &st.AttributeValueMemberS{Value: "Post"}}
		if i%2 == 0 {
			img[bus.OutboxAttrType] = &st.AttributeValueMemberS{Value: bus.OutboxType}
		}
		stream.records = append(stream.records, st.Record{EventName: st.OperationTypeInsert,
			Dynamodb: &st.StreamRecord{SequenceNumber: aws.String(fmt.Sprintf("1%05d", i)), NewImage: img}})
	}
	var handled atomic.Int32
	handler := func(_ context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		handled.Add(int32(len(e.Records)))
		return events.DynamoDBEventResponse{}, nil
	}
	ckpt := &bus.FileCheckpoints{Path: filepath.Join(t.TempDir(), "ckpt.json")}
	poller := &bus.StreamPoller{Streams: stream, StreamARN: "arn", Handler: handler, Checkpoints: ckpt, Interval: time.Hour}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = poller.Run(ctx); close(done) }()
	reads := func() int {
		stream.mu.Lock()
		defer stream.mu.Unlock()
		return stream.reads
	}
	// 2 full reads, then a partial one, after which the poller waits its hour.
	deadline := time.Now().Add(10 * time.Second)
	for reads() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	if n, r := handled.Load(), reads(); n != 1250 || r != 3 {
		t.Fatalf("%d of 1250 events handled in %d reads, want all in 3 reads, then a wait", n, r)
	}
	if got := ckpt.Get("shard-1"); got != "102499" {
		t.Fatalf("checkpoint %s, want the last record", got)
	}
}
