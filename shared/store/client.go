package store

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
)

// LoadAWSConfig loads the SDK configuration; with a local endpoint it uses fixed
// credentials and region so that no AWS account is involved.
func LoadAWSConfig(ctx context.Context, localEndpoint string) (aws.Config, error) {
	var opts []func(*awsconfig.LoadOptions) error
	if localEndpoint != "" {
		opts = append(opts, awsconfig.WithRegion("us-east-1"),
			awsconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("store.LoadAWSConfig: %w", err)
	}
	return cfg, nil
}

// NewDynamoDB returns a DynamoDB client, pointed at endpoint when it is set.
func NewDynamoDB(cfg aws.Config, endpoint string, extra ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, append([]func(*dynamodb.Options){func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			// DynamoDB Local's error answers carry no CRC32 header.
			o.DisableValidateResponseChecksum = true
		}
	}}, extra...)...)
}

// RoundTrips counts the DynamoDB calls a client makes, to hold requests to their budget.
type RoundTrips struct{ n atomic.Int64 }

// Count returns the calls so far.
func (c *RoundTrips) Count() int64 { return c.n.Load() }

// Reset sets the count to zero.
func (c *RoundTrips) Reset() { c.n.Store(0) }

// Option installs the counting middleware on a client.
func (c *RoundTrips) Option() func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("CountRoundTrips",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					c.n.Add(1)
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	}
}
