package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Tests of round 3 of issue 9 (g4-repeats): a double-submitted or concurrent request
// does its work and its side effects once (docs/api.md, "Repeated requests").

// answer is one HTTP answer of a concurrent round.
type answer struct {
	status   int
	body     string
	replayed bool
}

// send makes one request with optional headers (name, value, ...).
func (c *community) send(who *http.Client, method, path, body string, hdr ...string) answer {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	resp, err := who.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	return answer{status: resp.StatusCode, body: string(raw), replayed: resp.Header.Get("Idempotent-Replayed") == "true"}
}

// burst fires the same request n times at once (real concurrent HTTP requests through
// the handlers) and returns every answer.
func (c *community) burst(n int, who *http.Client, method, path, body string, hdr ...string) []answer {
	c.t.Helper()
	out := make([]answer, n)
	var mu sync.Mutex
	concurrently(c.t, n, func(i int) {
		a := c.send(who, method, path, body, hdr...)
		mu.Lock()
		out[i] = a
		mu.Unlock()
	})
	return out
}

// sameAnswers checks that every answer of a burst is the first request's (status and
// body), or 409 request_in_progress when the first was still running, and that at
// least one is the original.
func sameAnswers(t *testing.T, what string, got []answer, status int) {
	t.Helper()
	first := ""
	originals := 0
	for _, a := range got {
		switch {
		case a.status == 409 && strings.Contains(a.body, "request_in_progress"):
			continue
		case a.status != status:
			t.Fatalf("%s: an answer %d %s, want %d", what, a.status, a.body, status)
		case first == "":
			first = a.body
		case a.body != first:
			t.Fatalf("%s: two different answers:\n%s\n%s", what, first, a.body)
		}
		if !a.replayed {
			originals++
		}
	}
	if originals != 1 {
		t.Fatalf("%s: %d answers were not replays, want 1 (%+v)", what, originals, got)
	}
}

// The tester's example: 12 identical warnings at once gave 12 emails, 12 notifications
// and 12 audit entries. They are one warning.
func TestConcurrentIdenticalWarningsWarnOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod := c.as("mona", policy.RoleModerator)
	c.as("wes")
	body := `{"memberId":"m_wes","message":"Please keep it civil."}`
	got := c.burst(12, mod, "POST", "/api/moderation/warnings", body)
	// Sent again a moment later (a double click): still one.
	again := c.send(mod, "POST", "/api/moderation/warnings", " {\"message\":\"Please keep it civil. \",\n \"memberId\":\"m_wes\"}")
	c.settledItems()
	if n := c.countEvents(eventtypes.MemberWarnedType, map[string]string{"memberId": "m_wes"}); n != 1 {
		t.Fatalf("%d member.warned events, want 1", n)
	}
	if n := c.countKind("m_wes", notifications.KindWarning); n != 1 {
		t.Fatalf("%d warning notifications, want 1", n)
	}
	if n := len(c.mailsTo("wes@example.com")); n != 1 {
		t.Fatalf("%d warning emails, want 1", n)
	}
	if n := c.auditEntries("member.warn", "m_wes"); n != 1 {
		t.Fatalf("%d audit entries, want 1", n)
	}
	sameAnswers(t, "12 warnings", got, 204)
	if again.status != 204 || !again.replayed {
		t.Fatalf("the same warning again: %+v", again)
	}
	// Another message is another warning.
	if a := c.send(mod, "POST", "/api/moderation/warnings", `{"memberId":"m_wes","message":"Last warning."}`); a.status != 204 || a.replayed {
		t.Fatalf("another warning: %+v", a)
	}
	if n := c.auditEntries("member.warn", "m_wes"); n != 2 {
		t.Fatalf("%d audit entries after a second warning, want 2", n)
	}
}

// The tester's example: 8 identical agent replies at once on one ticket made 5 replies
// and 5 customer emails. They are one reply, told once.
func TestConcurrentIdenticalTicketRepliesReplyOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	tk := c.ticket(cara, acme.ID, `{"subject":"Sync is down","product":"General","severity":"high","body":"Since 9:00."}`)
	replyMails := func() int {
		n := 0
		for _, m := range c.mailsTo("cara@example.com") {
			if strings.Contains(m.Subject, "replied to the ticket") {
				n++
			}
		}
		return n
	}

	const reply = `{"body":"Restart the sync agent, please."}`
	replies := c.burst(8, sam, "POST", "/api/tickets/"+tk.ID+"/replies", reply)
	var view tickets.View
	c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &view)
	public := 0
	for _, r := range view.Replies {
		if r.FromAgent && !r.Automatic {
			public++
		}
	}
	if public != 1 {
		t.Fatalf("%d agent replies after 8 identical ones at once, want 1", public)
	}
	if n := c.countEvents(eventtypes.TicketRepliedType, map[string]string{"ticketId": tk.ID}); n != 1 {
		t.Fatalf("%d ticket.replied events, want 1", n)
	}
	c.settledItems()
	if n := replyMails(); n != 1 {
		t.Fatalf("the customer got %d emails about the reply, want 1", n)
	}
	if n := c.countKind("m_cara", notifications.KindTicketReply); n != 1 {
		t.Fatalf("the customer got %d notifications, want 1", n)
	}
	sameAnswers(t, "8 replies", replies, 200)
	// Another text is another reply.
	if a := c.send(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Any news?"}`); a.status != 200 || a.replayed {
		t.Fatalf("a second reply: %+v", a)
	}
	if n := c.countEvents(eventtypes.TicketRepliedType, map[string]string{"ticketId": tk.ID}); n != 2 {
		t.Fatalf("%d ticket.replied events after a second reply, want 2", n)
	}
}

// The tester's example: 12 suspensions of 1 day at once wrote 12 audit entries. A
// suspension that changes nothing writes nothing: one entry, one new end.
func TestRepeatedSuspensionsBansAndReinstatementsLogOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod := c.as("mona", policy.RoleModerator)
	c.as("sid")
	got := c.burst(12, mod, "POST", "/api/members/m_sid/suspend", `{"days":1}`)
	var until string
	for _, a := range got {
		var m members.Member
		if a.status != 200 || jsonDecode(a.body, &m) != nil || m.SuspendedUntil == nil {
			t.Fatalf("a suspension answered %d %s", a.status, a.body)
		}
		if until == "" {
			until = m.SuspendedUntil.String()
		} else if m.SuspendedUntil.String() != until {
			t.Fatalf("two ends of one suspension: %s and %s", until, m.SuspendedUntil)
		}
	}
	if n := c.auditEntries("member.suspend", "m_sid"); n != 1 {
		t.Fatalf("%d audit entries for 12 suspensions at once, want 1", n)
	}
	// The same again later, or a shorter one: nothing changes. A longer one extends it.
	for _, days := range []int{1, 1} {
		if status, body := c.call(mod, "POST", "/api/members/m_sid/suspend", fmt.Sprintf(`{"days":%d}`, days), nil); status != 200 {
			t.Fatalf("suspend again: %d %s", status, body)
		}
	}
	if n := c.auditEntries("member.suspend", "m_sid"); n != 1 {
		t.Fatalf("%d audit entries after the same suspension again, want 1", n)
	}
	var longer members.Member
	if c.call(mod, "POST", "/api/members/m_sid/suspend", `{"days":3}`, &longer); longer.SuspendedUntil == nil || longer.SuspendedUntil.Before(time.Now().Add(71*time.Hour)) {
		t.Fatalf("a longer suspension: %+v", longer)
	}
	if n := c.auditEntries("member.suspend", "m_sid"); n != 2 {
		t.Fatalf("%d audit entries after a longer suspension, want 2", n)
	}
	// Bans and reinstatements at once: one each.
	admin := c.as("ada", policy.RoleAdmin)
	for _, action := range []string{"reinstate", "ban", "reinstate"} {
		body := ""
		if action == "ban" {
			body = `{}`
		}
		for _, a := range c.burst(8, admin, "POST", "/api/members/m_sid/"+action, body) {
			if a.status != 200 {
				t.Fatalf("%s: %d %s", action, a.status, a.body)
			}
		}
	}
	if r, b := c.auditEntries("member.reinstate", "m_sid"), c.auditEntries("member.ban", "m_sid"); r != 2 || b != 1 {
		t.Fatalf("%d reinstatements and %d bans logged, want 2 and 1", r, b)
	}
}

// Every creating route treats the same request of the same member within the window as
// one: posts, comments, tickets, spaces, tickets made from questions. The repeats are
// answered with the first answer and write nothing; another body, another target or
// another member is another request.
func TestIdenticalCreationsAreOneRequest(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(admin, "Lobby", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)

	// A space: 8 at once are one.
	sameAnswers(t, "8 spaces", c.burst(8, admin, "POST", "/api/spaces", `{"name":"Makers","visibility":"public"}`), 201)
	var mine spaces.MembershipList
	c.call(admin, "GET", "/api/spaces/mine", "", &mine)
	makers := 0
	for _, m := range mine.Memberships {
		if m.SpaceName == "Makers" {
			makers++
		}
	}
	if makers != 1 {
		t.Fatalf("%d spaces named Makers, want 1", makers)
	}

	// A post: 12 at once are one post, one event, one copy in each home stream.
	const post = `{"kind":"question","title":"How do I page?","body":"I get LastEvaluatedKey back."}`
	got := c.burst(12, ann, "POST", "/api/spaces/"+sp.ID+"/posts", post)
	sameAnswers(t, "12 posts", got, 201)
	var p posts.Post
	for _, a := range got {
		if a.status == 201 {
			_ = jsonDecode(a.body, &p)
		}
	}
	if n := c.countEvents(eventtypes.PostCreatedType, nil); n != 1 {
		t.Fatalf("%d post.created events, want 1", n)
	}
	var page posts.Page
	if c.call(bob, "GET", "/api/spaces/"+sp.ID+"/posts", "", &page); len(page.Posts) != 1 || page.Posts[0].ID != p.ID {
		t.Fatalf("the space's stream after 12 identical posts: %+v", page.Posts)
	}
	// The same post again a moment later, spelled a little differently (member order,
	// white space around the text): the first post again, nothing written.
	before := c.settledItems()
	again := c.send(ann, "POST", "/api/spaces/"+sp.ID+"/posts", `{"body":"I get LastEvaluatedKey back.\r\n","title":" How do I page?","kind":"question"}`)
	if again.status != 201 || !again.replayed || !strings.Contains(again.body, p.ID) {
		t.Fatalf("the same post again: %+v", again)
	}
	if after := c.tbl.Items(t); after != before {
		t.Fatalf("a repeated post wrote %d items", after-before)
	}
	// Another member's identical post is theirs.
	if a := c.send(bob, "POST", "/api/spaces/"+sp.ID+"/posts", post); a.status != 201 || a.replayed {
		t.Fatalf("bob's identical post: %+v", a)
	}

	// A comment: 8 at once are one comment, counted once, told once.
	const comment = `{"body":"Use the cursor you get back."}`
	sameAnswers(t, "8 comments", c.burst(8, bob, "POST", "/api/posts/"+p.ID+"/comments", comment), 201)
	if c.call(ann, "GET", "/api/posts/"+p.ID, "", &p); p.Comments != 1 {
		t.Fatalf("the comment count after 8 identical comments: %d, want 1", p.Comments)
	}
	if n := c.countEvents(eventtypes.CommentCreatedType, map[string]string{"postId": p.ID}); n != 1 {
		t.Fatalf("%d comment.created events, want 1", n)
	}
	if n := c.countKind("m_ann", notifications.KindComment); n != 1 {
		t.Fatalf("the author was told %d times, want 1", n)
	}
	// The same text on another post is another comment.
	other := c.post(ann, sp.ID, `{"kind":"discussion","title":"Another","body":"Text."}`)
	if a := c.send(bob, "POST", "/api/posts/"+other.ID+"/comments", comment); a.status != 201 || a.replayed {
		t.Fatalf("the same comment on another post: %+v", a)
	}

	// A ticket: 8 at once are one ticket and one number.
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	const ticket = `{"subject":"Sync is down","product":"General","severity":"high","body":"Since 9:00."}`
	sameAnswers(t, "8 tickets", c.burst(8, cara, "POST", "/api/spaces/"+acme.ID+"/tickets", ticket), 201)
	if n := c.countEvents(eventtypes.TicketOpenedType, nil); n != 1 {
		t.Fatalf("%d ticket.opened events, want 1", n)
	}
	if tk := c.ticket(cara, acme.ID, `{"subject":"Another","product":"General","severity":"low","body":"x"}`); tk.Number != 1002 {
		t.Fatalf("the next ticket has number %d, want 1002", tk.Number)
	}

	// An invitation, a friend's invitation and a space invitation: 6 at once send one
	// email or notification each (an address has one pending invitation).
	for _, a := range c.burst(6, admin, "POST", "/api/invitations", `{"emails":["newcomer@example.com"]}`) {
		if a.status != 201 && a.status != 200 {
			t.Fatalf("an invitation: %d %s", a.status, a.body)
		}
	}
	for _, a := range c.burst(6, bob, "POST", "/api/invitations/friend", `{"email":"pal@example.com"}`) {
		if a.status != 201 && a.status != 409 {
			t.Fatalf("a friend's invitation: %d %s", a.status, a.body)
		}
	}
	hidden := c.space(admin, "Back room", spaces.Hidden)
	for _, a := range c.burst(6, admin, "POST", "/api/spaces/"+hidden.ID+"/invitations", `{"memberId":"m_ann"}`) {
		if a.status >= 300 {
			t.Fatalf("a space invitation: %d %s", a.status, a.body)
		}
	}
	c.settledItems()
	if n, m := len(c.mailsTo("newcomer@example.com")), len(c.mailsTo("pal@example.com")); n != 1 || m != 1 {
		t.Fatalf("%d and %d invitation emails after 6 identical invitations at once, want 1 and 1", n, m)
	}
	if n := c.countEvents(eventtypes.SpaceInvitedType, map[string]string{"memberId": "m_ann"}); n != 1 {
		t.Fatalf("%d space.invited events, want 1", n)
	}

	// A ticket made from a question: 8 at once are one.
	sam := c.as("sam", policy.RoleSupport)
	c.join(cara, sp.ID)
	q := c.post(cara, sp.ID, `{"kind":"question","title":"Sync?","body":"Is sync down?"}`)
	sameAnswers(t, "8 tickets from a question", c.burst(8, sam, "POST", "/api/posts/"+q.ID+"/ticket",
		fmt.Sprintf(`{"spaceId":%q,"product":"General","severity":"low"}`, acme.ID)), 201)
	if n := c.countEvents(eventtypes.TicketOpenedType, nil); n != 3 {
		t.Fatalf("%d ticket.opened events, want 3", n)
	}
}

// tripsOfWrite counts the DynamoDB calls of one unsafe request by a member, on a client
// of its own (the event path works on the same table meanwhile).
func (c *community) tripsOfWrite(memberID, method, path, body string, hdr ...string) (int, int64) {
	c.t.Helper()
	h, trips := c.countingHandler()
	cookie := cookieFor(c.t, c.st, memberID)
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	w := httptest.NewRecorder()
	trips.Reset()
	h.ServeHTTP(w, r)
	return w.Code, trips.Count()
}

// A repeat costs one round trip (its name is read with the session, and it is answered
// from there); a creation costs one more than before (its answer is recorded for its
// repeats); a request that names nothing costs what it did.
func TestRepeatsWithinTheRoundTripBudget(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	c.as("wes")
	sp := c.space(admin, "Lobby", spaces.Public)
	for _, call := range []struct {
		name         string
		method, path string
		body, key    string
		status       int
		budget       int64
	}{
		{"publish", "POST", "/api/spaces/" + sp.ID + "/posts", `{"kind":"status","body":"one"}`, "", 201, 4},
		{"publish with a key", "POST", "/api/spaces/" + sp.ID + "/posts", `{"kind":"status","body":"two"}`, "k1", 201, 4},
		{"the same key again", "POST", "/api/spaces/" + sp.ID + "/posts", `{"kind":"status","body":"two"}`, "k1", 201, 1},
		{"the same post again", "POST", "/api/spaces/" + sp.ID + "/posts", `{"kind":"status","body":"one"}`, "", 201, 1},
		{"warn", "POST", "/api/moderation/warnings", `{"memberId":"m_wes","message":"x"}`, "", 204, 4},
		{"suspend", "POST", "/api/members/m_wes/suspend", `{"days":1}`, "", 200, 6},
		{"suspend again", "POST", "/api/members/m_wes/suspend", `{"days":1}`, "", 200, 5},
		{"suspend again with a key", "POST", "/api/members/m_wes/suspend", `{"days":1}`, "k2", 200, 6},
		{"join", "POST", "/api/spaces/" + sp.ID + "/join", "", "", 200, 2},
	} {
		var hdr []string
		if call.key != "" {
			hdr = []string{"Idempotency-Key", call.key}
		}
		status, n := c.tripsOfWrite("m_ada", call.method, call.path, call.body, hdr...)
		if status != call.status || n != call.budget {
			t.Errorf("%s: %d with %d DynamoDB calls, want %d with %d", call.name, status, n, call.status, call.budget)
		}
	}
}

// The Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header) on a route
// that creates without a window (shareable invitation links): the same key and body
// are answered with the first answer and write nothing; another body is 422; a key
// sent by another member is theirs; an expired key is absent; a refused request holds
// no key; a malformed key is 400.
func TestTheIdempotencyKeyMakesARequestOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	mia := c.as("mia", policy.RoleMarketer)
	const link = `{"maxUses":5,"validDays":7}`
	links := func() int {
		n := 0
		for _, item := range c.scanItems("INVITE#") {
			if k, _ := item["Kind"].(*types.AttributeValueMemberS); k != nil && k.Value == "link" {
				n++
			}
		}
		return n
	}
	// Without a key, two requests are two links (the route has no window).
	c.send(admin, "POST", "/api/invitations/links", link)
	c.send(admin, "POST", "/api/invitations/links", link)
	if n := links(); n != 2 {
		t.Fatalf("%d links after two requests without a key, want 2", n)
	}
	// With a key: 8 at once, then again (quoted as a Structured Field String, then bare).
	key := "8e03978e-40d5-43e8-bc93-6894a57f9324"
	sameAnswers(t, "8 with one key", c.burst(8, admin, "POST", "/api/invitations/links", link, "Idempotency-Key", `"`+key+`"`), 201)
	first := c.send(admin, "POST", "/api/invitations/links", link, "Idempotency-Key", key)
	if first.status != 201 || !first.replayed {
		t.Fatalf("the same key again: %+v", first)
	}
	if n := links(); n != 3 {
		t.Fatalf("%d links after 9 requests with one key, want 3", n)
	}
	// The same key with another body: 422, nothing written.
	before := c.settledItems()
	if a := c.send(admin, "POST", "/api/invitations/links", `{"maxUses":6,"validDays":7}`, "Idempotency-Key", key); a.status != 422 || problemOf(a.body) != "idempotency_key_reused" {
		t.Fatalf("the key with another body: %+v", a)
	}
	if after := c.tbl.Items(t); after != before {
		t.Fatalf("a reused key wrote %d items", after-before)
	}
	// Another member's key is theirs.
	if a := c.send(mia, "POST", "/api/invitations/links", link, "Idempotency-Key", key); a.status != 201 || a.replayed {
		t.Fatalf("another member with the same key: %+v", a)
	}
	// A refused request holds no key: fixed, the same key goes through.
	if a := c.send(admin, "POST", "/api/invitations/links", `{"maxUses":5000}`, "Idempotency-Key", "fix-me"); a.status != 400 {
		t.Fatalf("a bad link: %+v", a)
	}
	if a := c.send(admin, "POST", "/api/invitations/links", link, "Idempotency-Key", "fix-me"); a.status != 201 || a.replayed {
		t.Fatalf("the fixed request with the same key: %+v", a)
	}
	// An expired key is absent (DynamoDB Local never deletes expired items).
	sum := sha256.Sum256([]byte("old-key"))
	if _, err := c.tbl.DB.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(c.tbl.Name), Item: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "REPEAT#m_ada"}, "SK": &types.AttributeValueMemberS{Value: "KEY#" + hex.EncodeToString(sum[:])},
		"Type": &types.AttributeValueMemberS{Value: "RepeatClaim"}, "Fingerprint": &types.AttributeValueMemberS{Value: "another request"},
		"Owner": &types.AttributeValueMemberS{Value: "x"}, "Status": &types.AttributeValueMemberN{Value: "201"},
		"ExpiresAt": &types.AttributeValueMemberN{Value: fmt.Sprint(time.Now().Add(-time.Minute).Unix())}}}); err != nil {
		t.Fatal(err)
	}
	if a := c.send(admin, "POST", "/api/invitations/links", link, "Idempotency-Key", "old-key"); a.status != 201 || a.replayed {
		t.Fatalf("an expired key: %+v", a)
	}
	if n := links(); n != 6 {
		t.Fatalf("%d links, want 6", n)
	}
	// Malformed keys: 400, nothing written.
	before = c.settledItems()
	for _, bad := range [][]string{{"Idempotency-Key", ""}, {"Idempotency-Key", strings.Repeat("k", 256)}, {"Idempotency-Key", `"unclosed`},
		{"Idempotency-Key", "two words"}, {"Idempotency-Key", "é"}, {"Idempotency-Key", "a", "Idempotency-Key", "b"}} {
		if a := c.send(admin, "POST", "/api/invitations/links", link, bad...); a.status != 400 || problemOf(a.body) != "invalid_idempotency_key" {
			t.Fatalf("key %q: %+v", bad, a)
		}
	}
	if after := c.tbl.Items(t); after != before {
		t.Fatalf("malformed keys wrote %d items", after-before)
	}
	// A route whose write is one item records its answer after: the same key is answered
	// the same, even once the state moved on.
	if a := c.send(admin, "PUT", "/api/community/rules", `{"text":"Be kind."}`, "Idempotency-Key", "rules-1"); a.status != 200 || !strings.Contains(a.body, `"version":2`) {
		t.Fatalf("rules: %+v", a)
	}
	c.send(admin, "PUT", "/api/community/rules", `{"text":"Be kind, please."}`)
	if a := c.send(admin, "PUT", "/api/community/rules", `{"text":"Be kind."}`, "Idempotency-Key", "rules-1"); !a.replayed || !strings.Contains(a.body, `"version":2`) {
		t.Fatalf("rules again with the key: %+v", a)
	}
	// A large answer (kept compressed) comes back byte for byte.
	sp := c.space(admin, "Lobby", spaces.Public)
	var rules members.Rules
	c.call(admin, "GET", "/api/community/rules", "", &rules)
	c.call(admin, "POST", "/api/me/rules", fmt.Sprintf(`{"version":%d}`, rules.Version), nil)
	long := fmt.Sprintf(`{"kind":"discussion","title":"Long","body":%q}`, strings.Repeat("A line of a long post, with *Markdown*.\n\n", 400))
	big := c.send(admin, "POST", "/api/spaces/"+sp.ID+"/posts", long, "Idempotency-Key", "big-1")
	if big.status != 201 || len(big.body) < 16<<10 {
		t.Fatalf("a long post: %d, %d bytes", big.status, len(big.body))
	}
	if again := c.send(admin, "POST", "/api/spaces/"+sp.ID+"/posts", long, "Idempotency-Key", "big-1"); !again.replayed || again.body != big.body {
		t.Fatalf("the long post again: replayed %v, %d bytes, want %d", again.replayed, len(again.body), len(big.body))
	}
	// A visitor's request (sign-in start): the same key sends one email.
	v := c.visitor()
	for range 2 {
		if a := c.send(v, "POST", "/api/auth/email/start", `{"email":"new@example.com"}`, "Idempotency-Key", "start-1"); a.status != 202 {
			t.Fatalf("start: %+v", a)
		}
	}
	if n := len(c.mailsTo("new@example.com")); n != 1 {
		t.Fatalf("%d sign-in emails for one key, want 1", n)
	}
}

// State-setting routes write nothing when nothing changes, however often and however
// simultaneously they are asked: edits, the rules, a space's settings, an account's
// deletion, an invitation's resend.
func TestStateSettingRepeatsWriteNothing(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.space(admin, "Lobby", spaces.Public)
	c.join(ann, sp.ID)
	c.join(bob, sp.ID)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Draft","body":"First text."}`)
	cm := c.comment(bob, p.ID, `{"body":"A comment."}`)
	revisions := func() int { return len(c.scanItems("POST#" + p.ID)) }

	// Edits: 8 identical edits at once, then the same again: one revision, one event.
	before := revisions()
	for _, a := range c.burst(8, ann, "PATCH", "/api/posts/"+p.ID, `{"title":"Final","body":"Second text."}`) {
		if a.status != 200 {
			t.Fatalf("an edit: %d %s", a.status, a.body)
		}
	}
	c.send(ann, "PATCH", "/api/posts/"+p.ID, `{"title":"Final","body":"Second text."}`)
	for _, a := range c.burst(8, bob, "PATCH", "/api/posts/"+p.ID+"/comments/"+cm.ID, `{"body":"A better comment."}`) {
		if a.status != 200 {
			t.Fatalf("a comment edit: %d %s", a.status, a.body)
		}
	}
	var hist posts.History
	c.call(admin, "GET", "/api/posts/"+p.ID+"/history", "", &hist)
	if len(hist.Revisions) != 2 {
		t.Fatalf("%d revisions after 9 identical post edits and 8 comment edits, want 2: %+v", len(hist.Revisions), hist.Revisions)
	}
	if n := c.countEvents(eventtypes.PostUpdatedType, map[string]string{"postId": p.ID}); n != 1 {
		t.Fatalf("%d post.updated events, want 1", n)
	}
	_ = before

	// The rules: the same text twice is one version.
	var rules members.Rules
	c.call(admin, "PUT", "/api/community/rules", `{"text":"Be nice."}`, &rules)
	v := rules.Version
	for _, a := range c.burst(4, admin, "PUT", "/api/community/rules", `{"text":"Be nice."}`) {
		if a.status != 200 || !strings.Contains(a.body, fmt.Sprintf(`"version":%d`, v)) {
			t.Fatalf("the same rules again: %d %s", a.status, a.body)
		}
	}

	// A space's settings: 8 identical changes at once are logged once.
	for _, a := range c.burst(8, admin, "PUT", "/api/spaces/"+sp.ID+"/settings", `{"visibility":"closed","kind":"general"}`) {
		if a.status != 200 {
			t.Fatalf("settings: %d %s", a.status, a.body)
		}
	}
	if n := c.auditEntries("space.settings", sp.ID); n != 1 {
		t.Fatalf("%d settings entries, want 1", n)
	}

	// An invitation resent twice at the same moment is sent once more.
	c.call(admin, "POST", "/api/invitations", `{"emails":["zoe@example.com"]}`, nil)
	c.mailTo("zoe@example.com", "/invite/")
	var pending invitations.InvitationList
	c.call(admin, "GET", "/api/invitations", "", &pending)
	for _, a := range c.burst(6, admin, "POST", "/api/invitations/"+pending.Invitations[0].ID+"/resend", "") {
		if a.status != 200 {
			t.Fatalf("resend: %d %s", a.status, a.body)
		}
	}
	c.settledItems()
	if n := len(c.mailsTo("zoe@example.com")); n != 2 {
		t.Fatalf("%d invitation emails after 6 resends at once, want 2", n)
	}

	// An account deleted by two requests at once is deleted once.
	for _, a := range c.burst(4, bob, "POST", "/api/me/delete", `{"confirm":true}`) {
		if a.status != 204 && a.status != 401 {
			t.Fatalf("delete: %d %s", a.status, a.body)
		}
	}
	if n := c.countEvents(eventtypes.MemberDeletedType, map[string]string{"memberId": "m_bob"}); n != 1 {
		t.Fatalf("%d member.deleted events, want 1", n)
	}
}

// A request that died between its write and the record of its answer (a killed process)
// leaves a claim without an answer: a repeat within the lease hears 409
// request_in_progress and writes nothing; after the lease the claim is abandoned and the
// repeat runs (the client, told nothing, may try again: it is not blocked until the name
// lapses).
// Not parallel: it shortens httpx.RepeatWait, a package variable, for its run.
func TestAClaimWithoutAnAnswerHoldsForItsLeaseOnly(t *testing.T) {
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	wait := httpx.RepeatWait
	httpx.RepeatWait = 300 * time.Millisecond
	t.Cleanup(func() { httpx.RepeatWait = wait })
	const link = `{"maxUses":5,"validDays":7}`
	claim := func(key string, claimedAt time.Time) {
		sum := sha256.Sum256([]byte(key))
		if _, err := c.tbl.DB.PutItem(t.Context(), &dynamodb.PutItemInput{TableName: aws.String(c.tbl.Name), Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "REPEAT#m_ada"}, "SK": &types.AttributeValueMemberS{Value: "KEY#" + hex.EncodeToString(sum[:])},
			"Type": &types.AttributeValueMemberS{Value: "RepeatClaim"}, "Owner": &types.AttributeValueMemberS{Value: "a dead request"},
			"Fingerprint": &types.AttributeValueMemberS{Value: httpx.Fingerprint("POST", "/api/invitations/links", []byte(link))},
			"ClaimedAt":   &types.AttributeValueMemberN{Value: fmt.Sprint(claimedAt.Unix())},
			"ExpiresAt":   &types.AttributeValueMemberN{Value: fmt.Sprint(time.Now().Add(time.Hour).Unix())}}}); err != nil {
			t.Fatal(err)
		}
	}
	claim("running", time.Now())
	before := c.settledItems()
	if a := c.send(admin, "POST", "/api/invitations/links", link, "Idempotency-Key", "running"); a.status != 409 || problemOf(a.body) != "request_in_progress" {
		t.Fatalf("a repeat of a request still running: %+v", a)
	}
	if after := c.tbl.Items(t); after != before {
		t.Fatalf("a repeat of a request still running wrote %d items", after-before)
	}
	claim("dead", time.Now().Add(-20*time.Second)) // idempotency.Lease is 15 s
	first := c.send(admin, "POST", "/api/invitations/links", link, "Idempotency-Key", "dead")
	if first.status != 201 || first.replayed {
		t.Fatalf("a repeat of a request dead before its answer: %+v", first)
	}
	// Its answer is now the key's.
	if again := c.send(admin, "POST", "/api/invitations/links", link, "Idempotency-Key", "dead"); !again.replayed || again.body != first.body {
		t.Fatalf("the key again: %+v", again)
	}
}
