package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/newsletters"
)

// Tests of the newsletters' audience and consent (issue 13, n2): segments, the live
// count, consent per list, the suppression list, one-click unsubscribe, SES events.

// audienceOf is the Audience the sender uses, over the community's store.
func (c *community) audienceOf() *newsletters.AudienceService {
	return app.NewAudience(app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: c.st})
}

// subscribe records, through the member's own preferences page, their lists.
func (c *community) subscribe(who *http.Client, lists map[string]bool) newsletters.Preferences {
	c.t.Helper()
	var body strings.Builder
	body.WriteString(`{"lists":{`)
	i := 0
	for l, on := range lists {
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, "%q:%v", l, on)
		i++
	}
	body.WriteString("}}")
	var p newsletters.Preferences
	if status, raw := c.call(who, "PUT", "/api/me/newsletters", body.String(), &p); status != 200 {
		c.t.Fatalf("save preferences: %d %s", status, raw)
	}
	return p
}

// recipients are the member ids Each hands over for a segment of a list.
func (c *community) recipients(list string, seg newsletters.Segment) []string {
	c.t.Helper()
	var ids []string
	err := c.audienceOf().Each(context.Background(), list, seg, func(rs []newsletters.Recipient) error {
		if len(rs) > newsletters.AudiencePage {
			c.t.Fatalf("a page of %d recipients", len(rs))
		}
		for _, r := range rs {
			ids = append(ids, r.MemberID)
		}
		return nil
	})
	if err != nil {
		c.t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// fullSegment is a segment's JSON with the lists it leaves out sent empty (the API
// takes every list, so that a client never drops a condition by mistake).
func fullSegment(seg string) string {
	for _, f := range []string{"spaceIds", "roles", "languages"} {
		if !strings.Contains(seg, `"`+f+`"`) {
			seg = strings.Replace(seg, "{", `{"`+f+`":[],`, 1)
		}
	}
	return strings.Replace(seg, ",}", "}", 1)
}

// liveCount is the count route's answer for a segment, as a marketer builds it.
func (c *community) liveCount(marketer *http.Client, list string, seg string) int {
	c.t.Helper()
	var out app.AudienceCount
	if status, raw := c.call(marketer, "POST", "/api/newsletters/audience/count", fmt.Sprintf(`{"list":%q,"segment":%s}`, list, fullSegment(seg)), &out); status != 200 {
		c.t.Fatalf("count %s: %d %s", seg, status, raw)
	}
	return out.Count
}

func TestNewsletterAudienceSegmentsConsentAndSuppression(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("Marketer", "marketer")
	ann, bob, cleo, dan, eve := c.as("Ann"), c.as("Bob"), c.as("Cleo", "moderator"), c.as("Dan"), c.as("Eve")
	c.readsFrench(bob, "Bob")
	garden := c.space(marketer, "Garden", "public", ann, bob)
	kitchen := c.space(marketer, "Kitchen", "public", bob, cleo)
	for _, who := range []*http.Client{ann, bob, cleo, dan} {
		c.subscribe(who, map[string]bool{newsletters.ListProduct: true})
	}
	c.subscribe(eve, map[string]bool{newsletters.ListProduct: false, newsletters.ListEvents: true})
	// Dan's address bounced hard: on the suppression list for every list.
	ctx := context.Background()
	env, _ := eventtypes.Wrap(eventtypes.MailBounced{Meta: eventtypes.NewMeta(time.Now()), Email: "dan@example.com", Permanent: true})
	if err := c.st.Newsletters().Suppress(ctx, newsletters.Suppression{Email: "dan@example.com", Reason: newsletters.ReasonBounce, At: time.Now()}, env); err != nil {
		t.Fatal(err)
	}

	everyone := newsletters.Segment{}
	if got, want := c.recipients(newsletters.ListProduct, everyone), []string{"m_Ann", "m_Bob", "m_Cleo"}; !slices.Equal(got, want) {
		t.Fatalf("everyone on product news: %v, want %v (Eve said no, Dan is suppressed, the marketer never chose)", got, want)
	}
	if got := c.recipients(newsletters.ListDigest, everyone); len(got) != 0 {
		t.Fatalf("nobody chose the digest, yet %v", got)
	}
	cases := []struct {
		seg  string
		want []string
	}{
		{`{}`, []string{"m_Ann", "m_Bob", "m_Cleo"}},
		{fmt.Sprintf(`{"spaceIds":[%q]}`, garden.ID), []string{"m_Ann", "m_Bob"}},
		// Bob is in both spaces: counted once.
		{fmt.Sprintf(`{"spaceIds":[%q,%q]}`, garden.ID, kitchen.ID), []string{"m_Ann", "m_Bob", "m_Cleo"}},
		{`{"roles":["moderator"]}`, []string{"m_Cleo"}},
		{`{"languages":["fr"]}`, []string{"m_Bob"}},
		{fmt.Sprintf(`{"spaceIds":[%q],"languages":["en"]}`, kitchen.ID), []string{"m_Cleo"}},
		{fmt.Sprintf(`{"joinedAfter":%q}`, time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)), nil},
		{fmt.Sprintf(`{"joinedAfter":%q}`, time.Now().AddDate(0, -2, 0).UTC().Format(time.RFC3339)), []string{"m_Ann", "m_Bob", "m_Cleo"}},
	}
	for _, tc := range cases {
		if got := c.liveCount(marketer, newsletters.ListProduct, tc.seg); got != len(tc.want) {
			t.Errorf("count of %s = %d, want %d", tc.seg, got, len(tc.want))
		}
		var seg newsletters.Segment
		if err := jsonDecode(tc.seg, &seg); err != nil {
			t.Fatal(err)
		}
		if got := c.recipients(newsletters.ListProduct, seg); !slices.Equal(got, tc.want) {
			t.Errorf("recipients of %s = %v, want %v", tc.seg, got, tc.want)
		}
	}

	// Active in the last 7 days: only members whose acts the audience consumer saw.
	c.post(ann, garden.ID, `{"kind":"discussion","title":"Hello","body":"Seeds"}`)
	waitFor(t, "Ann marked active", func() bool { return c.liveCount(marketer, newsletters.ListProduct, `{"activeDays":7}`) == 1 })
	if got := c.liveCount(marketer, newsletters.ListProduct, `{"inactiveDays":7}`); got != 2 {
		t.Fatalf("inactive for 7 days: %d, want 2 (Bob, Cleo)", got)
	}

	// MaySend follows consent and the suppression list at once.
	aud := c.audienceOf()
	annR := newsletters.Recipient{MemberID: "m_Ann", Email: "ann@example.com", Lang: "en"}
	if ok, err := aud.MaySend(ctx, newsletters.ListProduct, annR); !ok || err != nil {
		t.Fatalf("MaySend(Ann) = %v, %v", ok, err)
	}
	c.subscribe(ann, map[string]bool{newsletters.ListProduct: false})
	if ok, _ := aud.MaySend(ctx, newsletters.ListProduct, annR); ok {
		t.Fatal("Ann unsubscribed, MaySend still true")
	}
	if ok, _ := aud.MaySend(ctx, newsletters.ListProduct, newsletters.Recipient{MemberID: "m_Dan", Email: "dan@example.com"}); ok {
		t.Fatal("Dan's address is suppressed, MaySend true")
	}

	// The preferences page shows each list with its time and source.
	var prefs newsletters.Preferences
	c.call(ann, "GET", "/api/me/newsletters", "", &prefs)
	if len(prefs.Lists) != 3 || prefs.Lists[1].List != newsletters.ListProduct || prefs.Lists[1].Subscribed ||
		prefs.Lists[1].Source != newsletters.SourcePreferences || prefs.Lists[1].At.IsZero() {
		t.Fatalf("preferences: %+v", prefs)
	}
}

func TestNewsletterAudienceRefusesBadSegmentsAndWritesNothing(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("Marketer", "marketer")
	member := c.as("Member")
	before := c.settledItems()
	bad := map[string]string{
		`{"list":"spam","segment":{}}`:                                        "newsletter_list_unknown",
		`{"list":"product","segment":{"roles":["king"]}}`:                     "segment_roles",
		`{"list":"product","segment":{"languages":["de"]}}`:                   "segment_languages",
		`{"list":"product","segment":{"activeDays":3,"inactiveDays":3}}`:      "segment_days",
		`{"list":"product","segment":{"activeDays":-1}}`:                      "segment_days",
		`{"list":"product","segment":{"activeDays":4000}}`:                    "segment_days",
		`{"list":"product","segment":{"spaceIds":["nope"]}}`:                  "segment_space_unknown",
		`{"list":"product","segment":{"spaceIds":["a","a"]}}`:                 "segment_spaces",
		`{"list":"product","segment":{"joinedAfter":"2999-01-01T00:00:00Z"}}`: "segment_joined_after",
		`{"list":"product","segment":{"spaceIds":"x"}}`:                       "",
	}
	for body, code := range bad {
		if code != "" {
			i := strings.Index(body, `"segment":`) + len(`"segment":`)
			body = body[:i] + fullSegment(body[i:len(body)-1]) + "}"
		}
		status, raw := c.call(marketer, "POST", "/api/newsletters/audience/count", body, nil)
		if status != 400 || (code != "" && problemCode(raw) != code) {
			t.Errorf("%s: %d %s, want 400 %s", body, status, raw, code)
		}
	}
	many := make([]string, 21)
	for i := range many {
		many[i] = fmt.Sprintf("%q", fmt.Sprint("s", i))
	}
	if status, raw := c.call(marketer, "POST", "/api/newsletters/audience/count", `{"list":"product","segment":{"roles":[],"languages":[],"spaceIds":[`+strings.Join(many, ",")+`]}}`, nil); status != 400 || problemCode(raw) != "segment_spaces" {
		t.Errorf("21 spaces: %d %s", status, raw)
	}
	for _, body := range []string{`{"lists":{}}`, `{"lists":{"spam":true}}`, `{"lists":{"digest":"yes"}}`} {
		if status, raw := c.call(member, "PUT", "/api/me/newsletters", body, nil); status != 400 {
			t.Errorf("preferences %s: %d %s", body, status, raw)
		}
	}
	if status, _ := c.call(member, "POST", "/api/newsletters/audience/count", `{"list":"product","segment":{"spaceIds":[],"roles":[],"languages":[]}}`, nil); status != 403 {
		t.Errorf("a member counts an audience: %d", status)
	}
	if status, _ := c.call(marketer, "PUT", "/api/newsletters/lists", `{"defaults":{"digest":true,"product":true,"events":true}}`, nil); status != 403 {
		t.Errorf("a marketer sets the lists' defaults: %d", status)
	}
	if got := c.settledItems(); got != before {
		t.Fatalf("refused requests wrote %d items", got-before)
	}
}

// unsubscribeToken is the token of a link or a List-Unsubscribe header.
func unsubscribeToken(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(strings.Trim(link, "<>"))
	if err != nil || u.Query().Get("t") == "" {
		t.Fatalf("no token in %q", link)
	}
	return u.Query().Get("t")
}

// oneClick posts RFC 8058's one-click body to a List-Unsubscribe address, without cookie.
func (c *community) oneClick(address string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", strings.Trim(address, "<>"), strings.NewReader("List-Unsubscribe=One-Click"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, b.String()
}

func TestNewsletterOneClickUnsubscribe(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("Ann")
	c.subscribe(ann, map[string]bool{newsletters.ListDigest: true, newsletters.ListProduct: true})
	aud := c.audienceOf()
	r := newsletters.Recipient{MemberID: "m_Ann", Email: "ann@example.com", Name: "Ann", Lang: "en"}
	link, headers := aud.Unsubscribe(r, newsletters.ListProduct, "nl_1")
	if headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.HasPrefix(headers["List-Unsubscribe"], "<"+c.srv.URL+"/api/newsletters/unsubscribe?t=") {
		t.Fatalf("headers: %v", headers)
	}
	if !strings.HasPrefix(link, c.srv.URL+"/unsubscribe?t=") {
		t.Fatalf("visible link: %s", link)
	}
	token := unsubscribeToken(t, link)
	if token != unsubscribeToken(t, headers["List-Unsubscribe"]) {
		t.Fatal("the link and the header carry different tokens")
	}
	visitor := c.visitor()

	// The confirmation page reads the link without changing anything (mail scanners).
	var info newsletters.UnsubscribeInfo
	if status, raw := c.call(visitor, "GET", "/api/newsletters/unsubscribe?t="+url.QueryEscape(token), "", &info); status != 200 ||
		info.List != newsletters.ListProduct || info.Used || !info.Subscribed || info.Email != "a•••@example.com" {
		t.Fatalf("describe: %d %s", status, raw)
	}

	// A forged token: refused, nothing written.
	before := c.settledItems()
	forged := token[:len(token)-2] + "xx"
	if forged == token {
		forged = token[:len(token)-2] + "yy"
	}
	otherList := strings.Replace(token, ".", "x.", 1)
	for _, bad := range []string{forged, otherList, "", "garbage", strings.Repeat("a", 600)} {
		status, raw := c.oneClick(c.srv.URL + "/api/newsletters/unsubscribe?t=" + url.QueryEscape(bad))
		if status != 400 {
			t.Errorf("token %q: %d %s", bad, status, raw)
		}
	}
	if status, raw := c.call(visitor, "POST", "/api/newsletters/unsubscribe?t="+url.QueryEscape(token), "", nil); status != 415 {
		t.Errorf("no body: %d %s", status, raw)
	}
	req, _ := http.NewRequest("POST", c.srv.URL+"/api/newsletters/unsubscribe?t="+url.QueryEscape(token), strings.NewReader("List-Unsubscribe=Maybe"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Errorf("a wrong form body: %v %v", resp.StatusCode, err)
	}
	if got := c.settledItems(); got != before {
		t.Fatalf("refused unsubscribes wrote %d items", got-before)
	}

	// Concurrent one-click posts of the same token (a mail client retrying): exactly
	// one takes effect, the others are refused as reused.
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i], _ = c.oneClick(headers["List-Unsubscribe"])
		}()
	}
	wg.Wait()
	slices.Sort(codes)
	if codes[0] != 200 || codes[1] != 409 || codes[5] != 409 {
		t.Fatalf("concurrent one-click answers: %v, want one 200 and the rest 409", codes)
	}
	if ok, _ := aud.MaySend(context.Background(), newsletters.ListProduct, r); ok {
		t.Fatal("unsubscribed, yet MaySend is true")
	}
	if ok, _ := aud.MaySend(context.Background(), newsletters.ListDigest, r); !ok {
		t.Fatal("the digest is another list: still subscribed")
	}
	var prefs newsletters.Preferences
	c.call(ann, "GET", "/api/me/newsletters", "", &prefs)
	if p := prefs.Lists[1]; p.Subscribed || p.Source != newsletters.SourceOneClick || p.NewsletterID != "nl_1" {
		t.Fatalf("product news after one click: %+v", p)
	}
	c.call(visitor, "GET", "/api/newsletters/unsubscribe?t="+url.QueryEscape(token), "", &info)
	if !info.Used || info.Subscribed {
		t.Fatalf("after use: %+v", info)
	}

	// The visible link's page: another mail's token, confirmed by the page (JSON).
	link2, _ := aud.Unsubscribe(r, newsletters.ListDigest, "nl_2")
	var res newsletters.UnsubscribeResult
	if status, raw := c.call(visitor, "POST", "/api/newsletters/unsubscribe?t="+url.QueryEscape(unsubscribeToken(t, link2)), "{}", &res); status != 200 ||
		!res.Unsubscribed || res.List != newsletters.ListDigest {
		t.Fatalf("page unsubscribe: %d %s", status, raw)
	}
	c.call(ann, "GET", "/api/me/newsletters", "", &prefs)
	if p := prefs.Lists[0]; p.Subscribed || p.Source != newsletters.SourceUnsubscribePage {
		t.Fatalf("digest after the page: %+v", p)
	}
	// Both unsubscribes were told (the results count them per newsletter).
	c.settledItems()
	if n := len(c.scanItems("OUTBOX#")); n == 0 {
		t.Fatal("no events")
	}
}

// sesDetail is an SES configuration set event's detail as EventBridge carries it (no
// eventId: an AWS service's event).
func sesDetail(kind, email, newsletterHeader string) string {
	mail := fmt.Sprintf(`"mail":{"messageId":"msg-1","timestamp":"2026-12-03T08:00:00Z","destination":[%q],"headers":[{"name":"X-Tribune-Newsletter","value":%q}]}`, email, newsletterHeader)
	switch kind {
	case "hard":
		return `{"eventType":"Bounce",` + mail + fmt.Sprintf(`,"bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":%q,"diagnosticCode":"smtp; 550 5.1.1"}]}}`, email)
	case "soft":
		return `{"eventType":"Bounce",` + mail + fmt.Sprintf(`,"bounce":{"bounceType":"Transient","bounceSubType":"MailboxFull","bouncedRecipients":[{"emailAddress":%q}]}}`, email)
	case "complaint":
		return `{"eventType":"Complaint",` + mail + fmt.Sprintf(`,"complaint":{"complainedRecipients":[{"emailAddress":%q}],"complaintFeedbackType":"abuse"}}`, email)
	}
	return `{"eventType":"Delivery",` + mail + fmt.Sprintf(`,"delivery":{"recipients":[%q]}}`, email)
}

// outboxOf are the details of the outbox's events of a detail type.
func (c *community) outboxOf(detailType string) []string {
	var out []string
	for _, it := range c.scanItems("OUTBOX#") {
		if dt, ok := it["DetailType"].(*types.AttributeValueMemberS); ok && dt.Value == detailType {
			out = append(out, it["Detail"].(*types.AttributeValueMemberS).Value)
		}
	}
	return out
}

func TestNewsletterMailEventsFeedTheSuppressionList(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Admin", "admin")
	ann, bob := c.as("Ann"), c.as("Bob")
	for _, who := range []*http.Client{ann, bob} {
		c.subscribe(who, map[string]bool{newsletters.ListDigest: true, newsletters.ListProduct: true})
	}
	ctx := context.Background()
	dispatch := bus.Dispatch(bus.ConsumerAudience, app.Handlers(config.Config{PublicURL: c.srv.URL}, c.st, nil, nil)[bus.ConsumerAudience])
	deliver := func(id, detailType, detail string) {
		t.Helper()
		ev := events.EventBridgeEvent{ID: id, Source: "aws.ses", DetailType: detailType, Time: time.Now(), Detail: json.RawMessage(detail)}
		if err := dispatch(ctx, ev); err != nil {
			t.Fatalf("%s: %v", detailType, err)
		}
	}
	// A soft bounce is told, and suppresses nothing.
	deliver("evt-soft", "Email Bounced", sesDetail("soft", "Ann@Example.com", "nl_7"))
	aud := c.audienceOf()
	annR := newsletters.Recipient{MemberID: "m_Ann", Email: "ann@example.com"}
	if ok, _ := aud.MaySend(ctx, newsletters.ListProduct, annR); !ok {
		t.Fatal("a soft bounce suppressed Ann")
	}
	// A hard bounce, delivered twice (EventBridge delivers at least once): suppressed
	// for every list, told once, with the newsletter's id.
	deliver("evt-hard", "Email Bounced", sesDetail("hard", "Ann@Example.com", "nl_7"))
	deliver("evt-hard", "Email Bounced", sesDetail("hard", "Ann@Example.com", "nl_7"))
	for _, l := range newsletters.Lists {
		if ok, _ := aud.MaySend(ctx, l, annR); ok {
			t.Fatalf("Ann bounced hard, still sent %s", l)
		}
	}
	if n := c.liveCount(admin, newsletters.ListDigest, `{}`); n != 1 {
		t.Fatalf("the digest's count after Ann's bounce: %d, want 1 (Bob)", n)
	}
	// A complaint (through the development route's event, as under make run).
	env, err := app.SimulatedMailEvent(newsletters.SimulateComplaint, "bob@example.com", "nl_7")
	if err != nil {
		t.Fatal(err)
	}
	h := app.Handlers(config.Config{}, c.st, nil, nil)[bus.ConsumerAudience][env.DetailType]
	if err := h(ctx, env); err != nil {
		t.Fatal(err)
	}
	if n := c.liveCount(admin, newsletters.ListProduct, `{}`); n != 0 {
		t.Fatalf("after the complaint the count is %d", n)
	}
	deliver("evt-delivered", "Email Delivered", sesDetail("delivered", "bob@example.com", "nl_7"))
	c.settledItems()
	bounced, complained, delivered := c.outboxOf("mail.bounced"), c.outboxOf("mail.complained"), c.outboxOf("mail.delivered")
	if len(bounced) != 2 || len(complained) != 1 || len(delivered) != 1 {
		t.Fatalf("events: %d bounced (soft and hard), %d complained, %d delivered", len(bounced), len(complained), len(delivered))
	}
	for _, d := range append(append(bounced, complained...), delivered...) {
		if !strings.Contains(d, `"newsletterId":"nl_7"`) {
			t.Fatalf("an event without its newsletter: %s", d)
		}
	}

	// The suppression list, for admins; taking Ann off sends to her again.
	var page newsletters.SuppressionPage
	if status, raw := c.call(admin, "GET", "/api/newsletters/suppressions", "", &page); status != 200 || len(page.Items) != 2 ||
		page.Items[0].Email != "bob@example.com" || page.Items[0].Reason != newsletters.ReasonComplaint || page.Items[1].Reason != newsletters.ReasonBounce ||
		page.Items[1].MemberID != "m_Ann" || page.Items[1].NewsletterID != "nl_7" {
		t.Fatalf("suppression list: %d %s", status, raw)
	}
	if status, _ := c.call(ann, "GET", "/api/newsletters/suppressions", "", nil); status != 403 {
		t.Fatalf("a member reads the suppression list: %d", status)
	}
	if status, raw := c.call(admin, "DELETE", "/api/newsletters/suppressions?email=not-an-address", "", nil); status != 400 {
		t.Fatalf("delete a non-address: %d %s", status, raw)
	}
	if status, raw := c.call(admin, "DELETE", "/api/newsletters/suppressions?email=ann%40example.com", "", nil); status != 204 {
		t.Fatalf("unsuppress: %d %s", status, raw)
	}
	if status, _ := c.call(admin, "DELETE", "/api/newsletters/suppressions?email=ann%40example.com", "", nil); status != 404 {
		t.Fatalf("unsuppress twice: %d", status)
	}
	if ok, _ := aud.MaySend(ctx, newsletters.ListProduct, annR); !ok {
		t.Fatal("taken off the suppression list, Ann still gets nothing")
	}
	// An event no handler can read is refused by Dispatch without an id.
	if err := dispatch(ctx, events.EventBridgeEvent{Source: "aws.ses", DetailType: "Email Bounced", Detail: json.RawMessage(`{}`)}); err == nil {
		t.Fatal("an SES event without any id was taken")
	}
}

func TestNewsletterListDefaultsForNewMembers(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Admin", "admin")
	var ls newsletters.ListSettings
	if status, raw := c.call(admin, "GET", "/api/newsletters/lists", "", &ls); status != 200 || !ls.Defaults[newsletters.ListDigest] || ls.Defaults[newsletters.ListProduct] {
		t.Fatalf("defaults: %d %s", status, raw)
	}
	joined := time.Now().Add(-time.Minute).UTC()
	c.deliver(bus.ConsumerAudience, eventtypes.MemberRegisteredType, &eventtypes.MemberRegistered{MemberID: newMember(t, c.st, "Early", []string{"member"})})
	for _, bad := range []string{`{"defaults":{}}`, `{"defaults":{"digest":true,"product":true}}`, `{"defaults":{"digest":true,"product":true,"events":true,"spam":true}}`} {
		if status, raw := c.call(admin, "PUT", "/api/newsletters/lists", bad, nil); status != 400 {
			t.Fatalf("defaults %s: %d %s", bad, status, raw)
		}
	}
	if status, raw := c.call(admin, "PUT", "/api/newsletters/lists", `{"defaults":{"digest":false,"product":true,"events":true}}`, &ls); status != 200 || ls.Defaults[newsletters.ListDigest] {
		t.Fatalf("save defaults: %d %s", status, raw)
	}
	late := c.as("Late")
	// Late chose the digest before the sign-up event came: their choice stays.
	c.subscribe(late, map[string]bool{newsletters.ListDigest: true})
	c.deliver(bus.ConsumerAudience, eventtypes.MemberRegisteredType, &eventtypes.MemberRegistered{MemberID: "m_Late"})
	c.deliver(bus.ConsumerAudience, eventtypes.MemberRegisteredType, &eventtypes.MemberRegistered{MemberID: "m_Late"})
	prefs := func(id string) map[string]newsletters.Consent {
		cs, err := c.st.Newsletters().Consents(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]newsletters.Consent{}
		for _, x := range cs {
			out[x.List] = x
		}
		return out
	}
	early, lateP := prefs("m_Early"), prefs("m_Late")
	if !early[newsletters.ListDigest].Subscribed || early[newsletters.ListProduct].Subscribed || early[newsletters.ListDigest].Source != newsletters.SourceSignUp ||
		early[newsletters.ListDigest].At.Before(joined) {
		t.Fatalf("Early's consent (the first defaults): %+v", early)
	}
	if !lateP[newsletters.ListDigest].Subscribed || lateP[newsletters.ListDigest].Source != newsletters.SourcePreferences ||
		!lateP[newsletters.ListProduct].Subscribed || !lateP[newsletters.ListEvents].Subscribed || lateP[newsletters.ListEvents].Source != newsletters.SourceSignUp {
		t.Fatalf("Late's consent (the new defaults, their own choice kept): %+v", lateP)
	}
	// Deleting the account erases the member's consent records.
	c.deliver(bus.ConsumerAudience, eventtypes.MemberDeletedType, &eventtypes.MemberDeleted{MemberID: "m_Late"})
	if left := prefs("m_Late"); len(left) != 0 {
		t.Fatalf("consent left after the account's deletion: %+v", left)
	}
}
