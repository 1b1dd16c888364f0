package dynamolocal

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// CommitBarrier is a DynamoDB client option for DynamoDB Local: once a
// TransactWriteItems succeeds, the call returns only after the transaction is
// committed.
//
// DynamoDB Local 1.25.1 queues a transaction's COMMIT on its single SQLite thread and
// answers without waiting for it (SQLiteDBAccess.commitTransaction), so the JVM killed
// right after the answer loses an acknowledged transaction
// (TestDynamoDBLocalLosesAnAcknowledgedTransactionOnKill). Every read waits for its
// job on the same FIFO thread, so one consistent GetItem issued after the answer
// returns only once the COMMIT has run. probe is a client without this option; key is
// any key of the table (it need not exist). The cost is one read per transaction,
// locally only.
func CommitBarrier(probe *dynamodb.Client, key map[string]types.AttributeValue) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("DynamoDBLocalCommitBarrier",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					out, md, err := next.HandleInitialize(ctx, in)
					tx, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput)
					if err != nil || !ok {
						return out, md, err
					}
					if table := firstTable(tx); table != "" {
						if _, perr := probe.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)}); perr != nil {
							// Committed or not, the caller must not take it as durable yet.
							return out, md, fmt.Errorf("dynamolocal: waiting for the commit: %w", perr)
						}
					}
					return out, md, nil
				}), middleware.After)
		})
	}
}

func firstTable(in *dynamodb.TransactWriteItemsInput) string {
	for _, it := range in.TransactItems {
		switch {
		case it.Put != nil:
			return aws.ToString(it.Put.TableName)
		case it.Update != nil:
			return aws.ToString(it.Update.TableName)
		case it.Delete != nil:
			return aws.ToString(it.Delete.TableName)
		case it.ConditionCheck != nil:
			return aws.ToString(it.ConditionCheck.TableName)
		}
	}
	return ""
}
