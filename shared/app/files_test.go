package app_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"tribune/shared/blob"
	"tribune/shared/store"
)

// testFiles is an S3 bucket served by gofakes3 for one test.
func testFiles(t testing.TB) *blob.Store {
	srv := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server())
	t.Cleanup(srv.Close)
	cfg, err := store.LoadAWSConfig(context.Background(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return blob.New(cfg, "avatars", srv.URL)
}
