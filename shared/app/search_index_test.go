package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"tribune/shared/search/bleveindex"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/search"
	"tribune/shared/spaces"
)

// sqsBatch is what the indexer's queue hands it: each event as an EventBridge rule puts
// it on an SQS queue.
func sqsBatch(t testing.TB, payloads ...eventtypes.Payload) events.SQSEvent {
	t.Helper()
	var ev events.SQSEvent
	for i, p := range payloads {
		env, err := eventtypes.Wrap(p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(bus.ToEventBridgeEvent(env))
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: fmt.Sprint("m", i), Body: string(body)})
	}
	return ev
}

func meta() eventtypes.Meta { return eventtypes.NewMeta(time.Now()) }

// hitsOf searches the published index as a reader of the spaces.
func hitsOf(t *testing.T, r app.SearchReader, text string, spaceIDs ...string) map[string]search.Hit {
	t.Helper()
	res, err := r.Search(context.Background(), search.Query{Text: text, Access: search.Access{Spaces: spaceIDs, ListedSpaces: spaceIDs}})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]search.Hit{}
	for _, h := range res.Hits {
		out[h.ID] = h
	}
	return out
}

// The indexer as it runs in AWS: SQS batches of EventBridge events, each turned into a
// re-read of the table, the index published to S3 (gofakes3) before the batch is
// acknowledged, and the search function loading each new version and swapping it in.
// Create → searchable; move → follows; accept → boosted; hide → gone; duplicates and
// events out of order end where the table is; a cold start restores the newest version.
func TestSearchIndexerPublishesEachBatchAndTheSearchFunctionSwapsIt(t *testing.T) {
	t.Parallel()
	c := newCommunity(t) // no index attached: the local bus's search handlers do nothing here
	ctx := context.Background()
	admin, mod := c.as("ada", policy.RoleAdmin), c.as("mona", policy.RoleModerator)
	alice, bob := c.as("alice"), c.as("bob")
	here := c.space(admin, "Routers", spaces.Public, alice, bob)
	there := c.space(admin, "Networks", spaces.Public, alice, bob)
	q := c.post(alice, here.ID, `{"kind":"question","title":"Resetting the router","body":"How do I reset my router?"}`)
	a := c.comment(bob, q.ID, `{"body":"Unplug the router for ten seconds."}`)

	indexer := app.NewSearchIndexer(bleveindex.Engine{}, c.st, c.files, t.TempDir())
	reader := app.NewSnapshotSearch(bleveindex.Engine{}, c.files, t.TempDir())
	reader.Refresh = 0
	handle := func(payloads ...eventtypes.Payload) {
		t.Helper()
		resp, err := indexer.Handle(ctx, sqsBatch(t, payloads...))
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("batch: %v %+v", err, resp)
		}
	}
	if _, err := reader.Search(ctx, search.Query{Text: "router"}); err == nil {
		t.Fatal("the search function answered before any version was published")
	}

	handle(eventtypes.PostCreated{Meta: meta(), PostID: q.ID}, eventtypes.CommentCreated{Meta: meta(), PostID: q.ID, CommentID: a.ID})
	first := reader.Version()
	hits := hitsOf(t, reader, "router", here.ID, there.ID)
	if _, ok := hits["post:"+q.ID]; !ok || len(hits) != 2 {
		t.Fatalf("after post.created and comment.created: %v", hits)
	}
	before := hits["comment:"+a.ID].Score

	// Moved: the post and its comment are in the new space.
	if status, body := c.call(mod, "POST", "/api/posts/"+q.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, there.ID), nil); status != 200 {
		t.Fatalf("move: %d %s", status, body)
	}
	handle(eventtypes.PostModerated{Meta: meta(), Action: "moved", PostID: q.ID})
	if reader.Version() == first {
		t.Fatal("the search function still searches the first version")
	}
	hits = hitsOf(t, reader, "router", there.ID)
	if hits["post:"+q.ID].SpaceID != there.ID || hits["comment:"+a.ID].SpaceID != there.ID {
		t.Fatalf("after the move: %+v", hits)
	}
	if len(hitsOf(t, reader, "router", here.ID)) != 0 {
		t.Fatal("the moved post is still found in its old space")
	}

	// Accepted: the answer ranks higher than it did.
	if status, body := c.call(alice, "POST", "/api/posts/"+q.ID+"/comments/"+a.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, body)
	}
	handle(eventtypes.AnswerAccepted{Meta: meta(), PostID: q.ID, CommentID: a.ID})
	if after := hitsOf(t, reader, "router", there.ID)["comment:"+a.ID].Score; after <= before {
		t.Fatalf("the accepted answer scores %v, %v before", after, before)
	}

	// Hidden: gone, with its comment. A late post.created, twice, changes nothing: the
	// table says hidden.
	if status, body := c.call(mod, "POST", "/api/posts/"+q.ID+"/hide", `{"reason":"Off topic."}`, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, body)
	}
	hidden := eventtypes.ContentHidden{Meta: meta(), PostID: q.ID}
	handle(hidden)
	handle(eventtypes.PostCreated{Meta: meta(), PostID: q.ID}, hidden, eventtypes.PostCreated{Meta: meta(), PostID: q.ID},
		eventtypes.CommentCreated{Meta: meta(), PostID: q.ID, CommentID: a.ID})
	if hits := hitsOf(t, reader, "router", here.ID, there.ID); len(hits) != 0 {
		t.Fatalf("hidden, then old events again: %v", hits)
	}
	// Restored: back; the hide delivered again late, in the same batch as the restore
	// or after it, changes nothing either.
	if status, body := c.call(mod, "POST", "/api/posts/"+q.ID+"/restore", "", nil); status != 200 {
		t.Fatalf("restore: %d %s", status, body)
	}
	handle(eventtypes.PostModerated{Meta: meta(), Action: "restored", PostID: q.ID}, hidden)
	handle(hidden, hidden)
	if hits := hitsOf(t, reader, "router", there.ID); len(hits) != 2 {
		t.Fatalf("restored, then the hide again: %v", hits)
	}

	// Only the newest versions are kept, and the pointer names the newest.
	keys, err := c.files.List(ctx, "search/index/")
	if err != nil {
		t.Fatal(err)
	}
	var tars []string
	for _, k := range keys {
		if strings.HasSuffix(k, ".tar") {
			tars = append(tars, k)
		}
	}
	if len(tars) != app.SearchVersionsKept || !slices.Contains(keys, "search/index/latest.json") {
		t.Fatalf("versions kept: %v", keys)
	}

	// A cold start (a new container) restores the newest version and goes on from it.
	cold := app.NewSearchIndexer(bleveindex.Engine{}, c.st, c.files, t.TempDir())
	second := c.comment(bob, q.ID, `{"body":"My router has no plug."}`).ID
	if resp, err := cold.Handle(ctx, sqsBatch(t, eventtypes.CommentCreated{Meta: meta(), PostID: q.ID, CommentID: second})); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("cold batch: %v %+v", err, resp)
	}
	if hits := hitsOf(t, reader, "router", there.ID); len(hits) != 3 {
		t.Fatalf("after a cold start: %v", hits)
	}

	// A message that is no event fails alone; the others are applied.
	bad := sqsBatch(t, eventtypes.PostModerated{Meta: meta(), Action: "restored", PostID: q.ID})
	bad.Records = append(bad.Records, events.SQSMessage{MessageId: "junk", Body: "not json"})
	resp, err := cold.Handle(ctx, bad)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "junk" {
		t.Fatalf("a junk message: %v %+v", err, resp)
	}
}

// The ops rebuild reads every searchable item of the table into a new index: the
// visible ones are found, the hidden ones are not, and nothing else is in it.
func TestSearchRebuildFindsWhatTheTableHolds(t *testing.T) {
	t.Parallel()
	c := newCommunity(t) // no index attached: only the rebuild writes one
	admin, mod, alice := c.as("ada", policy.RoleAdmin), c.as("mona", policy.RoleModerator), c.as("alice")
	sp := c.space(admin, "Gardening", spaces.Public, alice)
	kept := c.post(alice, sp.ID, `{"kind":"idea","title":"Compost bins","body":"Let us share compost bins."}`)
	gone := c.post(alice, sp.ID, `{"kind":"discussion","title":"Compost spam","body":"Buy compost."}`)
	answer := c.comment(admin, kept.ID, `{"body":"Compost bins are on order."}`)
	if status, body := c.call(mod, "POST", "/api/posts/"+gone.ID+"/hide", `{"reason":"Spam."}`, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, body)
	}
	ix, err := bleveindex.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	done, err := app.RebuildSearch(context.Background(), c.st, ix, nil)
	if err != nil {
		t.Fatal(err)
	}
	hits := hitsOf(t, ix, "compost", sp.ID)
	if _, ok := hits["post:"+kept.ID]; !ok || len(hits) != 2 || hits["comment:"+answer.ID].PostID != kept.ID {
		t.Fatalf("rebuilt index finds %v", hits)
	}
	res, err := ix.Search(context.Background(), search.Query{Text: "Gardening", Access: search.Access{ListedSpaces: []string{sp.ID}}})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != "space:"+sp.ID {
		t.Fatalf("the space: %+v %v", res, err)
	}
	// Members: ada, mona, alice (members found by name); the hidden post is no document.
	if n, _ := ix.Count(); done.Put != int(n) || done.Deleted < 1 {
		t.Fatalf("rebuild put %d, deleted %d; the index holds %d", done.Put, done.Deleted, n)
	}
}
