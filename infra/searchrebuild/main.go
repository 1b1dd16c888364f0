// Command searchrebuild rebuilds the search index from the table (issue 15,
// docs/operations.md "Rebuilding the search index"): every post, comment, member, space
// and ticket is read (a Scan filtered on Type: an ops command, never on a request path),
// its document made as the indexer makes it, into a new, empty index; then
//
//   - with -publish, the index is published to the files bucket as a new version
//     (search/index/<version>.tar, then latest.json): the search function loads it
//     within seconds, and the indexer takes it before its next batch;
//   - with -dir DIR, it replaces the local index in DIR (make run stopped first).
//
// Settings: TABLE_NAME, and for -publish AVATAR_BUCKET (the files bucket); the usual
// AWS credentials and region, or DYNAMODB_ENDPOINT and S3_ENDPOINT for a local stack.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"
	"tribune/shared/search/bleveindex"

	"tribune/shared/app"
	"tribune/shared/blob"
	"tribune/shared/config"
	"tribune/shared/store"
)

func main() {
	publish := flag.Bool("publish", false, "publish the rebuilt index to the files bucket (AVATAR_BUCKET) as the newest version")
	dir := flag.String("dir", "", "replace the local index in this folder (e.g. .data/search; stop make run first)")
	flag.Parse()
	if !*publish && *dir == "" {
		log.Fatal("searchrebuild: say where the index goes: -publish, -dir DIR, or both")
	}
	if err := run(context.Background(), *publish, *dir); err != nil {
		log.Fatalf("searchrebuild: %v", err)
	}
}

func run(ctx context.Context, publish bool, dir string) error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	if err := cfg.Require(app.EnvTableName); err != nil {
		return err
	}
	if publish {
		if err := cfg.Require(app.EnvAvatarBucket); err != nil {
			return err
		}
	}
	awsCfg, err := store.LoadAWSConfig(ctx, cfg.DynamoDBEndpoint)
	if err != nil {
		return err
	}
	st := store.New(store.NewDynamoDB(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName)
	work, err := os.MkdirTemp("", "searchrebuild-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	ix, err := bleveindex.Open(filepath.Join(work, "index"))
	if err != nil {
		return err
	}
	defer ix.Close()
	start, last := time.Now(), time.Now()
	done, err := app.RebuildSearch(ctx, st, ix, func(n app.SearchApplied) {
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			fmt.Printf("%d documents, %d absent, %s\n", n.Put, n.Deleted, time.Since(start).Round(time.Second))
		}
	})
	if err != nil {
		return err
	}
	fmt.Printf("rebuilt: %d documents (%d entities without one) in %s\n", done.Put, done.Deleted, time.Since(start).Round(time.Millisecond))
	if publish {
		files := blob.New(awsCfg, cfg.AvatarBucket, cfg.S3Endpoint)
		v, err := app.PublishSearch(ctx, files, ix, work)
		if err != nil {
			return err
		}
		fmt.Printf("published %s (%d bytes)\n", v.Key, v.Bytes)
	}
	if dir != "" {
		snapshot := filepath.Join(work, "snapshot.tar")
		f, err := os.Create(snapshot)
		if err != nil {
			return err
		}
		if err := ix.Snapshot(f); err != nil {
			f.Close()
			return err
		}
		if _, err := f.Seek(0, 0); err != nil {
			f.Close()
			return err
		}
		fresh := dir + ".new"
		_ = os.RemoveAll(fresh)
		restored, err := bleveindex.Restore(f, fresh)
		f.Close()
		if err != nil {
			return err
		}
		if err := restored.Close(); err != nil {
			return err
		}
		old := dir + ".old-" + time.Now().UTC().Format("20060102T150405")
		if _, err := os.Stat(dir); err == nil {
			if err := os.Rename(dir, old); err != nil {
				return err
			}
		}
		if err := os.Rename(fresh, dir); err != nil {
			return err
		}
		fmt.Printf("%s replaced (the old index is in %s: delete it once make run works)\n", dir, old)
	}
	return nil
}
