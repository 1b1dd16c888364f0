package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Issue 10, "Streams and pages": joining a space brings its recent posts into the
// member's home stream (posts.Backfill bounds it), and a pinned announcement appears
// once per stream.

// streamPages reads every page of a stream (path: /api/stream or a space's posts) and
// returns the pinned announcements and the dated posts, in order, across all pages.
func (c *community) streamPages(who *http.Client, path string) (pinned, dated []posts.Summary) {
	c.t.Helper()
	cursor := ""
	for range 50 {
		var page posts.Page
		p := path
		if cursor != "" {
			p += "?cursor=" + url.QueryEscape(cursor)
		}
		if status, body := c.call(who, "GET", p, "", &page); status != 200 {
			c.t.Fatalf("GET %s: %d %s", p, status, body)
		}
		pinned, dated = append(pinned, page.Pinned...), append(dated, page.Posts...)
		if cursor = page.Next; cursor == "" {
			return pinned, dated
		}
	}
	c.t.Fatalf("%s: more than 50 pages", path)
	return nil, nil
}

// onceEach fails unless every post of a stream (every page, pinned and dated) shows
// exactly once, and returns how many times each showed in total.
func onceEach(t *testing.T, what string, pinned, dated []posts.Summary) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, s := range append(slices.Clone(pinned), dated...) {
		seen[s.ID]++
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s: %s shows %d times (pinned %v, dated %v)", what, id, n, ids(pinned), ids(dated))
		}
	}
	return seen
}

func ids(list []posts.Summary) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

// feedItemsOf counts the items of a member's home-stream partition.
func (c *community) feedItemsOf(memberID string) int {
	c.t.Helper()
	return len(c.scanItems("FEED#" + memberID))
}

func pinnedFor(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339) }

// The example: a new member's home is not empty. Joining brings the space's 20
// newest posts still shown there and its live pinned announcements, nothing hidden,
// deleted or moved away, and no older post than the bound.
func TestJoiningASpaceBringsItsRecentPostsHome(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	sp := c.space(admin, "Town", spaces.Public)
	elsewhere := c.space(admin, "Elsewhere", spaces.Public)
	// The oldest post is an announcement pinned for two days: past the bound by date,
	// brought home by its pin.
	ann := c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"announcement","title":"Welcome","body":"Read the rules.","pinnedUntil":%q}`, pinnedFor(48*time.Hour)))
	var statuses []posts.Post
	for i := range 22 {
		statuses = append(statuses, c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"status","body":"status %02d"}`, i)))
	}
	const canary = "not-for-new-members-51d0"
	hidden := c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"discussion","title":"Hidden %s","body":"%s"}`, canary, canary))
	deleted := c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"discussion","title":"Deleted %s","body":"%s"}`, canary, canary))
	moved := c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"discussion","title":"Moved %s","body":"%s"}`, canary, canary))
	if status, body := c.call(admin, "POST", "/api/posts/"+hidden.ID+"/hide", `{"reason":"Off topic"}`, nil); status != 200 {
		t.Fatalf("hide: %d %s", status, body)
	}
	if status, body := c.call(admin, "DELETE", "/api/posts/"+deleted.ID, "", nil); status != 200 && status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	if status, body := c.call(admin, "POST", "/api/posts/"+moved.ID+"/move", fmt.Sprintf(`{"spaceId":%q}`, elsewhere.ID), nil); status != 200 {
		t.Fatalf("move: %d %s", status, body)
	}
	c.settledItems()
	// A space-stream entry of the hidden post read just before its hide's transaction:
	// the backfill copies posts as they are, not as the entry says.
	stale, err := attributevalue.MarshalMap(struct {
		PK, SK, Type string
		posts.Summary
	}{"SPACEPOSTS#" + sp.ID, hidden.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + hidden.ID, "StreamEntry", hidden.Summary()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.tbl.DB.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: &c.tbl.Name, Item: stale}); err != nil {
		t.Fatal(err)
	}

	c.join(bob, sp.ID)
	// The stale entry takes one of the 20 places: the 19 newest statuses come home.
	want := append([]string{ann.ID}, ids(summariesOf(statuses[3:]))...)
	var pinned, dated []posts.Summary
	waitFor(t, "the space's recent posts in bob's home stream", func() bool {
		pinned, dated = c.streamPages(bob, "/api/stream")
		return len(pinned)+len(dated) >= len(want)
	})
	c.settledItems()
	pinned, dated = c.streamPages(bob, "/api/stream")
	seen := onceEach(t, "bob's home stream", pinned, dated)
	if len(pinned) != 1 || pinned[0].ID != ann.ID {
		t.Fatalf("pinned in bob's home: %v, want the announcement %s", ids(pinned), ann.ID)
	}
	if len(seen) != len(want) {
		t.Fatalf("bob's home holds %d posts, want %d (the newest 20 entries but the hidden one, and the pin): %v", len(seen), len(want), ids(dated))
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Fatalf("%s is missing from bob's home: %v", id, ids(dated))
		}
	}
	// Newest first, as the space shows them.
	if dated[0].ID != statuses[21].ID || dated[len(dated)-1].ID != statuses[3].ID {
		t.Fatalf("bob's home is not newest first: %v", ids(dated))
	}
	for _, old := range statuses[:3] {
		if seen[old.ID] != 0 {
			t.Fatalf("a post past the bound came home: %s", old.ID)
		}
	}
	if found := c.itemsWith(canary, "FEED#m_bob"); len(found) != 0 {
		t.Fatalf("hidden, deleted or moved posts in bob's home stream: %v", found)
	}

	// What a backfill costs, off the request path (a repeated delivery does it all
	// again): the membership, two Queries of the space's stream, the posts before and
	// after the write, one BatchWriteItem (21 entries and a pin), the LeftSpaces check.
	trips := &store.RoundTrips{}
	counting := store.New(c.tbl.Client(t, trips.Option()), c.tbl.Name)
	start := time.Now()
	c.deliverVia(counting, bus.ConsumerFeed, eventtypes.SpaceJoinedType, &eventtypes.SpaceJoined{SpaceID: sp.ID, MemberID: "m_bob"})
	t.Logf("backfill of %d posts: %d DynamoDB calls, %v", len(want), trips.Count(), time.Since(start))
	if trips.Count() != 7 {
		t.Fatalf("a backfill took %d DynamoDB calls, want 7", trips.Count())
	}
	if pinned, dated := c.streamPages(bob, "/api/stream"); len(onceEach(t, "after a repeated join", pinned, dated)) != len(want) {
		t.Fatalf("a repeated delivery changed bob's home: %v %v", ids(pinned), ids(dated))
	}
}

func summariesOf(list []posts.Post) []posts.Summary {
	out := make([]posts.Summary, len(list))
	for i, p := range list {
		out[i] = p.Summary()
	}
	return out
}

// Joining twice, at once, leaving and joining again: one space.joined per joining, and
// the home stream holds each post once, whatever the order.
func TestJoiningAgainAndAtOnceBackfillsOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	sp := c.space(admin, "Town", spaces.Public)
	first := []posts.Post{
		c.post(admin, sp.ID, `{"kind":"status","body":"one"}`),
		c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"announcement","title":"Fair","body":"Saturday.","pinnedUntil":%q}`, pinnedFor(24*time.Hour))),
		c.post(admin, sp.ID, `{"kind":"status","body":"three"}`),
	}
	concurrently(t, 6, func(int) { c.call(bob, "POST", "/api/spaces/"+sp.ID+"/join", "", nil) })
	c.join(bob, sp.ID)
	c.settledItems()
	if n := c.countEvents(eventtypes.SpaceJoinedType, map[string]string{"memberId": "m_bob"}); n != 1 {
		t.Fatalf("space.joined recorded %d times for 7 joins", n)
	}
	pinned, dated := c.streamPages(bob, "/api/stream")
	if seen := onceEach(t, "after joining", pinned, dated); len(seen) != 3 {
		t.Fatalf("bob's home after joining: pinned %v, dated %v", ids(pinned), ids(dated))
	}
	// 3 entries and the announcement's pin, nothing twice in the table either.
	if n := c.feedItemsOf("m_bob"); n != 4 {
		t.Fatalf("bob's home-stream items: %d, want 4", n)
	}

	c.leave(bob, sp.ID)
	c.settledItems()
	if pinned, dated := c.streamPages(bob, "/api/stream"); len(pinned)+len(dated) != 0 || c.feedItemsOf("m_bob") != 0 {
		t.Fatalf("bob's home after leaving: %v %v", ids(pinned), ids(dated))
	}
	// What was posted while bob was away comes home with him.
	away := c.post(admin, sp.ID, `{"kind":"status","body":"while bob was away"}`)
	c.join(bob, sp.ID)
	c.settledItems()
	pinned, dated = c.streamPages(bob, "/api/stream")
	seen := onceEach(t, "after joining again", pinned, dated)
	if len(seen) != 4 || seen[away.ID] != 1 || seen[first[0].ID] != 1 {
		t.Fatalf("bob's home after joining again: pinned %v, dated %v", ids(pinned), ids(dated))
	}
	if n := c.countEvents(eventtypes.SpaceJoinedType, map[string]string{"memberId": "m_bob"}); n != 2 {
		t.Fatalf("space.joined recorded %d times for two joinings", n)
	}
	// A leave and a join again in quick succession, events in either order: the stream
	// follows the membership as it is.
	c.leave(bob, sp.ID)
	c.join(bob, sp.ID)
	c.deliver(bus.ConsumerFeed, eventtypes.SpaceLeftType, &eventtypes.SpaceLeft{SpaceID: sp.ID, MemberID: "m_bob"})
	c.settledItems()
	pinned, dated = c.streamPages(bob, "/api/stream")
	if seen := onceEach(t, "after leaving and joining at once", pinned, dated); len(seen) != 4 {
		t.Fatalf("bob's home after leaving and joining again: pinned %v, dated %v", ids(pinned), ids(dated))
	}
}

// A join handled after the member left (or for someone who never belonged) brings
// nothing: posts of a space the member may not read never reach their home stream.
func TestALateJoinBringsNothingToWhoMayNotRead(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob, eve := c.as("bob"), c.as("eve")
	board := c.hiddenSpace(admin, "Board", bob)
	const canary = "board-only-8e21"
	c.post(admin, board.ID, fmt.Sprintf(`{"kind":"discussion","title":"Minutes %s","body":"%s"}`, canary, canary))
	c.post(admin, board.ID, fmt.Sprintf(`{"kind":"announcement","title":"Vote %s","body":"%s","pinnedUntil":%q}`, canary, canary, pinnedFor(24*time.Hour)))
	waitFor(t, "the board's posts in bob's home", func() bool { return len(c.home(bob)) == 2 })
	c.leave(bob, board.ID)
	c.settledItems()
	// The join's delivery comes again, late; eve never belonged.
	c.deliver(bus.ConsumerFeed, eventtypes.SpaceJoinedType, &eventtypes.SpaceJoined{SpaceID: board.ID, MemberID: "m_bob"})
	c.deliver(bus.ConsumerFeed, eventtypes.SpaceJoinedType, &eventtypes.SpaceJoined{SpaceID: board.ID, MemberID: "m_eve"})
	if found := c.itemsWith(canary, "FEED#m_bob", "FEED#m_eve"); len(found) != 0 {
		t.Fatalf("home-stream items of a space left or never joined: %v", found)
	}
	for _, who := range []*http.Client{bob, eve} {
		if got := c.home(who); len(got) != 0 {
			t.Fatalf("a home stream shows the board: %+v", got)
		}
	}
}

// Every stream where an announcement could show twice: its pin and its dated entry on
// one page (home and space), its pin on page 1 and its entry on page 2, the pins of
// several spaces, and more pins than a page holds. Each shows once, among the pins.
func TestAPinnedAnnouncementAppearsOncePerStream(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	bob := c.as("bob")
	var spacesOf []spaces.Space
	for _, name := range []string{"North", "South", "East"} {
		sp := c.space(admin, name, spaces.Public)
		c.join(bob, sp.ID)
		spacesOf = append(spacesOf, sp)
	}
	north := spacesOf[0]
	// North: an old announcement, 25 posts after it (its entry falls on page 2), and a new
	// one (its pin and its entry on page 1).
	old := c.post(admin, north.ID, fmt.Sprintf(`{"kind":"announcement","title":"Old news","body":"Still pinned.","pinnedUntil":%q}`, pinnedFor(72*time.Hour)))
	for i := range 25 {
		c.post(admin, north.ID, fmt.Sprintf(`{"kind":"status","body":"north %02d"}`, i))
	}
	fresh := c.post(admin, north.ID, fmt.Sprintf(`{"kind":"announcement","title":"Fresh news","body":"Just now.","pinnedUntil":%q}`, pinnedFor(24*time.Hour)))
	// An announcement whose pin has ended shows once, in its dated place.
	ended := c.post(admin, north.ID, fmt.Sprintf(`{"kind":"announcement","title":"Soon over","body":"Briefly.","pinnedUntil":%q}`, pinnedFor(6*time.Second)))
	// South and East: ten pinned announcements each, so bob's home holds more live pins
	// (22) than a page (20).
	var pins []string
	for _, sp := range spacesOf[1:] {
		for i := range 10 {
			p := c.post(admin, sp.ID, fmt.Sprintf(`{"kind":"announcement","title":"%s %d","body":"Notice.","pinnedUntil":%q}`, sp.Name, i, pinnedFor(time.Duration(i+1)*time.Hour)))
			pins = append(pins, p.ID)
		}
	}
	pins = append(pins, old.ID, fresh.ID)
	c.settledItems()
	time.Sleep(time.Until(ended.PinnedUntil.Add(time.Second)))

	pinned, dated := c.streamPages(admin, "/api/spaces/"+north.ID+"/posts")
	onceEach(t, "the space stream", pinned, dated)
	if got := ids(pinned); len(got) != 2 || !slices.Contains(got, old.ID) || !slices.Contains(got, fresh.ID) {
		t.Fatalf("the space's pins: %v", got)
	}
	if len(dated) != 26 || !slices.Contains(ids(dated), ended.ID) {
		t.Fatalf("the space's dated posts: %d %v", len(dated), ids(dated))
	}

	pinned, dated = c.streamPages(bob, "/api/stream")
	onceEach(t, "bob's home stream", pinned, dated)
	for _, id := range pins {
		if !slices.Contains(ids(pinned), id) {
			t.Fatalf("the pin %s is missing from bob's home: %v", id, ids(pinned))
		}
	}
	if len(pinned) != len(pins) || len(dated) != 26 || !slices.Contains(ids(dated), ended.ID) {
		t.Fatalf("bob's home: %d pinned %v, %d dated", len(pinned), ids(pinned), len(dated))
	}
}
