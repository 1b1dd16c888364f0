package blob

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"tribune/shared/errs"
)

// Functions that keep files of their own (the search index's versions, issue 15) put
// and get them directly, not through presigned URLs.

// PutFile uploads body to key (one PutObject: up to 5 GB; the body is seekable, so the
// SDK knows its length and signs its checksum).
func (s *Store) PutFile(ctx context.Context, key, contentType string, body io.ReadSeeker) error {
	if _, err := s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key),
		ContentType: aws.String(contentType), Body: body}); err != nil {
		return fmt.Errorf("blob.PutFile %s: %w", key, err)
	}
	return nil
}

// GetFile opens key for reading (the caller closes it); a missing object wraps
// errs.ErrNotFound.
func (s *Store) GetFile(ctx context.Context, key string) (io.ReadCloser, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)})
	var missing *types.NoSuchKey
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("blob.GetFile %s: %w", key, errs.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("blob.GetFile %s: %w", key, err)
	}
	return out.Body, nil
}
