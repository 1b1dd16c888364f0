package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/logx"
	"tribune/shared/queue"
	"tribune/shared/search"
	"tribune/shared/store"
)

// The search indexer (issue 15, docs/search.md). Every event it registers is turned
// into "re-read entity X from the table and put or delete its document": the event's
// payload says only which entities changed, never what they hold, so a duplicate or a
// late event is harmless (the table is read as it is when the event is applied).

// ConsumerSearch is the routing table's consumer of the search indexer.
const ConsumerSearch = "searchindex"

// The index's versions in the files bucket: search/index/<version>.tar, and the pointer
// to the newest, written last (a reader never sees a pointer to a missing version).
const (
	SearchPrefix       = "search/"
	searchIndexPrefix  = SearchPrefix + "index/"
	searchLatestKey    = searchIndexPrefix + "latest.json"
	SearchVersionsKept = 3
	// SearchRefresh is how often at most the search function looks for a newer version.
	SearchRefresh = 5 * time.Second
)

// searchIndexes are the indexes attached to tables in this process: the local runtime
// and tests attach the one the routes read and the consumers write (AttachSearch); the
// Lambda functions attach theirs at start. A table with none has no search (the
// indexer's handlers do nothing, the routes answer 503).
var searchIndexes sync.Map // *store.Store → *attachedIndex

// attachedIndex is an index and the lock that makes its writers take turns: each
// application reads the table and writes the index under it, so the last to apply read
// the table last.
type attachedIndex struct {
	mu sync.Mutex
	ix search.Index
}

// AttachSearch makes ix the search index of the table st: the search routes read it and
// the indexer's handlers write it (locally: make run, tests).
func AttachSearch(st *store.Store, ix search.Index) { searchIndexes.Store(st, &attachedIndex{ix: ix}) }

// DetachSearch removes st's index (it is not closed).
func DetachSearch(st *store.Store) { searchIndexes.Delete(st) }

func attachedSearch(st *store.Store) *attachedIndex {
	if st == nil {
		return nil
	}
	if a, ok := searchIndexes.Load(st); ok {
		return a.(*attachedIndex)
	}
	return nil
}

// searchTouch is one entity to re-read; Comments adds every comment of a post (it moved,
// was hidden, deleted or restored: its comments follow it).
type searchTouch struct {
	Ref      store.SearchRef
	Comments bool
}

func postTouch(id string, comments bool) searchTouch {
	return searchTouch{Ref: store.SearchRef{Kind: store.SearchPost, ID: id}, Comments: comments}
}

func commentTouch(postID, id string) searchTouch {
	return searchTouch{Ref: store.SearchRef{Kind: store.SearchComment, ID: id, PostID: postID}}
}

func memberTouch(id string) searchTouch {
	return searchTouch{Ref: store.SearchRef{Kind: store.SearchMember, ID: id}}
}

func ticketTouch(id string) searchTouch {
	return searchTouch{Ref: store.SearchRef{Kind: store.SearchTicket, ID: id}}
}

// touchBatch gathers the entities of a batch of events (the SQS path): the handlers add
// to it instead of applying, and the batch is applied once.
type touchBatch struct {
	mu      sync.Mutex
	touches []searchTouch
}

type touchBatchKey struct{}

func (b *touchBatch) add(ts ...searchTouch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.touches = append(b.touches, ts...)
}

// searchIndexer is the indexer's event handlers (consumers.go registers them).
type searchIndexer struct{ st *store.Store }

// touch re-reads the entities and applies them to the table's index now, or adds them
// to the batch being gathered.
func (x searchIndexer) touch(ctx context.Context, ts ...searchTouch) error {
	if b, ok := ctx.Value(touchBatchKey{}).(*touchBatch); ok {
		b.add(ts...)
		return nil
	}
	a := attachedSearch(x.st)
	if a == nil {
		return nil
	}
	_, err := applySearch(ctx, x.st, a, ts)
	return err
}

func (x searchIndexer) OnPostCreated(ctx context.Context, e eventtypes.PostCreated) error {
	return x.touch(ctx, postTouch(e.PostID, false))
}

func (x searchIndexer) OnPostUpdated(ctx context.Context, e eventtypes.PostUpdated) error {
	return x.touch(ctx, postTouch(e.PostID, false))
}

// OnPostModerated: hidden, restored, deleted or moved: the post and its comments (they
// are in its space, and gone with it).
func (x searchIndexer) OnPostModerated(ctx context.Context, e eventtypes.PostModerated) error {
	return x.touch(ctx, postTouch(e.PostID, true))
}

func (x searchIndexer) OnCommentCreated(ctx context.Context, e eventtypes.CommentCreated) error {
	return x.touch(ctx, commentTouch(e.PostID, e.CommentID))
}

func (x searchIndexer) OnCommentDeleted(ctx context.Context, e eventtypes.CommentDeleted) error {
	return x.touch(ctx, commentTouch(e.PostID, e.CommentID))
}

// OnAnswerAccepted: the question is solved, the answer accepted, the previous one no
// longer.
// OnCommentUpdated: its text edited, or shown again after being hidden.
func (x searchIndexer) OnCommentUpdated(ctx context.Context, e eventtypes.CommentUpdated) error {
	return x.touch(ctx, commentTouch(e.PostID, e.CommentID))
}

func (x searchIndexer) OnAnswerAccepted(ctx context.Context, e eventtypes.AnswerAccepted) error {
	ts := []searchTouch{postTouch(e.PostID, false), commentTouch(e.PostID, e.CommentID)}
	if e.PreviousAnswer != "" {
		ts = append(ts, commentTouch(e.PostID, e.PreviousAnswer))
	}
	return x.touch(ctx, ts...)
}

func (x searchIndexer) OnContentHidden(ctx context.Context, e eventtypes.ContentHidden) error {
	if e.CommentID != "" {
		// A hidden accepted answer no longer answers: its question is unsolved again.
		return x.touch(ctx, commentTouch(e.PostID, e.CommentID), postTouch(e.PostID, false))
	}
	return x.touch(ctx, postTouch(e.PostID, true))
}

func (x searchIndexer) OnIdeaStatusChanged(ctx context.Context, e eventtypes.IdeaStatusChanged) error {
	return x.touch(ctx, postTouch(e.PostID, false))
}

func (x searchIndexer) OnMemberRegistered(ctx context.Context, e eventtypes.MemberRegistered) error {
	return x.touch(ctx, memberTouch(e.MemberID))
}

func (x searchIndexer) OnMemberDeleted(ctx context.Context, e eventtypes.MemberDeleted) error {
	return x.touch(ctx, memberTouch(e.MemberID))
}

// OnMemberRolesChanged: a member's document carries their staff role (and a ban takes
// them out of it).
func (x searchIndexer) OnMemberRolesChanged(ctx context.Context, e eventtypes.MemberRolesChanged) error {
	return x.touch(ctx, memberTouch(e.MemberID))
}

// OnMemberProfileUpdated: their name, bio or expertise changed.
func (x searchIndexer) OnMemberProfileUpdated(ctx context.Context, e eventtypes.MemberProfileUpdated) error {
	return x.touch(ctx, memberTouch(e.MemberID))
}

// OnSpaceCreated: the space's name and description (who may see it is decided when
// searching, so a change of visibility needs no event).
func (x searchIndexer) OnSpaceCreated(ctx context.Context, e eventtypes.SpaceCreated) error {
	return x.touch(ctx, searchTouch{Ref: store.SearchRef{Kind: store.SearchSpace, ID: e.SpaceID}})
}

// OnArticlePublished and OnArticleUpdated: a knowledge-base article, re-read (published:
// its document; unpublished: none). Issue 16.
func (x searchIndexer) OnArticlePublished(ctx context.Context, e eventtypes.ArticlePublished) error {
	return x.touch(ctx, searchTouch{Ref: store.SearchRef{Kind: store.SearchArticle, ID: e.ArticleID}})
}

func (x searchIndexer) OnArticleUpdated(ctx context.Context, e eventtypes.ArticleUpdated) error {
	return x.touch(ctx, searchTouch{Ref: store.SearchRef{Kind: store.SearchArticle, ID: e.ArticleID}})
}

// OnDocumentUploaded: a space's document, new or in a new version (issue 16).
func (x searchIndexer) OnDocumentUploaded(ctx context.Context, e eventtypes.DocumentUploaded) error {
	return x.touch(ctx, searchTouch{Ref: store.SearchRef{Kind: store.SearchDocument, ID: e.DocumentID}})
}

// OnDocumentDeleted: its entry goes (the re-read finds it absent).
func (x searchIndexer) OnDocumentDeleted(ctx context.Context, e eventtypes.DocumentDeleted) error {
	return x.touch(ctx, searchTouch{Ref: store.SearchRef{Kind: store.SearchDocument, ID: e.DocumentID}})
}

func (x searchIndexer) OnTicketOpened(ctx context.Context, e eventtypes.TicketOpened) error {
	return x.touch(ctx, ticketTouch(e.TicketID))
}

func (x searchIndexer) OnTicketReplied(ctx context.Context, e eventtypes.TicketReplied) error {
	return x.touch(ctx, ticketTouch(e.TicketID))
}

func (x searchIndexer) OnTicketStatusChanged(ctx context.Context, e eventtypes.TicketStatusChanged) error {
	return x.touch(ctx, ticketTouch(e.TicketID))
}

// SearchApplied counts what one application did.
type SearchApplied struct {
	Put, Deleted int
}

// applySearch re-reads every entity of ts from the table and puts or deletes its
// document, under the index's lock (writers take turns: whoever applies last read the
// table last, so the index ends as the table is).
func applySearch(ctx context.Context, st *store.Store, a *attachedIndex, ts []searchTouch) (SearchApplied, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return applySearchLocked(ctx, st, a.ix, ts)
}

func applySearchLocked(ctx context.Context, st *store.Store, ix search.Index, ts []searchTouch) (SearchApplied, error) {
	seen := map[string]bool{}
	var refs []store.SearchRef
	add := func(r store.SearchRef) {
		if id := r.DocID(); !seen[id] {
			seen[id] = true
			refs = append(refs, r)
		}
	}
	for _, t := range ts {
		add(t.Ref)
		if t.Comments {
			comments, err := st.PostCommentRefs(ctx, t.Ref.ID)
			if err != nil {
				return SearchApplied{}, fmt.Errorf("app.applySearch: %w", err)
			}
			for _, c := range comments {
				add(c)
			}
		}
	}
	if len(refs) == 0 {
		return SearchApplied{}, nil
	}
	docs, err := st.SearchDocs(ctx, refs)
	if err != nil {
		return SearchApplied{}, fmt.Errorf("app.applySearch: %w", err)
	}
	if len(docs.Docs) > 0 {
		if err := ix.Put(docs.Docs...); err != nil {
			return SearchApplied{}, fmt.Errorf("app.applySearch: %w", err)
		}
	}
	if len(docs.Absent) > 0 {
		if err := ix.Delete(docs.Absent...); err != nil {
			return SearchApplied{}, fmt.Errorf("app.applySearch: %w", err)
		}
	}
	return SearchApplied{Put: len(docs.Docs), Deleted: len(docs.Absent)}, nil
}

// RebuildSearch puts every entity of the table into ix (the ops rebuild, locally and
// against AWS): the table's searchable items a page at a time (store.EachSearchRef),
// each re-read and put, or deleted if absent. Documents of entities no longer in the
// table are not visited: rebuild into a new, empty index (infra/searchrebuild does).
func RebuildSearch(ctx context.Context, st *store.Store, ix search.Index, progress func(SearchApplied)) (SearchApplied, error) {
	var total SearchApplied
	err := st.EachSearchRef(ctx, func(refs []store.SearchRef) error {
		for start := 0; start < len(refs); start += 200 {
			ts := make([]searchTouch, 0, 200)
			for _, r := range refs[start:min(start+200, len(refs))] {
				ts = append(ts, searchTouch{Ref: r})
			}
			var done SearchApplied
			var err error
			if a := attachedSearch(st); a != nil && a.ix == ix {
				// Events applied meanwhile take turns with the rebuild.
				done, err = applySearch(ctx, st, a, ts)
			} else {
				done, err = applySearchLocked(ctx, st, ix, ts)
			}
			if err != nil {
				return err
			}
			total.Put, total.Deleted = total.Put+done.Put, total.Deleted+done.Deleted
			if progress != nil {
				progress(total)
			}
		}
		return nil
	})
	return total, err
}

// ---- The index's versions in S3 ----

// SearchFiles is the part of the files bucket the index's versions use (blob.Store).
type SearchFiles interface {
	PutFile(ctx context.Context, key, contentType string, body io.ReadSeeker) error
	// GetFile opens an object; a missing one wraps errs.ErrNotFound.
	GetFile(ctx context.Context, key string) (io.ReadCloser, error)
	List(ctx context.Context, prefix string) ([]string, error)
	Delete(ctx context.Context, key string) error
}

// SearchVersion is what search/index/latest.json says: the newest version's key.
type SearchVersion struct {
	Version   string    `json:"version"`
	Key       string    `json:"key"`
	Docs      uint64    `json:"docs"`
	Bytes     int64     `json:"bytes"`
	Published time.Time `json:"published"`
}

// PublishSearch writes a snapshot of ix to the bucket as a new version, then the pointer
// to it, then deletes all but the newest SearchVersionsKept versions. tmp is a folder for
// the snapshot file (/tmp in Lambda).
func PublishSearch(ctx context.Context, files SearchFiles, ix search.Index, tmp string) (SearchVersion, error) {
	f, err := os.CreateTemp(tmp, "snapshot-*.tar")
	if err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if err := ix.Snapshot(f); err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	count, err := ix.Count()
	if err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	// Versions sort by their name: the publisher is one (reserved concurrency 1), and
	// the time has nanoseconds.
	now := time.Now().UTC()
	v := SearchVersion{Version: now.Format("20060102T150405.000000000Z"), Docs: count, Bytes: size, Published: now}
	v.Key = searchIndexPrefix + v.Version + ".tar"
	if err := files.PutFile(ctx, v.Key, "application/x-tar", f); err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	pointer, _ := json.Marshal(v)
	if err := files.PutFile(ctx, searchLatestKey, "application/json", strings.NewReader(string(pointer))); err != nil {
		return SearchVersion{}, fmt.Errorf("app.PublishSearch: %w", err)
	}
	keys, err := files.List(ctx, searchIndexPrefix)
	if err != nil {
		return v, fmt.Errorf("app.PublishSearch: %w", err)
	}
	var versions []string
	for _, k := range keys {
		if strings.HasSuffix(k, ".tar") {
			versions = append(versions, k)
		}
	}
	slices.Sort(versions)
	for _, k := range versions[:max(0, len(versions)-SearchVersionsKept)] {
		if err := files.Delete(ctx, k); err != nil {
			return v, fmt.Errorf("app.PublishSearch: %w", err)
		}
	}
	return v, nil
}

// LatestSearch reads the pointer to the newest version (ok false: none published yet).
func LatestSearch(ctx context.Context, files SearchFiles) (SearchVersion, bool, error) {
	r, err := files.GetFile(ctx, searchLatestKey)
	if errors.Is(err, errs.ErrNotFound) {
		return SearchVersion{}, false, nil
	}
	if err != nil {
		return SearchVersion{}, false, fmt.Errorf("app.LatestSearch: %w", err)
	}
	defer r.Close()
	var v SearchVersion
	if err := json.NewDecoder(io.LimitReader(r, 1<<16)).Decode(&v); err != nil || !strings.HasPrefix(v.Key, searchIndexPrefix) {
		return SearchVersion{}, false, fmt.Errorf("app.LatestSearch: %s is not a version pointer", searchLatestKey)
	}
	return v, true, nil
}

// RestoreSearch downloads a version into a new folder under dir and opens it.
func RestoreSearch(ctx context.Context, engine search.Engine, files SearchFiles, v SearchVersion, dir string) (search.Index, string, error) {
	r, err := files.GetFile(ctx, v.Key)
	if err != nil {
		return nil, "", fmt.Errorf("app.RestoreSearch %s: %w", v.Version, err)
	}
	defer r.Close()
	into := filepath.Join(dir, "v-"+v.Version)
	_ = os.RemoveAll(into)
	ix, err := engine.Restore(r, into)
	if err != nil {
		_ = os.RemoveAll(into)
		return nil, "", fmt.Errorf("app.RestoreSearch %s: %w", v.Version, err)
	}
	return ix, into, nil
}

// ---- The indexer function (AWS): SQS batches of EventBridge events ----

// SearchIndexer is the indexer as its Lambda runs it: the index in /tmp while warm,
// restored from the newest version on a cold start, published after every batch.
type SearchIndexer struct {
	// Engine opens and restores the index (bleveindex.Engine).
	Engine search.Engine
	Store  *store.Store
	Files  SearchFiles
	// Dir is the working folder (/tmp/search in Lambda).
	Dir string

	handlers map[string]bus.Handler
	index    *attachedIndex
	// loaded is the version the index in Dir is (restored or published last): when the
	// pointer names another (the ops rebuild published one), that one is loaded first.
	loaded string
	dir    string
}

// NewSearchIndexer is the indexer of st's events, publishing to files, working in dir.
func NewSearchIndexer(engine search.Engine, st *store.Store, files SearchFiles, dir string) *SearchIndexer {
	return &SearchIndexer{Engine: engine, Store: st, Files: files, Dir: dir, handlers: Handlers(config.Config{}, st, nil, nil)[ConsumerSearch]}
}

// open restores the newest published version, or starts an empty index when there is
// none (the ops rebuild fills it: docs/operations.md).
func (x *SearchIndexer) open(ctx context.Context) (*attachedIndex, error) {
	if err := os.MkdirAll(x.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("app.SearchIndexer: %w", err)
	}
	// One small GET a batch: the version in /tmp is still the newest, unless the ops
	// rebuild published another meanwhile.
	v, ok, err := LatestSearch(ctx, x.Files)
	if err != nil {
		return nil, err
	}
	if x.index != nil && (!ok || v.Version == x.loaded) {
		return x.index, nil
	}
	var ix search.Index
	var dir string
	if ok {
		ix, dir, err = RestoreSearch(ctx, x.Engine, x.Files, v, x.Dir)
	} else {
		dir = filepath.Join(x.Dir, "empty")
		ix, err = x.Engine.Open(dir)
	}
	if err != nil {
		return nil, err
	}
	if x.index != nil {
		_ = x.index.ix.Close()
		_ = os.RemoveAll(x.dir)
	}
	x.index, x.loaded, x.dir = &attachedIndex{ix: ix}, v.Version, dir
	AttachSearch(x.Store, ix)
	return x.index, nil
}

// Handle is the Lambda handler: it decodes each message (an EventBridge event, as a rule
// puts it on the queue), gathers the entities the events name, applies them once, and
// publishes the index before answering: a crash before the publish leaves the messages
// on the queue, delivered again. A message that is no event is reported failed alone
// (it ends in the dead-letter queue); any other failure fails the whole batch.
func (x *SearchIndexer) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	batch := &touchBatch{}
	gather := context.WithValue(ctx, touchBatchKey{}, batch)
	seen := map[string]bool{}
	for _, m := range ev.Records {
		var e events.EventBridgeEvent
		if err := json.Unmarshal([]byte(m.Body), &e); err != nil || e.DetailType == "" {
			slog.ErrorContext(ctx, "search indexer: a message is no event", "message_id", m.MessageId)
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			continue
		}
		if seen[e.ID] && e.ID != "" {
			continue
		}
		seen[e.ID] = true
		if err := bus.Dispatch(ConsumerSearch, x.handlers)(gather, e); err != nil {
			slog.ErrorContext(ctx, "search indexer: an event is unreadable", "message_id", m.MessageId, "err", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	if len(batch.touches) == 0 {
		return resp, nil
	}
	a, err := x.open(ctx)
	if err != nil {
		return events.SQSEventResponse{}, err
	}
	start := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	done, err := applySearchLocked(ctx, x.Store, a.ix, batch.touches)
	if err != nil {
		return events.SQSEventResponse{}, err
	}
	v, err := PublishSearch(ctx, x.Files, a.ix, x.Dir)
	if err != nil {
		return events.SQSEventResponse{}, err
	}
	x.loaded = v.Version
	slog.InfoContext(logx.WithRequestID(ctx, v.Version), "search index published", "events", len(ev.Records), "put", done.Put,
		"deleted", done.Deleted, "docs", v.Docs, "bytes", v.Bytes, "ms", time.Since(start).Milliseconds())
	return resp, nil
}

// SearchIndexHandler is the indexer function's handler (functions/searchindex).
func SearchIndexHandler(engine search.Engine, st *store.Store, files SearchFiles) queue.Handler {
	return NewSearchIndexer(engine, st, files, filepath.Join(os.TempDir(), "search")).Handle
}
