package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/schedule"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// ---- helpers of the newsletters' writing tests

// newsletterJSON is an editor's input: an English and a French version, the blocks
// named, the list digest, everyone.
func newsletterJSON(name, subject string, blocks ...string) string {
	bl := []map[string]any{}
	for _, b := range blocks {
		bl = append(bl, map[string]any{"kind": b})
	}
	in := map[string]any{"name": name, "defaultLang": "en", "list": newsletters.ListDigest, "archive": true,
		"versions": []map[string]any{
			{"lang": "en", "subject": subject, "preheader": "This week", "body": "Hello {{first_name}}, here is **the news**."},
			{"lang": "fr", "subject": "FR " + subject, "preheader": "Cette semaine", "body": "Bonjour {{first_name}}, voici **les nouvelles**."},
		},
		"blocks": bl, "periodDays": 7,
		"segment": map[string]any{"spaceIds": []string{}, "roles": []string{}, "languages": []string{}}}
	b, _ := json.Marshal(in)
	return string(b)
}

// newsletterCount is how many newsletters the store holds.
func (c *community) newsletterCount() int {
	c.t.Helper()
	list, _, err := c.st.Newsletters().Newsletters(context.Background(), "", 100)
	if err != nil {
		c.t.Fatal(err)
	}
	return len(list)
}

// setNewsletterState moves a newsletter to a state as sending would (sending's own
// store is another part's): an UpdateItem of its State.
func (c *community) setNewsletterState(id, state string) {
	c.t.Helper()
	_, err := c.tbl.DB.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(c.tbl.Name),
		Key:                       map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "NEWSLETTER#" + id}, "SK": &types.AttributeValueMemberS{Value: "NEWSLETTER"}},
		UpdateExpression:          aws.String("SET #s = :s"),
		ExpressionAttributeNames:  map[string]string{"#s": "State"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: state}}})
	if err != nil {
		c.t.Fatal(err)
	}
}

// A marketer writes, reads, edits and deletes a draft; a member reaches none of it.
func TestNewsletterDraftIsWrittenEditedAndDeleted(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	ann := c.as("Ann")
	var n newsletters.Newsletter
	if status, raw := c.call(mia, "POST", "/api/newsletters", newsletterJSON("November", "News of November", newsletters.BlockTopPosts), &n); status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	if n.State != newsletters.StateDraft || n.Name != "November" || len(n.Versions) != 2 || n.Blocks[0].Limit != newsletters.DefaultBlockItems ||
		n.CreatedBy != c.meOf(mia) || n.List != newsletters.ListDigest {
		t.Fatalf("created %+v", n)
	}
	var got newsletters.Newsletter
	if status, raw := c.call(mia, "GET", "/api/newsletters/"+n.ID, "", &got); status != 200 || got.Versions[1].Subject != "FR News of November" {
		t.Fatalf("get: %d %s", status, raw)
	}
	for _, r := range []struct{ method, path, body string }{
		{"GET", "/api/newsletters", ""}, {"GET", "/api/newsletters/" + n.ID, ""}, {"PUT", "/api/newsletters/" + n.ID, newsletterJSON("x", "y")},
		{"DELETE", "/api/newsletters/" + n.ID, ""}, {"POST", "/api/newsletters/" + n.ID + "/test", "{}"},
	} {
		if status, _ := c.call(ann, r.method, r.path, r.body, nil); status != 403 && status != 404 {
			t.Errorf("a member %s %s: %d", r.method, r.path, status)
		}
	}
	edit := strings.Replace(newsletterJSON("November", "Edited subject", newsletters.BlockIdeas), `{"archive"`, fmt.Sprintf(`{"ifUpdatedAt":%q,"archive"`, n.UpdatedAt.Format(time.RFC3339Nano)), 1)
	var edited newsletters.Newsletter
	if status, raw := c.call(mia, "PUT", "/api/newsletters/"+n.ID, edit, &edited); status != 200 || edited.Versions[0].Subject != "Edited subject" ||
		edited.Blocks[0].Kind != newsletters.BlockIdeas || !edited.UpdatedAt.After(n.UpdatedAt) {
		t.Fatalf("edit: %d %s", status, raw)
	}
	// The same edit again carries a stale updatedAt: refused, nothing written.
	if status, raw := c.call(mia, "PUT", "/api/newsletters/"+n.ID, strings.Replace(edit, "Edited subject", "Lost", 1), nil); status != 409 ||
		problemCode(raw) != "newsletter_changed" {
		t.Fatalf("stale edit: %d %s", status, raw)
	}
	var page newsletters.Page
	if status, _ := c.call(mia, "GET", "/api/newsletters", "", &page); status != 200 || len(page.Newsletters) != 1 || page.Newsletters[0].Versions[0].Subject != "Edited subject" {
		t.Fatalf("list: %+v", page)
	}
	if status, raw := c.call(mia, "DELETE", "/api/newsletters/"+n.ID, "", nil); status != 204 {
		t.Fatalf("delete: %d %s", status, raw)
	}
	if status, _ := c.call(mia, "GET", "/api/newsletters/"+n.ID, "", nil); status != 404 {
		t.Fatalf("deleted, then read: %d", status)
	}
}

// Every bad input is a 400 problem naming its field, and nothing is written.
func TestNewsletterBadInputIsRefusedAndNothingWritten(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	good := newsletterJSON("N", "Subject")
	long := strings.Repeat("a", newsletters.MaxSubjectRunes+1)
	cases := map[string]struct{ body, code string }{
		"no subject":         {strings.Replace(good, `"subject":"Subject"`, `"subject":""`, 1), "invalid_newsletter_subject"},
		"blank subject":      {strings.Replace(good, `"subject":"Subject"`, `"subject":"   "`, 1), "invalid_newsletter_subject"},
		"subject too long":   {strings.Replace(good, `"subject":"Subject"`, `"subject":"`+long+`"`, 1), "invalid_newsletter_subject"},
		"no name":            {strings.Replace(good, `"name":"N"`, `"name":""`, 1), "invalid_newsletter_name"},
		"unknown language":   {strings.Replace(good, `"lang":"fr"`, `"lang":"xx"`, 1), "invalid_newsletter_versions"},
		"twice a language":   {strings.Replace(good, `"lang":"fr"`, `"lang":"en"`, 1), "invalid_newsletter_versions"},
		"no default version": {strings.Replace(good, `"defaultLang":"en"`, `"defaultLang":"de"`, 1), "invalid_newsletter_language"},
		"unknown token":      {strings.Replace(good, "{{first_name}}, here", "{{last_name}}, here", 1), "unknown_newsletter_token"},
		"unknown block":      {strings.Replace(good, `"blocks":[]`, `"blocks":[{"kind":"weather"}]`, 1), "invalid_newsletter_blocks"},
		"block twice":        {strings.Replace(good, `"blocks":[]`, `"blocks":[{"kind":"ideas"},{"kind":"ideas"}]`, 1), "invalid_newsletter_blocks"},
		"too many items":     {strings.Replace(good, `"blocks":[]`, `"blocks":[{"kind":"ideas","limit":11}]`, 1), "invalid_newsletter_blocks"},
		"period":             {strings.Replace(good, `"periodDays":7`, `"periodDays":40`, 1), "invalid_newsletter_period"},
		"list":               {strings.Replace(good, `"list":"digest"`, `"list":"spam"`, 1), "invalid_newsletter_list"},
		"control character":  {strings.Replace(good, `"subject":"Subject"`, `"subject":"Sub\u0007ject"`, 1), "invalid_characters"},
		"nothing to say":     {strings.ReplaceAll(strings.ReplaceAll(good, "Hello {{first_name}}, here is **the news**.", ""), "Bonjour {{first_name}}, voici **les nouvelles**.", ""), "invalid_newsletter_body"},
		"unknown member":     {strings.Replace(good, `"name":"N"`, `"nom":"N"`, 1), ""},
	}
	for name, tc := range cases {
		status, raw := c.call(mia, "POST", "/api/newsletters", tc.body, nil)
		if status != 400 || (tc.code != "" && problemCode(raw) != tc.code) {
			t.Errorf("%s: %d %s", name, status, raw)
		}
	}
	if n := c.newsletterCount(); n != 0 {
		t.Fatalf("%d newsletters written", n)
	}
	// A body over the API's bound is a 413.
	huge := strings.Replace(good, "here is **the news**.", strings.Repeat("word ", 15000), 1)
	if status, _ := c.call(mia, "POST", "/api/newsletters", huge, nil); status != 413 {
		t.Errorf("huge body: %d", status)
	}
	if n := c.newsletterCount(); n != 0 {
		t.Fatalf("%d newsletters written", n)
	}
}

// Once sending starts (or it is scheduled: unschedule first), an edit and a delete are
// refused and the newsletter stays as it was.
func TestNewsletterEditRefusedOnceNotADraft(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	var n newsletters.Newsletter
	c.call(mia, "POST", "/api/newsletters", newsletterJSON("N", "Before"), &n)
	for _, state := range []string{newsletters.StateScheduled, newsletters.StateSending, newsletters.StatePaused, newsletters.StateSent} {
		c.setNewsletterState(n.ID, state)
		if status, raw := c.call(mia, "PUT", "/api/newsletters/"+n.ID, newsletterJSON("N", "After"), nil); status != 409 || problemCode(raw) != "newsletter_not_editable" {
			t.Errorf("edit while %s: %d %s", state, status, raw)
		}
		if status, _ := c.call(mia, "DELETE", "/api/newsletters/"+n.ID, "", nil); status != 409 {
			t.Errorf("delete while %s: %d", state, status)
		}
	}
	got, err := c.st.Newsletters().Newsletter(context.Background(), n.ID)
	if err != nil || got.Versions[0].Subject != "Before" {
		t.Fatalf("%+v %v", got, err)
	}
	// The store's own condition: an edit read while a draft, written after sending
	// started, loses (the race of an edit and the start of sending).
	draft := n
	c.setNewsletterState(n.ID, newsletters.StateSending)
	changed := draft
	changed.Versions = []newsletters.Version{{Lang: "en", Subject: "Raced"}}
	changed.UpdatedAt = time.Now()
	if err := c.st.Newsletters().UpdateWriting(context.Background(), draft, changed); !errorsIsCode(err, "newsletter_not_editable") {
		t.Fatalf("raced edit: %v", err)
	}
}

func errorsIsCode(err error, code string) bool {
	return err != nil && strings.Contains(err.Error(), code)
}

// Ten editors save the same version at once: exactly one wins, the others are told
// someone changed it, and the newsletter holds the winner's subject.
func TestNewsletterConcurrentEditsOneWins(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	var n newsletters.Newsletter
	c.call(mia, "POST", "/api/newsletters", newsletterJSON("N", "Start"), &n)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, lost := []string{}, 0
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			subject := fmt.Sprintf("Edit %d", i)
			body := strings.Replace(newsletterJSON("N", subject), `{"archive"`, fmt.Sprintf(`{"ifUpdatedAt":%q,"archive"`, n.UpdatedAt.Format(time.RFC3339Nano)), 1)
			status, _ := c.call(mia, "PUT", "/api/newsletters/"+n.ID, body, nil)
			mu.Lock()
			defer mu.Unlock()
			switch status {
			case 200:
				won = append(won, subject)
			case 409:
				lost++
			default:
				t.Errorf("status %d", status)
			}
		}()
	}
	wg.Wait()
	got, _ := c.st.Newsletters().Newsletter(context.Background(), n.ID)
	if len(won) != 1 || lost != 9 || got.Versions[0].Subject != won[0] {
		t.Fatalf("won %v, lost %d, stored %q", won, lost, got.Versions[0].Subject)
	}
}

// The canary: community blocks never show a recipient what they cannot read now. A
// post in a hidden space and one in a closed space reach only their members; the
// preview of a marketer who may not read them leaves them out too (and says so); a
// member who leaves the space stops seeing it at once.
func TestNewsletterBlocksNeverShowWhatTheReaderCannotRead(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", policy.RoleAdmin)
	mia := c.as("Mia", policy.RoleMarketer)
	ann, bob := c.as("Ann"), c.as("Bob")
	open := c.space(admin, "Town square", spaces.Public, ann, bob)
	secret := c.hiddenSpace(admin, "Board room", bob)
	closed := c.space(admin, "Club", spaces.Closed)
	c.post(admin, open.ID, `{"kind":"discussion","title":"Open talk","body":"Everyone reads this."}`)
	c.post(bob, open.ID, `{"kind":"question","title":"Open question","body":"Anyone?"}`)
	c.post(bob, secret.ID, `{"kind":"discussion","title":"CANARY-HIDDEN merger plans","body":"Shh."}`)
	c.post(bob, secret.ID, `{"kind":"idea","title":"CANARY-IDEA secret idea","body":"Shh."}`)
	c.post(admin, closed.ID, `{"kind":"question","title":"CANARY-CLOSED club question","body":"Shh."}`)
	until := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	c.post(admin, secret.ID, fmt.Sprintf(`{"kind":"announcement","title":"CANARY-PINNED board notice","body":"x","pinnedUntil":%q}`, until))
	c.post(admin, open.ID, fmt.Sprintf(`{"kind":"announcement","title":"Open notice","body":"x","pinnedUntil":%q}`, until))
	all := []string{newsletters.BlockTopPosts, newsletters.BlockUnanswered, newsletters.BlockIdeas, newsletters.BlockAnnouncements, newsletters.BlockCampaigns}
	var writing newsletters.Writing
	_ = json.Unmarshal([]byte(newsletterJSON("Canary", "Canary", all...)), &writing)

	preview := func(who *http.Client, memberID string) newsletters.Preview {
		t.Helper()
		body, _ := json.Marshal(newsletters.PreviewRequest{Writing: writing, MemberID: memberID})
		var p newsletters.Preview
		if status, raw := c.call(who, "POST", "/api/newsletters/preview", string(body), &p); status != 200 {
			t.Fatalf("preview: %d %s", status, raw)
		}
		return p
	}
	annID, bobID := c.meOf(ann), c.meOf(bob)
	// Ann, previewed by the admin (who reads every space): the open posts, no canary.
	p := preview(admin, annID)
	if !strings.Contains(p.HTML, "Open talk") || !strings.Contains(p.HTML, "Open question") || !strings.Contains(p.HTML, "Open notice") ||
		strings.Contains(p.HTML+p.Text, "CANARY") || p.MemberName != "Ann" || !strings.Contains(p.HTML, "Hello Ann") {
		t.Fatalf("Ann's preview:\n%s", p.HTML)
	}
	// Bob, previewed by the admin: his hidden space's posts too (not the closed one's).
	p = preview(admin, bobID)
	for _, want := range []string{"CANARY-HIDDEN", "CANARY-IDEA", "CANARY-PINNED", "Board room"} {
		if !strings.Contains(p.HTML, want) || !strings.Contains(p.Text, want) {
			t.Errorf("Bob's preview lacks %s", want)
		}
	}
	if strings.Contains(p.HTML, "CANARY-CLOSED") {
		t.Errorf("Bob sees the closed space he is not in")
	}
	// Bob, previewed by a marketer who may not read the hidden space: left out, said.
	p = preview(mia, bobID)
	if strings.Contains(p.HTML+p.Text, "CANARY") || p.Withheld != 1 {
		t.Fatalf("the marketer's preview of Bob: withheld %d\n%s", p.Withheld, p.HTML)
	}
	// What the sender renders (the Renderer itself), per recipient.
	r := app.NewsletterRenderer(app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: c.st})
	n := newsletters.Newsletter{ID: "nl_canary", Writing: writing}
	out, err := r.Render(context.Background(), n, newsletters.Recipient{MemberID: annID, Name: "Ann", Lang: "en"})
	if err != nil || strings.Contains(out.HTML+out.Text, "CANARY") || !strings.Contains(out.HTML, "Open talk") {
		t.Fatalf("Ann's mail: %v\n%s", err, out.HTML)
	}
	out, err = r.Render(context.Background(), n, newsletters.Recipient{MemberID: bobID, Name: "Bob", Lang: "fr"})
	if err != nil || !strings.Contains(out.HTML, "CANARY-HIDDEN") || !strings.Contains(out.HTML, "Bonjour Bob") || !strings.Contains(out.Subject, "FR Canary") {
		t.Fatalf("Bob's mail: %v\n%s", err, out.HTML)
	}
	// Bob leaves the hidden space: his very next copy leaves it out (the space's
	// content is kept a minute, who may read it never).
	c.leave(bob, secret.ID)
	out, err = r.Render(context.Background(), n, newsletters.Recipient{MemberID: bobID, Name: "Bob", Lang: "en"})
	if err != nil || strings.Contains(out.HTML+out.Text, "CANARY") {
		t.Fatalf("Bob's mail after leaving: %v\n%s", err, out.HTML)
	}
}

// A test send goes to the caller (staff) only, rendered as the member chosen, marked as
// a test, with its unsubscribe link in place.
func TestNewsletterTestSendGoesToTheCaller(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	ann := c.as("Ann")
	c.speaks(ann, "Ann Lee", "fr")
	var n newsletters.Newsletter
	c.call(mia, "POST", "/api/newsletters", newsletterJSON("N", "The news"), &n)
	var sent newsletters.TestSent
	if status, raw := c.call(mia, "POST", "/api/newsletters/"+n.ID+"/test", fmt.Sprintf(`{"memberId":%q}`, c.meOf(ann)), &sent); status != 200 || sent.To != "mia@example.com" {
		t.Fatalf("test: %d %s", status, raw)
	}
	m := c.mailSaying("mia@example.com", "Bonjour Ann")
	if !strings.HasPrefix(m.Subject, "[Essai] FR The news") || strings.Contains(m.HTML, newsletters.UnsubscribeToken) {
		t.Fatalf("test mail: %q\n%s", m.Subject, m.HTML)
	}
	if msgs := c.mailsTo("ann@example.com"); len(msgs) != 0 {
		t.Fatalf("the member received %d mails", len(msgs))
	}
	if status, raw := c.call(mia, "POST", "/api/newsletters/"+n.ID+"/test", `{"memberId":"m_nobody"}`, nil); status != 400 || problemCode(raw) != "unknown_member" {
		t.Fatalf("unknown member: %d %s", status, raw)
	}
	// Ten tests an hour: the eleventh is refused and sends nothing.
	inAFreshWindow(newsletters.LimitTests.Window, time.Minute)
	before := len(c.mailsTo("mia@example.com"))
	codes := map[int]int{}
	for range 11 {
		status, _ := c.call(mia, "POST", "/api/newsletters/"+n.ID+"/test", "{}", nil)
		codes[status]++
	}
	if codes[200] != 10-1 && codes[200] != 10 || codes[429] < 1 {
		t.Fatalf("answers %v", codes)
	}
	if got := len(c.mailsTo("mia@example.com")) - before; got != codes[200] {
		t.Fatalf("%d mails for %d tests", got, codes[200])
	}
}

// The archive lists the sent newsletters marked for it, each in the reader's language,
// and shows one as it renders for the reader now; a draft, one not marked, or one being
// sent is not found.
func TestNewsletterArchiveShowsSentOnesToEachReader(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", policy.RoleAdmin)
	mia := c.as("Mia", policy.RoleMarketer)
	ann, bob := c.as("Ann"), c.as("Bob")
	c.speaks(bob, "Bob", "fr")
	secret := c.hiddenSpace(admin, "Board room", bob)
	c.post(bob, secret.ID, `{"kind":"discussion","title":"CANARY-ARCHIVE","body":"Shh."}`)
	var sent, draft, unlisted newsletters.Newsletter
	c.call(mia, "POST", "/api/newsletters", newsletterJSON("Sent", "Sent one", newsletters.BlockTopPosts), &sent)
	c.call(mia, "POST", "/api/newsletters", newsletterJSON("Draft", "Draft one"), &draft)
	c.call(mia, "POST", "/api/newsletters", strings.Replace(newsletterJSON("Unlisted", "Unlisted one"), `"archive":true`, `"archive":false`, 1), &unlisted)
	var club newsletters.Newsletter
	if status, raw := c.call(mia, "POST", "/api/newsletters", strings.Replace(newsletterJSON("Club", "For the board"), `"spaceIds":[]`, fmt.Sprintf(`"spaceIds":[%q]`, secret.ID), 1), &club); status != 201 {
		t.Fatalf("club newsletter: %d %s", status, raw)
	}
	c.setNewsletterState(sent.ID, newsletters.StateSent)
	c.setNewsletterState(unlisted.ID, newsletters.StateSent)
	c.setNewsletterState(club.ID, newsletters.StateSent)
	var page newsletters.ArchivePage
	if status, raw := c.call(ann, "GET", "/api/newsletter-archive", "", &page); status != 200 || len(page.Entries) != 1 || page.Entries[0].Subject != "Sent one" {
		t.Fatalf("Ann's archive: %d %s", status, raw)
	}
	if status, raw := c.call(bob, "GET", "/api/newsletter-archive", "", &page); status != 200 || len(page.Entries) != 1 || page.Entries[0].Subject != "FR Sent one" {
		t.Fatalf("Bob's archive: %d %s", status, raw)
	}
	var issue newsletters.ArchiveIssue
	if status, raw := c.call(ann, "GET", "/api/newsletter-archive/"+sent.ID, "", &issue); status != 200 || strings.Contains(issue.HTML, "CANARY") ||
		!strings.Contains(issue.HTML, "Hello Ann") || strings.Contains(issue.HTML, newsletters.UnsubscribeToken) {
		t.Fatalf("Ann reads: %d %s", status, raw)
	}
	if status, _ := c.call(bob, "GET", "/api/newsletter-archive/"+sent.ID, "", &issue); status != 200 || !strings.Contains(issue.HTML, "CANARY-ARCHIVE") || issue.Lang != "fr" {
		t.Fatalf("Bob reads: %d %s", status, issue.HTML)
	}
	for _, id := range []string{draft.ID, unlisted.ID, club.ID, "nl_none"} {
		if status, _ := c.call(ann, "GET", "/api/newsletter-archive/"+id, "", nil); status != 404 {
			t.Errorf("archive %s: %d", id, status)
		}
	}
	if status, _ := c.call(c.visitor(), "GET", "/api/newsletter-archive", "", nil); status != 401 {
		t.Errorf("a visitor reads the archive: %d", status)
	}
	// More than a page of newer drafts: the archive's first page still holds the sent one.
	for i := range newsletters.ListPage + 5 {
		d := draft
		d.ID, d.CreatedAt = fmt.Sprintf("nl_draft%02d", i), time.Now().Add(time.Duration(i+1)*time.Second)
		if err := c.st.Newsletters().CreateNewsletter(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	page = newsletters.ArchivePage{}
	if status, raw := c.call(ann, "GET", "/api/newsletter-archive", "", &page); status != 200 || len(page.Entries) != 1 || page.Entries[0].ID != sent.ID {
		t.Fatalf("archive behind drafts: %d %s", status, raw)
	}
}

// The branding is validated and shows in what members receive.
func TestNewsletterBrandingIsValidatedAndShown(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	for _, bad := range []string{
		`{"communityName":"","color":"#112233","logoUrl":"","footer":""}`,
		`{"communityName":"Acme","color":"red","logoUrl":"","footer":""}`,
		`{"communityName":"Acme","color":"#112233","logoUrl":"http://insecure.example/logo.png","footer":""}`,
		`{"communityName":"Acme","color":"#112233","logoUrl":"","footer":"` + strings.Repeat("f", 301) + `"}`,
	} {
		if status, raw := c.call(mia, "PUT", "/api/newsletters/branding", bad, nil); status != 400 {
			t.Errorf("%s: %d %s", bad, status, raw)
		}
	}
	var b newsletters.Branding
	if status, _ := c.call(mia, "GET", "/api/newsletters/branding", "", &b); status != 200 || b != newsletters.DefaultBranding {
		t.Fatalf("default branding: %+v", b)
	}
	if status, raw := c.call(mia, "PUT", "/api/newsletters/branding", `{"communityName":"Acme Circle","color":"#AA3300","logoUrl":"https://cdn.example/logo.png","footer":"Acme, 1 Main St"}`, &b); status != 200 {
		t.Fatalf("save: %d %s", status, raw)
	}
	var n newsletters.Newsletter
	c.call(mia, "POST", "/api/newsletters", newsletterJSON("N", "Branded"), &n)
	var p newsletters.Preview
	body, _ := json.Marshal(newsletters.PreviewRequest{Writing: n.Writing})
	c.call(mia, "POST", "/api/newsletters/preview", string(body), &p)
	for _, want := range []string{"Acme Circle", "#aa3300", "https://cdn.example/logo.png", "Acme, 1 Main St"} {
		if !strings.Contains(p.HTML, want) {
			t.Errorf("preview lacks %s", want)
		}
	}
}

// A marketer switches the weekly digest on: its next issue is scheduled at the day and
// hour asked, in its time zone; off, the schedule goes.
func TestNewsletterDigestIsScheduledWhenSwitchedOn(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	in := map[string]any{"enabled": true, "weekday": 1, "hour": 9, "timeZone": "Europe/Paris",
		"writing": map[string]any{"name": "Weekly", "defaultLang": "en", "versions": []map[string]any{{"lang": "en", "subject": "Your week", "body": "ignored"}},
			"blocks": []map[string]any{{"kind": "top_posts"}}},
		"segment": map[string]any{"spaceIds": []string{}, "roles": []string{}, "languages": []string{}}}
	body, _ := json.Marshal(in)
	var d newsletters.Digest
	if status, raw := c.call(mia, "PUT", "/api/newsletter-digests/weekly", string(body), &d); status != 200 || d.NextAt == nil || d.Versions[0].Body != "" {
		t.Fatalf("switch on: %d %s", status, raw)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	at := d.NextAt.In(paris)
	if at.Weekday() != time.Monday || at.Hour() != 9 || !d.NextAt.After(time.Now()) || d.NextAt.After(time.Now().Add(8*24*time.Hour)) {
		t.Fatalf("next issue %v", at)
	}
	due, err := c.st.Schedules().DueSchedules(context.Background(), d.NextAt.Add(time.Second))
	if err != nil || len(due) != 1 || due[0].Job.Kind != newsletters.JobDigest || due[0].Job.ID != "weekly" {
		t.Fatalf("schedules %+v %v", due, err)
	}
	for _, bad := range []string{
		strings.Replace(string(body), `"hour":9`, `"hour":24`, 1),
		strings.Replace(string(body), `"Europe/Paris"`, `"Mars/Olympus"`, 1),
		strings.Replace(string(body), `"blocks":[{"kind":"top_posts"}]`, `"blocks":[]`, 1),
	} {
		if status, raw := c.call(mia, "PUT", "/api/newsletter-digests/weekly", bad, nil); status != 400 {
			t.Errorf("bad digest: %d %s", status, raw)
		}
	}
	if status, _ := c.call(mia, "PUT", "/api/newsletter-digests/daily", string(body), nil); status != 404 {
		t.Errorf("a daily digest: %d", status)
	}
	in["enabled"] = false
	body, _ = json.Marshal(in)
	d = newsletters.Digest{}
	if status, raw := c.call(mia, "PUT", "/api/newsletter-digests/weekly", string(body), &d); status != 200 || d.NextAt != nil {
		t.Fatalf("switch off: %d %s", status, raw)
	}
	if due, _ := c.st.Schedules().DueSchedules(context.Background(), time.Now().Add(60*24*time.Hour)); len(due) != 0 {
		t.Fatalf("schedules left: %+v", due)
	}
	var list newsletters.DigestList
	if status, _ := c.call(mia, "GET", "/api/newsletter-digests", "", &list); status != 200 || len(list.Digests) != 2 || list.Digests[0].ID != "weekly" ||
		list.Digests[0].Enabled || list.Digests[1].ID != "monthly" {
		t.Fatalf("digests %+v", list)
	}
}

// localDigestSchedule is the local scheduler as digests ask it (app's own adapter is
// unexported): the real schedules of the table.
type localDigestSchedule struct{ st *store.Store }

func (l localDigestSchedule) At(ctx context.Context, name string, at time.Time, kind, id string) error {
	return l.st.Schedules().At(ctx, name, at, schedule.Job{Kind: kind, ID: id})
}

func (l localDigestSchedule) Cancel(ctx context.Context, name string) error {
	return l.st.Schedules().Cancel(ctx, name)
}

// handedToSending is a minimal DigestQueue written for this test (sending is another
// part's): it records each issue handed over, as sending's "send now" receives it.
type handedToSending struct {
	mu  sync.Mutex
	ids []string
}

func (h *handedToSending) SendNow(_ context.Context, n newsletters.Newsletter) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ids = append(h.ids, n.ID)
	return nil
}

// The digest job at its hour writes the issue once (a job run twice writes nothing
// twice), hands it to sending, and schedules the next; early, it does nothing. The
// issue is made of blocks alone: a member with nothing new gets nothing.
func TestNewsletterDigestJobWritesTheIssueOnceAndSchedulesTheNext(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) // a Wednesday
	clock := func() time.Time { return now }
	queue := &handedToSending{}
	w := &newsletters.Writer{Store: c.st.Newsletters(), Digests: c.st.Newsletters(), Schedule: localDigestSchedule{c.st}, Queue: queue, Now: clock,
		Composer: app.NewsletterRenderer(app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: c.st})}
	in := newsletters.DigestInput{Enabled: true, Weekday: 1, Hour: 9, TimeZone: "UTC", Segment: newsletters.Segment{SpaceIDs: []string{}, Roles: []string{}, Languages: []string{}},
		Writing: newsletters.Writing{Name: "Weekly", DefaultLang: "en", Versions: []newsletters.Version{{Lang: "en", Subject: "Your week"}},
			Blocks: []newsletters.Block{{Kind: newsletters.BlockTopPosts}}}}
	d, err := w.SaveDigest(context.Background(), auth.Principal{MemberID: "m_mia"}, newsletters.Weekly, in)
	if err != nil || !d.NextAt.Equal(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("saved %v %v", d.NextAt, err)
	}
	// Early: nothing written, nothing queued.
	if err := w.RunDigest(context.Background(), newsletters.Weekly); err != nil || len(queue.ids) != 0 || c.newsletterCount() != 0 {
		t.Fatalf("early run: %v, queued %v", err, queue.ids)
	}
	now = time.Date(2026, 12, 7, 9, 0, 30, 0, time.UTC)
	if err := w.RunDigest(context.Background(), newsletters.Weekly); err != nil {
		t.Fatal(err)
	}
	list, _, _ := c.st.Newsletters().Newsletters(context.Background(), "", 10)
	if len(list) != 1 || len(queue.ids) != 1 || queue.ids[0] != list[0].ID || list[0].DigestID != newsletters.Weekly || list[0].List != newsletters.ListDigest ||
		list[0].Versions[0].Body != "" || list[0].Blocks[0].Kind != newsletters.BlockTopPosts {
		t.Fatalf("issue %+v, queued %v", list, queue.ids)
	}
	got, _ := c.st.Newsletters().Digest(context.Background(), newsletters.Weekly)
	if !got.NextAt.Equal(time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC)) || got.LastID != list[0].ID {
		t.Fatalf("next %v last %s", got.NextAt, got.LastID)
	}
	// The same job again (redelivered after the issue was written but before the next
	// was saved): the issue is not written twice.
	got.NextAt = d.NextAt
	if err := c.st.Newsletters().SaveDigest(context.Background(), got); err != nil {
		t.Fatal(err)
	}
	if err := w.RunDigest(context.Background(), newsletters.Weekly); err != nil {
		t.Fatal(err)
	}
	if n := c.newsletterCount(); n != 1 {
		t.Fatalf("%d issues", n)
	}
	// A member with nothing new in the blocks receives nothing.
	ann := newMember(t, c.st, "Ann", []string{policy.RoleMember})
	if _, err := w.Composer.Render(context.Background(), list[0], newsletters.Recipient{MemberID: ann, Name: "Ann", Lang: "en"}); !errorsIsCode(err, "newsletter_nothing_new") {
		t.Fatalf("empty digest: %v", err)
	}
	// Switched off: the job does nothing.
	in.Enabled = false
	if _, err := w.SaveDigest(context.Background(), auth.Principal{MemberID: "m_mia"}, newsletters.Weekly, in); err != nil {
		t.Fatal(err)
	}
	now = now.Add(30 * 24 * time.Hour)
	queued := len(queue.ids)
	if err := w.RunDigest(context.Background(), newsletters.Weekly); err != nil || len(queue.ids) != queued {
		t.Fatalf("off: %v %v", err, queue.ids)
	}
}
