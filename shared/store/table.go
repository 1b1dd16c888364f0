// Package store is the single DynamoDB table: its definition (shared by the CDK stack
// and the local runtime), its keys and items, and every access pattern of every domain.
// docs/data-model.md lists them; store_test.go exercises each against DynamoDB Local.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names of the keys and of the expiry every short-lived item carries.
const (
	AttrPK       = "PK"
	AttrSK       = "SK"
	AttrGSI1PK   = "GSI1PK"
	AttrGSI1SK   = "GSI1SK"
	AttrType     = "Type"
	AttrExpires  = "ExpiresAt"
	IndexGSI1    = "GSI1"
	StreamNewImg = "NEW_IMAGE"
)

// GSI is one overloaded global secondary index.
type GSI struct {
	Name, PartitionKey, SortKey string
}

// TableDefinition is the shape of the table. CDK and CreateTable both read it.
type TableDefinition struct {
	PartitionKey string
	SortKey      string
	GSIs         []GSI
	TTLAttribute string
	// StreamView is what the stream carries; the outbox publisher needs new images.
	StreamView string
}

// Table is the one table of Tribune.
var Table = TableDefinition{
	PartitionKey: AttrPK,
	SortKey:      AttrSK,
	GSIs:         []GSI{{IndexGSI1, AttrGSI1PK, AttrGSI1SK}},
	TTLAttribute: AttrExpires,
	StreamView:   StreamNewImg,
}

// CreateTableInput is the CreateTable request for the definition (on-demand billing).
func (d TableDefinition) CreateTableInput(name string) *dynamodb.CreateTableInput {
	attrs := []types.AttributeDefinition{
		{AttributeName: aws.String(d.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
		{AttributeName: aws.String(d.SortKey), AttributeType: types.ScalarAttributeTypeS},
	}
	var gsis []types.GlobalSecondaryIndex
	for _, g := range d.GSIs {
		attrs = append(attrs,
			types.AttributeDefinition{AttributeName: aws.String(g.PartitionKey), AttributeType: types.ScalarAttributeTypeS},
			types.AttributeDefinition{AttributeName: aws.String(g.SortKey), AttributeType: types.ScalarAttributeTypeS})
		gsis = append(gsis, types.GlobalSecondaryIndex{
			IndexName: aws.String(g.Name),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String(g.PartitionKey), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String(g.SortKey), KeyType: types.KeyTypeRange},
			},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: attrs,
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String(d.PartitionKey), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String(d.SortKey), KeyType: types.KeyTypeRange},
		},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            types.BillingModePayPerRequest,
		StreamSpecification:    &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(d.StreamView)},
	}
}

// EnsureTable creates the table (with TTL) unless it exists, and returns its stream ARN.
func EnsureTable(ctx context.Context, db *dynamodb.Client, name string) (string, error) {
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	var missing *types.ResourceNotFoundException
	if errors.As(err, &missing) {
		if _, err := db.CreateTable(ctx, Table.CreateTableInput(name)); err != nil {
			return "", fmt.Errorf("store.EnsureTable %s: %w", name, err)
		}
		waiter := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) { o.MinDelay = 100 * time.Millisecond })
		if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
			return "", fmt.Errorf("store.EnsureTable %s: %w", name, err)
		}
		if _, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(Table.TTLAttribute), Enabled: aws.Bool(true)}}); err != nil {
			return "", fmt.Errorf("store.EnsureTable %s ttl: %w", name, err)
		}
		desc, err = db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	}
	if err != nil {
		return "", fmt.Errorf("store.EnsureTable %s: %w", name, err)
	}
	return aws.ToString(desc.Table.LatestStreamArn), nil
}
