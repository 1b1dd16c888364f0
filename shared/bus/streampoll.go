package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	st "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// StreamHandler is the publisher function's Lambda handler.
type StreamHandler func(context.Context, events.DynamoDBEvent) (events.DynamoDBEventResponse, error)

// StreamsAPI is the part of the DynamoDB Streams client the poller uses.
type StreamsAPI interface {
	DescribeStream(context.Context, *dynamodbstreams.DescribeStreamInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(context.Context, *dynamodbstreams.GetShardIteratorInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(context.Context, *dynamodbstreams.GetRecordsInput, ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

// StreamPoller does locally what Lambda's event source mapping does in AWS: it reads
// the table's stream shard by shard, hands each batch to the publisher in the same
// events.DynamoDBEvent shape, and moves its checkpoint past a record only once the
// handler has returned without reporting it failed (with bus.Local behind the
// publisher, once every consumer has finished with it). A crash loses nothing: the
// next poller resumes after the checkpoint, and DynamoDB Local keeps shard ids and
// sequence numbers across restarts, so the checkpoint still applies.
type StreamPoller struct {
	Streams     StreamsAPI
	StreamARN   string
	Handler     StreamHandler
	Checkpoints *FileCheckpoints
	Interval    time.Duration
	// Filter picks the records the handler gets, as an event source mapping's filter
	// does in AWS; nil is OutboxInserts.
	Filter func(st.Record) bool
}

// Run polls until ctx ends. After a full read (recordsPerRead records: a backlog) it
// reads again at once, so a backlog drains at the speed of the handler, not of the
// interval; after a partial read it waits Interval, so a caught-up poller does not
// spin on GetRecords.
func (p *StreamPoller) Run(ctx context.Context) error {
	iterators := map[string]*string{}
	finished := map[string]bool{}
	var shards []st.Shard
	for {
		var busy bool
		var err error
		if shards == nil {
			shards, err = p.shards(ctx)
		}
		if err == nil {
			busy, err = p.pollOnce(ctx, shards, iterators, finished)
		}
		if err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "stream poll failed", "err", err.Error())
		}
		if !busy || err != nil {
			shards = nil // shards are listed again after an idle pass: new ones appear
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(p.Interval):
			}
		} else if ctx.Err() != nil {
			return nil
		}
	}
}

// recordsPerRead is the most records GetRecords returns (DynamoDB Streams' limit).
const recordsPerRead = 1000

// pollOnce reads each shard once; busy reports whether a read was full and handled.
func (p *StreamPoller) pollOnce(ctx context.Context, shards []st.Shard, iterators map[string]*string, finished map[string]bool) (busy bool, err error) {
	for _, sh := range shards {
		id := aws.ToString(sh.ShardId)
		if finished[id] {
			continue
		}
		if iterators[id] == nil {
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(p.StreamARN), ShardId: sh.ShardId, ShardIteratorType: st.ShardIteratorTypeTrimHorizon}
			if seq := p.Checkpoints.Get(id); seq != "" {
				in.ShardIteratorType, in.SequenceNumber = st.ShardIteratorTypeAfterSequenceNumber, aws.String(seq)
			}
			out, err := p.Streams.GetShardIterator(ctx, in)
			if err != nil {
				return busy, fmt.Errorf("bus.StreamPoller shard %s iterator: %w", id, err)
			}
			iterators[id] = out.ShardIterator
		}
		out, err := p.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iterators[id], Limit: aws.Int32(recordsPerRead)})
		if err != nil {
			iterators[id] = nil
			return busy, fmt.Errorf("bus.StreamPoller shard %s records: %w", id, err)
		}
		if len(out.Records) > 0 {
			done, err := p.handle(ctx, id, out.Records)
			if err != nil || !done {
				// Re-read from the checkpoint next time, as Lambda retries a failed batch.
				iterators[id] = nil
				if err != nil {
					return busy, err
				}
				continue
			}
			// A failed batch is read again after Interval, not at once.
			busy = busy || len(out.Records) == recordsPerRead
		}
		iterators[id] = out.NextShardIterator
		if out.NextShardIterator == nil {
			finished[id] = true
		}
	}
	return busy, nil
}

func (p *StreamPoller) shards(ctx context.Context) ([]st.Shard, error) {
	var shards []st.Shard
	in := &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(p.StreamARN)}
	for {
		out, err := p.Streams.DescribeStream(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("bus.StreamPoller describe: %w", err)
		}
		shards = append(shards, out.StreamDescription.Shards...)
		if out.StreamDescription.LastEvaluatedShardId == nil {
			return shards, nil
		}
		in.ExclusiveStartShardId = out.StreamDescription.LastEvaluatedShardId
	}
}

// handle runs the handler and checkpoints; done is false when a record failed.
func (p *StreamPoller) handle(ctx context.Context, shardID string, recs []st.Record) (bool, error) {
	keep := p.Filter
	if keep == nil {
		keep = OutboxInserts
	}
	var evt events.DynamoDBEvent
	for _, r := range recs {
		if keep(r) {
			evt.Records = append(evt.Records, toLambdaRecord(p.StreamARN, r))
		}
	}
	failed := map[string]bool{}
	if len(evt.Records) > 0 {
		resp, err := p.Handler(ctx, evt)
		if err != nil {
			return false, fmt.Errorf("bus.StreamPoller handler: %w", err)
		}
		for _, f := range resp.BatchItemFailures {
			failed[f.ItemIdentifier] = true
		}
	}
	// The checkpoint moves past the records filtered out too, up to the first failure.
	last := ""
	for _, r := range recs {
		seq := ""
		if r.Dynamodb != nil {
			seq = aws.ToString(r.Dynamodb.SequenceNumber)
		}
		if failed[seq] {
			break
		}
		last = seq
	}
	if last != "" {
		if err := p.Checkpoints.Set(shardID, last); err != nil {
			return false, err
		}
	}
	return len(failed) == 0, nil
}

// OutboxInserts is the filter of the publisher's event source mapping in the CDK stack
// (INSERTs of items of Type Outbox): the poller's default, so the local publisher, like
// the Lambda one, sees only events, and the other ~19 records a post writes (its
// items, home-stream entries, counters) cost no conversion.
func OutboxInserts(r st.Record) bool {
	if r.EventName != st.OperationTypeInsert || r.Dynamodb == nil {
		return false
	}
	t, ok := r.Dynamodb.NewImage[OutboxAttrType].(*st.AttributeValueMemberS)
	return ok && t.Value == OutboxType
}

func toLambdaRecord(arn string, r st.Record) events.DynamoDBEventRecord {
	out := events.DynamoDBEventRecord{
		EventID: aws.ToString(r.EventID), EventName: string(r.EventName), EventSource: "aws:dynamodb",
		EventVersion: aws.ToString(r.EventVersion), EventSourceArn: arn, AWSRegion: aws.ToString(r.AwsRegion),
	}
	if d := r.Dynamodb; d != nil {
		out.Change = events.DynamoDBStreamRecord{
			Keys: toLambdaImage(d.Keys), NewImage: toLambdaImage(d.NewImage), OldImage: toLambdaImage(d.OldImage),
			SequenceNumber: aws.ToString(d.SequenceNumber), StreamViewType: string(d.StreamViewType),
			SizeBytes: aws.ToInt64(d.SizeBytes),
		}
		if d.ApproximateCreationDateTime != nil {
			out.Change.ApproximateCreationDateTime = events.SecondsEpochTime{Time: *d.ApproximateCreationDateTime}
		}
	}
	return out
}

func toLambdaImage(img map[string]st.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if img == nil {
		return nil
	}
	out := make(map[string]events.DynamoDBAttributeValue, len(img))
	for k, v := range img {
		out[k] = toLambdaValue(v)
	}
	return out
}

func toLambdaValue(v st.AttributeValue) events.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *st.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *st.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *st.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *st.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *st.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *st.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *st.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *st.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = toLambdaValue(e)
		}
		return events.NewListAttribute(l)
	case *st.AttributeValueMemberM:
		return events.NewMapAttribute(toLambdaImage(v.Value))
	default:
		return events.NewNullAttribute()
	}
}

// FileCheckpoints keeps the last handled sequence number of each shard in a JSON file.
type FileCheckpoints struct {
	Path string
	mu   sync.Mutex
	seqs map[string]string
}

// Get returns the checkpoint of a shard, or "" to start at its beginning.
func (c *FileCheckpoints) Get(shard string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.load()
	return c.seqs[shard]
}

// Set records that shard was handled up to seq, durably.
func (c *FileCheckpoints) Set(shard, seq string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.load()
	if old, ok := c.seqs[shard]; ok && seqLess(seq, old) {
		return nil
	}
	c.seqs[shard] = seq
	b, _ := json.Marshal(c.seqs)
	if err := writeFileDurable(c.Path, b); err != nil {
		return fmt.Errorf("bus.FileCheckpoints: %w", err)
	}
	return nil
}

// writeFileDurable replaces path with data so that a crash of the process or of the
// machine leaves either the old file or the new one, whole: written to a temporary
// file, synced, renamed into place, and the directory synced.
func writeFileDurable(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func (c *FileCheckpoints) load() {
	if c.seqs != nil {
		return
	}
	c.seqs = map[string]string{}
	b, err := os.ReadFile(c.Path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			slog.Warn("stream checkpoints unreadable; starting over", "err", err.Error())
		}
		return
	}
	_ = json.Unmarshal(b, &c.seqs)
}

// seqLess compares stream sequence numbers, which are decimal strings.
func seqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}
