package tests

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tribune/shared/mail"
)

// crashWriter is one member writing through whichever runtime is up.
type crashWriter struct {
	n      int
	id     string
	email  string
	client *http.Client
}

// crashLoad drives writes against a runtime that is killed and restarted under it.
type crashLoad struct {
	base    atomic.Pointer[string]
	acked   atomic.Int32
	stopped atomic.Bool
	mu      sync.Mutex
	posts   []ackedPost
	comment []ackedComment
}

type ackedPost struct {
	ID     string
	Author int
}

type ackedComment struct {
	ID, PostID         string
	Author, PostAuthor int
}

var errUnknown = errors.New("outcome unknown")

// write POSTs body to path as w; it returns the created id, or errUnknown when the
// runtime went away or failed (the write may or may not exist: not acknowledged), or
// when an attempt the kill interrupted still holds the request's name (409
// request_in_progress, docs/api.md "Repeated requests": try again later).
func (l *crashLoad) write(w crashWriter, path, body string) (string, error) {
	req, _ := http.NewRequest("POST", *l.base.Load()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return "", errUnknown
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 500 || (resp.StatusCode == http.StatusConflict && strings.Contains(string(b), `"request_in_progress"`)) {
		return "", errUnknown
	}
	if resp.StatusCode != 200 && resp.StatusCode != 201 {
		return "", fmt.Errorf("POST %s: %d %s", path, resp.StatusCode, b)
	}
	var created struct{ ID string }
	if err := json.Unmarshal(b, &created); err != nil || created.ID == "" {
		return "", fmt.Errorf("POST %s: %s", path, b)
	}
	return created.ID, nil
}

// run makes w write count acknowledged posts and comments, in turn: a post in the
// space, then a comment on a post of another member (which notifies its author).
func (l *crashLoad) run(w crashWriter, spaceID string, count int) error {
	rng := rand.New(rand.NewPCG(uint64(w.n), 42))
	for done := 0; done < count; {
		if l.stopped.Load() {
			return fmt.Errorf("%s stopped after %d acknowledged writes", w.email, done)
		}
		var target *ackedPost
		if done%2 == 1 {
			l.mu.Lock()
			var others []ackedPost
			for _, p := range l.posts {
				if p.Author != w.n {
					others = append(others, p)
				}
			}
			if len(others) > 0 {
				target = &others[rng.IntN(len(others))]
			}
			l.mu.Unlock()
		}
		var id string
		var err error
		if target == nil {
			id, err = l.write(w, "/api/spaces/"+spaceID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Post %d of %s","body":"Text %d."}`, done, w.email, done))
		} else {
			id, err = l.write(w, "/api/posts/"+target.ID+"/comments", fmt.Sprintf(`{"body":"Comment %d of %s."}`, done, w.email))
		}
		if errors.Is(err, errUnknown) {
			time.Sleep(50 * time.Millisecond) // the runtime is down: try again on the next one
			continue
		}
		if err != nil {
			return err
		}
		l.mu.Lock()
		if target == nil {
			l.posts = append(l.posts, ackedPost{ID: id, Author: w.n})
		} else {
			l.comment = append(l.comment, ackedComment{ID: id, PostID: target.ID, Author: w.n, PostAuthor: target.Author})
		}
		l.mu.Unlock()
		l.acked.Add(1)
		done++
	}
	return nil
}

// pages GETs every page of a cursor-paged list and hands each page's body to each.
func pages(t *testing.T, client *http.Client, u string, each func([]byte) string) {
	t.Helper()
	cursor := ""
	for i := 0; i < 100; i++ {
		page := u
		if cursor != "" {
			sep := "?"
			if strings.Contains(u, "?") {
				sep = "&"
			}
			page += sep + "cursor=" + cursor
		}
		resp, err := client.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", page, resp.StatusCode, b)
		}
		if cursor = each(b); cursor == "" {
			return
		}
	}
	t.Fatalf("GET %s: no end", u)
}

// serversOn lists the processes (other than this one) whose command line names dir:
// the runtime's DynamoDB Local, if one outlived it.
func serversOn(dir string) []int {
	var pids []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(b), dir) && strings.Contains(string(b), "DynamoDBLocal") {
			pids = append(pids, pid)
		}
	}
	return pids
}

// The local runtime is killed with SIGKILL twice while four members write 200 posts
// and comments; after each kill it is restarted on the same data directory. Once the
// event path has settled: every acknowledged write is there, every post is in the home
// stream of each of the space's four members once, every comment gave its post's
// author one notification and one email, and nothing was delivered twice.
func TestNothingAcknowledgedIsLostWhenTheRuntimeIsKilled(t *testing.T) {
	t.Parallel()
	started := time.Now()
	dataDir := t.TempDir()
	emails := []string{"ann@example.com", "bob@example.com", "cat@example.com", "dan@example.com"}
	// Admins: no posting rate limit, so 200 writes fit in seconds.
	env := "ADMIN_EMAILS=" + strings.Join(emails, ",")
	rt := startRuntime(t, dataDir, env)
	load := &crashLoad{}
	load.base.Store(&rt.URL)

	writers := make([]crashWriter, len(emails))
	for i, email := range emails {
		c := devSignIn(t, rt, email)
		var me struct{ ID string }
		call(t, c, "GET", rt.URL+"/api/me", "", &me)
		writers[i] = crashWriter{n: i, id: me.ID, email: email, client: c}
		var rules struct{ Version int }
		call(t, c, "GET", rt.URL+"/api/community/rules", "", &rules)
		if status, body := call(t, c, "POST", rt.URL+"/api/me/rules", fmt.Sprintf(`{"version":%d}`, rules.Version), nil); status >= 300 {
			t.Fatalf("rules: %d %s", status, body)
		}
	}
	var space struct{ ID string }
	if status, body := call(t, writers[0].client, "POST", rt.URL+"/api/spaces", `{"name":"Crash test","visibility":"public"}`, &space); status != 201 {
		t.Fatalf("space: %d %s", status, body)
	}
	for _, w := range writers[1:] {
		if status, body := call(t, w.client, "POST", rt.URL+"/api/spaces/"+space.ID+"/join", "", nil); status >= 300 {
			t.Fatalf("join: %d %s", status, body)
		}
	}
	setup := time.Since(started)

	// Load: 4 writers x 50 acknowledged writes; SIGKILL after 60 and 130 of them.
	const perWriter = 50
	errs := make(chan error, len(writers))
	for _, w := range writers {
		go func() { errs <- load.run(w, space.ID, perWriter) }()
	}
	defer load.stopped.Store(true)
	waitAcks := func(n int32) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for load.acked.Load() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d writes acknowledged in a minute, want %d; runtime log:\n%s", load.acked.Load(), n, rt.Log.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	var orphans []int
	for _, at := range []int32{60, 130} {
		waitAcks(at)
		rt.kill()
		t.Logf("killed the runtime with SIGKILL after %d acknowledged writes", load.acked.Load())
		if goruntime.GOOS == "linux" {
			deadline := time.Now().Add(10 * time.Second)
			for len(serversOn(dataDir)) > 0 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			for _, pid := range serversOn(dataDir) {
				if !slices.Contains(orphans, pid) {
					orphans = append(orphans, pid)
				}
			}
		}
		rt = startRuntime(t, dataDir, env)
		load.base.Store(&rt.URL)
	}
	waitAcks(int32(perWriter * len(writers)))
	for range writers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, pid := range orphans {
		_ = syscall.Kill(pid, syscall.SIGKILL) // ours: started by the killed runtime
	}
	if len(orphans) > 0 {
		t.Errorf("DynamoDB Local outlived the killed runtime on its data directory (processes %v)", orphans)
	}
	loaded := time.Since(started)

	// Count once the event path has settled (or give up after 45 s).
	client := writers[0].client
	type counts struct {
		posts, comments, ackedPostsFound, ackedCommentsFound int
		homeEntries, homeDuplicates, homeMissing             int
		notifications, notificationDuplicates                int
		emails, emailDuplicates                              int
	}
	count := func() counts {
		var c counts
		all := map[string]int{} // post id -> author index
		byID := map[string]int{}
		for i, w := range writers {
			byID[w.id] = i
		}
		pages(t, client, rt.URL+"/api/spaces/"+space.ID+"/posts", func(b []byte) string {
			var p struct {
				Posts []struct{ ID, AuthorID string }
				Next  string
			}
			_ = json.Unmarshal(b, &p)
			for _, s := range p.Posts {
				all[s.ID] = byID[s.AuthorID]
			}
			return p.Next
		})
		c.posts = len(all)
		load.mu.Lock()
		posts, comments := append([]ackedPost(nil), load.posts...), append([]ackedComment(nil), load.comment...)
		load.mu.Unlock()
		for _, p := range posts {
			if _, ok := all[p.ID]; ok {
				c.ackedPostsFound++
			}
		}
		// Every comment of every post, acknowledged or not.
		commentsOf := map[string]int{}
		allComments := map[string]string{} // comment id -> post id
		for id := range all {
			var th struct {
				Comments []struct{ ID, AuthorID string }
			}
			call(t, client, "GET", rt.URL+"/api/posts/"+id+"/comments", "", &th)
			for _, cm := range th.Comments {
				allComments[cm.ID] = id
				commentsOf[id]++
			}
		}
		c.comments = len(allComments)
		for _, cm := range comments {
			if allComments[cm.ID] == cm.PostID {
				c.ackedCommentsFound++
			}
		}
		// Home streams: each post once in each member's.
		for _, w := range writers {
			seen := map[string]int{}
			pages(t, w.client, rt.URL+"/api/stream", func(b []byte) string {
				var p struct {
					Posts []struct{ ID string }
					Next  string
				}
				_ = json.Unmarshal(b, &p)
				for _, s := range p.Posts {
					seen[s.ID]++
				}
				return p.Next
			})
			for id, n := range seen {
				if _, ok := all[id]; ok {
					c.homeEntries++
					c.homeDuplicates += n - 1
				}
			}
			for id := range all {
				if seen[id] == 0 {
					c.homeMissing++
				}
			}
		}
		// In-app notifications: each comment once, to its post's author.
		for _, w := range writers {
			seen := map[string]int{}
			pages(t, w.client, rt.URL+"/api/notifications", func(b []byte) string {
				var in struct {
					Items []struct{ Kind, CommentID string }
					Next  string
				}
				_ = json.Unmarshal(b, &in)
				for _, n := range in.Items {
					if n.Kind == "comment" && allComments[n.CommentID] != "" {
						seen[n.CommentID]++
					}
				}
				return in.Next
			})
			for _, n := range seen {
				c.notifications++
				c.notificationDuplicates += n - 1
			}
		}
		// Emails: per post, one to its author per comment.
		msgs, err := mail.ReadOutbox(filepath.Join(dataDir, "outbox"))
		if err != nil {
			t.Fatal(err)
		}
		mailsOf := map[string]int{}
		for _, m := range msgs {
			for _, link := range m.Links() {
				if _, id, ok := strings.Cut(link, "/posts/"); ok {
					if author, known := all[id]; known && m.To == writers[author].email {
						mailsOf[id]++
					}
				}
			}
		}
		for id, n := range mailsOf {
			c.emails += min(n, commentsOf[id])
			c.emailDuplicates += max(n-commentsOf[id], 0)
		}
		return c
	}
	var got counts
	settled := false
	deadline := time.Now().Add(45 * time.Second)
	for !settled && time.Now().Before(deadline) {
		got = count()
		settled = got.homeEntries == len(writers)*got.posts && got.homeMissing == 0 &&
			got.notifications == got.comments && got.emails == got.comments
		if !settled {
			time.Sleep(time.Second)
		}
	}
	t.Logf("setup %v, load with 2 kills and restarts %v, settled after %v", setup.Round(time.Millisecond), (loaded - setup).Round(time.Millisecond),
		(time.Since(started) - loaded).Round(time.Millisecond))
	t.Logf("acknowledged: %d posts (%d found), %d comments (%d found); in the table: %d posts, %d comments",
		len(load.posts), got.ackedPostsFound, len(load.comment), got.ackedCommentsFound, got.posts, got.comments)
	t.Logf("delivered: %d of %d home-stream entries, %d of %d notifications, %d of %d emails; duplicates: %d home, %d notifications, %d emails",
		got.homeEntries, len(writers)*got.posts, got.notifications, got.comments, got.emails, got.comments,
		got.homeDuplicates, got.notificationDuplicates, got.emailDuplicates)
	if got.ackedPostsFound != len(load.posts) || got.ackedCommentsFound != len(load.comment) {
		t.Errorf("acknowledged writes lost: %d of %d posts, %d of %d comments found", got.ackedPostsFound, len(load.posts), got.ackedCommentsFound, len(load.comment))
	}
	if !settled {
		t.Errorf("events never delivered: %d home-stream entries missing, %d of %d notifications, %d of %d emails",
			got.homeMissing, got.notifications, got.comments, got.emails, got.comments)
	}
	if got.homeDuplicates+got.notificationDuplicates+got.emailDuplicates != 0 {
		t.Errorf("delivered twice: %d home-stream entries, %d notifications, %d emails", got.homeDuplicates, got.notificationDuplicates, got.emailDuplicates)
	}
	if got.posts < len(load.posts) || got.comments < len(load.comment) {
		t.Errorf("fewer writes in the table than acknowledged")
	}
}
