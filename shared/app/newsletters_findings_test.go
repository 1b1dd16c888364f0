package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// Issue 13, tester 13's findings on the API (FINDINGS13.md 1, 2, 3, 11 and the French
// footer).

// Finding 1: a HEAD on a newsletter's link (what link scanners and previewers send) is
// answered like a GET, a 302 to the link, and counts nothing; the GET after it counts
// one click. The open image alike: a HEAD answers the GIF's headers and counts no open.
func TestNewsletterHeadCountsNothing(t *testing.T) {
	t.Parallel()
	e := newResultsEnv(t)
	hrefs := e.rewritten("nl_head", `<p><a href="https://example.org/page">Page</a></p>`)
	if len(hrefs) != 1 {
		t.Fatalf("hrefs %q", hrefs)
	}
	visitor := e.as("")
	resp, body := e.do(visitor, "HEAD", hrefs[0], "")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://example.org/page" || body != "" {
		t.Fatalf("HEAD: %d %q %q", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	nl := e.st.Newsletters()
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Clicks != 0 || c.Visits != 0 {
		t.Fatalf("a HEAD counted: %+v", c)
	}
	if resp, _ := e.do(visitor, "HEAD", hrefs[0]+"x", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("HEAD of a damaged token: %d", resp.StatusCode)
	}
	if resp, _ := e.do(visitor, "GET", hrefs[0], ""); resp.StatusCode != http.StatusFound {
		t.Fatalf("GET: %d", resp.StatusCode)
	}
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Clicks != 1 {
		t.Fatalf("clicks %d after a HEAD and a GET, want 1", c.Clicks)
	}
	if links, _ := nl.LinkClicks(context.Background(), "nl_head", 10); len(links) != 1 || links[0].Clicks != 1 {
		t.Fatalf("link clicks %+v, want one of 1", links)
	}

	admin := e.as("Ada", "admin")
	if resp, _ := e.do(admin, "PUT", "/api/newsletters/tracking", `{"openTracking":true}`); resp.StatusCode != 200 {
		t.Fatalf("tracking on: %d", resp.StatusCode)
	}
	links, err := app.NewsletterLinks(context.Background(), e.d)
	if err != nil {
		t.Fatal(err)
	}
	image := links.OpenURL("nl_head")
	resp, body = e.do(visitor, "HEAD", image, "")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" || body != "" {
		t.Fatalf("HEAD of the image: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Opens != 0 {
		t.Fatalf("a HEAD of the image counted %d opens", c.Opens)
	}
	if resp, _ := e.do(visitor, "GET", image, ""); resp.StatusCode != 200 {
		t.Fatalf("GET of the image: %d", resp.StatusCode)
	}
	if c, _ := nl.ResultCounters(context.Background(), "nl_head"); c.Opens != 1 {
		t.Fatalf("opens %d after a HEAD and a GET, want 1", c.Opens)
	}
}

// postForm posts body as contentType to address, without cookie, and returns the status
// and the body.
func postForm(t *testing.T, address, contentType string, body []byte) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", strings.Trim(address, "<>"), bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// multipartForm is a multipart/form-data body of fields (as curl -F sends them), or of
// one file part when file is set.
func multipartForm(t *testing.T, fields map[string]string, file string) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		f, _ := w.CreateFormFile("List-Unsubscribe", "one-click.txt")
		_, _ = f.Write([]byte(file))
	}
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// Finding 2: RFC 8058's one-click POST in either of its encodings, multipart/form-data
// (the SHOULD, what curl -F sends) and application/x-www-form-urlencoded (the MAY),
// unsubscribes; a multipart body that is not List-Unsubscribe=One-Click (another value,
// a file part, over 4 KiB) is 400 one_click_body and writes nothing.
func TestNewsletterOneClickMultipartAndURLEncoded(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("Ann")
	c.subscribe(ann, map[string]bool{newsletters.ListDigest: true, newsletters.ListProduct: true, newsletters.ListEvents: true})
	aud := c.audienceOf()
	r := newsletters.Recipient{MemberID: "m_Ann", Email: "ann@example.com", Name: "Ann", Lang: "en"}
	_, product := aud.Unsubscribe(r, newsletters.ListProduct, "nl_mp")
	_, digest := aud.Unsubscribe(r, newsletters.ListDigest, "nl_ue")

	before := c.settledItems()
	for name, body := range map[string]func() (string, []byte){
		"another value": func() (string, []byte) {
			return multipartForm(t, map[string]string{"List-Unsubscribe": "Maybe"}, "")
		},
		"a file part": func() (string, []byte) { return multipartForm(t, nil, "One-Click") },
		"over 4 KiB": func() (string, []byte) {
			return multipartForm(t, map[string]string{"List-Unsubscribe": "One-Click", "pad": strings.Repeat("x", 5000)}, "")
		},
		"no boundary": func() (string, []byte) { return "multipart/form-data", []byte("List-Unsubscribe=One-Click") },
		"urlencoded, another value": func() (string, []byte) {
			return "application/x-www-form-urlencoded", []byte("List-Unsubscribe=Maybe")
		},
	} {
		ct, b := body()
		if status, raw := postForm(t, product["List-Unsubscribe"], ct, b); status != 400 || !strings.Contains(raw, "one_click_body") {
			t.Errorf("%s: %d %s", name, status, raw)
		}
	}
	if got := c.settledItems(); got != before {
		t.Fatalf("refused one-click bodies wrote %d items", got-before)
	}
	if ok, _ := aud.MaySend(context.Background(), newsletters.ListProduct, r); !ok {
		t.Fatal("a refused body unsubscribed")
	}

	ct, b := multipartForm(t, map[string]string{"List-Unsubscribe": "One-Click"}, "")
	if status, raw := postForm(t, product["List-Unsubscribe"], ct, b); status != 200 {
		t.Fatalf("multipart one-click: %d %s", status, raw)
	}
	if status, raw := postForm(t, digest["List-Unsubscribe"], "application/x-www-form-urlencoded", []byte(url.Values{"List-Unsubscribe": {"One-Click"}}.Encode())); status != 200 {
		t.Fatalf("urlencoded one-click: %d %s", status, raw)
	}
	var prefs newsletters.Preferences
	c.call(ann, "GET", "/api/me/newsletters", "", &prefs)
	for _, p := range prefs.Lists {
		want := p.List == newsletters.ListEvents
		if p.Subscribed != want || (!want && p.Source != newsletters.SourceOneClick) {
			t.Errorf("after the one-click posts: %+v", p)
		}
	}
	// The multipart token is spent like the urlencoded one.
	if status, _ := postForm(t, product["List-Unsubscribe"], ct, b); status != 409 {
		t.Fatalf("the multipart token again: %d, want 409", status)
	}
}

// Finding 3 (and 11's digest): a segment the audience count refuses is refused, with
// the count's own 400 code and field, when a newsletter is created or updated, when a
// digest is saved, and when a newsletter is scheduled; nothing is written.
func TestNewsletterSegmentIsCheckedAtSaveAsAtCount(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	var draft newsletters.Newsletter
	if status, raw := c.call(mia, "POST", "/api/newsletters", newsletterJSON("Good", "Good news", newsletters.BlockTopPosts), &draft); status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		segment     map[string]any
		code, field string
	}{
		{map[string]any{"spaceIds": []string{"s_nope"}}, "segment_space_unknown", "segment.spaceIds"},
		{map[string]any{"spaceIds": []string{"s_a", "s_a"}}, "segment_spaces", "segment.spaceIds"},
		{map[string]any{"roles": []string{"god"}}, "segment_roles", "segment.roles"},
		{map[string]any{"languages": []string{"xx"}}, "segment_languages", "segment.languages"},
		{map[string]any{"activeDays": 5, "inactiveDays": 5}, "segment_days", "segment.activeDays"},
		{map[string]any{"activeDays": -1}, "segment_days", "segment.activeDays"},
		{map[string]any{"inactiveDays": 3651}, "segment_days", "segment.activeDays"},
		{map[string]any{"joinedAfter": future}, "segment_joined_after", "segment.joinedAfter"},
	}
	full := func(seg map[string]any) map[string]any {
		out := map[string]any{"spaceIds": []string{}, "roles": []string{}, "languages": []string{}}
		for k, v := range seg {
			out[k] = v
		}
		return out
	}
	before, count := c.settledItems(), c.newsletterCount()
	for _, tc := range cases {
		seg := full(tc.segment)
		var in map[string]any
		_ = json.Unmarshal([]byte(newsletterJSON("Bad", "Bad news", newsletters.BlockTopPosts)), &in)
		in["segment"] = seg
		body, _ := json.Marshal(in)
		countBody, _ := json.Marshal(map[string]any{"list": newsletters.ListDigest, "segment": seg})
		digest, _ := json.Marshal(map[string]any{"enabled": true, "weekday": 1, "hour": 9, "timeZone": "Europe/Paris",
			"writing": map[string]any{"name": "Weekly", "defaultLang": "en", "versions": []map[string]any{{"lang": "en", "subject": "Your week", "body": ""}},
				"blocks": []map[string]any{{"kind": "top_posts"}}},
			"segment": seg})
		for _, call := range []struct{ method, path, body string }{
			{"POST", "/api/newsletters/audience/count", string(countBody)},
			{"POST", "/api/newsletters", string(body)},
			{"PUT", "/api/newsletters/" + draft.ID, string(body)},
			{"PUT", "/api/newsletter-digests/weekly", string(digest)},
		} {
			status, raw := c.call(mia, call.method, call.path, call.body, nil)
			code, field := problemAndField(t, raw)
			if status != 400 || code != tc.code || field != tc.field {
				t.Errorf("%s %s with %v: %d %s %s, want 400 %s %s", call.method, call.path, tc.segment, status, code, field, tc.code, tc.field)
			}
		}
	}
	if got := c.settledItems(); got != before || c.newsletterCount() != count {
		t.Fatalf("refused segments wrote %d items", got-before)
	}
	var digests struct{ Digests []newsletters.Digest }
	if c.call(mia, "GET", "/api/newsletter-digests", "", &digests); len(digests.Digests) != 2 || digests.Digests[0].Enabled {
		t.Fatalf("a refused digest was switched on: %+v", digests.Digests)
	}

	// A newsletter that holds such a segment (written before this check) is refused at
	// scheduling with the same code.
	bad := draft
	bad.ID, bad.Segment = "nl_badsegment", newsletters.Segment{SpaceIDs: []string{}, Roles: []string{"god"}, Languages: []string{}}
	if err := c.st.Newsletters().CreateNewsletter(context.Background(), bad); err != nil {
		t.Fatal(err)
	}
	status, raw := c.call(mia, "POST", "/api/newsletters/nl_badsegment/schedule", `{"now":true}`, nil)
	if code, _ := problemAndField(t, raw); status != 400 || code != "segment_roles" {
		t.Fatalf("schedule: %d %s", status, raw)
	}

	// A valid segment is saved normalised, as the count reads it.
	var saved newsletters.Newsletter
	var in map[string]any
	_ = json.Unmarshal([]byte(newsletterJSON("Fine", "Fine news", newsletters.BlockTopPosts)), &in)
	in["segment"] = full(map[string]any{"roles": []string{"moderator", "admin", "moderator"}, "languages": []string{"fr"}, "activeDays": 30})
	body, _ := json.Marshal(in)
	if status, raw := c.call(mia, "POST", "/api/newsletters", string(body), &saved); status != 201 ||
		strings.Join(saved.Segment.Roles, ",") != "admin,moderator" || saved.Segment.ActiveDays != 30 {
		t.Fatalf("a valid segment: %d %s", status, raw)
	}
}

// Finding 3: half a personalisation token ({{first_name}, {first_name}}, {first_name})
// in a subject, preheader or body is refused at save (400 incomplete_newsletter_token,
// the field named, a sentence naming {{first_name}}), as an unknown one ({{ first_nme }})
// is (unknown_newsletter_token); nothing is written. Blocks' limit 0 and periodDays 0
// (or absent) are the documented defaults, 5 and 7.
func TestNewsletterHalfTokenIsRefusedAtSave(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	cases := []struct {
		field, value, code string
	}{
		{"subject", "Hi {{first_name}", "incomplete_newsletter_token"},
		{"subject", "Hi {first_name}}", "incomplete_newsletter_token"},
		{"preheader", "For {first_name}", "incomplete_newsletter_token"},
		{"body", "Hello {{ first_name }, welcome", "incomplete_newsletter_token"},
		{"body", "Hello {{{first_name}}}", "incomplete_newsletter_token"},
		{"body", "Hello {{first_name}} and }} more", "incomplete_newsletter_token"},
		{"body", "Hello {{ first_nme }}", "unknown_newsletter_token"},
		{"subject", "Hi {{ last_name }}", "unknown_newsletter_token"},
	}
	before, count := c.settledItems(), c.newsletterCount()
	for _, tc := range cases {
		var in map[string]any
		_ = json.Unmarshal([]byte(newsletterJSON("Tokens", "Tokens")), &in)
		in["versions"].([]any)[1].(map[string]any)[tc.field] = tc.value
		body, _ := json.Marshal(in)
		status, raw := c.call(mia, "POST", "/api/newsletters", string(body), nil)
		code, field := problemAndField(t, raw)
		if status != 400 || code != tc.code || field != "versions[1]."+tc.field || !strings.Contains(raw, "{{first_name}}") {
			t.Errorf("%s %q: %d %s", tc.field, tc.value, status, raw)
		}
	}
	if got := c.settledItems(); got != before || c.newsletterCount() != count {
		t.Fatalf("refused tokens wrote %d items", got-before)
	}

	var in map[string]any
	_ = json.Unmarshal([]byte(newsletterJSON("Fine", "Hi {{ first_name }}", newsletters.BlockTopPosts, newsletters.BlockIdeas)), &in)
	in["blocks"].([]any)[0].(map[string]any)["limit"] = 0
	delete(in, "periodDays")
	body, _ := json.Marshal(in)
	var n newsletters.Newsletter
	if status, raw := c.call(mia, "POST", "/api/newsletters", string(body), &n); status != 201 || n.Versions[0].Subject != "Hi {{first_name}}" ||
		n.Blocks[0].Limit != newsletters.DefaultBlockItems || n.Blocks[1].Limit != newsletters.DefaultBlockItems || n.PeriodDays != newsletters.DefaultPeriodDays {
		t.Fatalf("defaults: %d %s", status, raw)
	}
}

// Finding 11: a scheduled announcement whose pin ends the instant it is published (the
// same instant sent twice, with a fraction of a second), or within the same second, is
// 400 invalid_pinned_until and nothing is written; a pin a second later is accepted.
func TestScheduledAnnouncementPinMustEndAfterPublication(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, marketer := c.as("ada", policy.RoleAdmin), c.as("mara", policy.RoleMarketer)
	square := c.space(admin, "Town square", "public", marketer)
	path := "/api/spaces/" + square.ID + "/scheduled-announcements"
	at := time.Now().Add(time.Hour).Truncate(time.Second).Add(500 * time.Millisecond)
	body := func(publish, pinned time.Time) string {
		return fmt.Sprintf(`{"title":"x","body":"x","publishAt":%q,"pinnedUntil":%q}`, publish.UTC().Format(time.RFC3339Nano), pinned.UTC().Format(time.RFC3339Nano))
	}
	before := c.settledItems()
	for name, pinned := range map[string]time.Time{"the same instant": at, "within its second": at.Add(400 * time.Millisecond),
		"before": at.Add(-time.Second)} {
		status, raw := c.call(marketer, "POST", path, body(at, pinned), nil)
		if code, field := problemAndField(t, raw); status != 400 || code != "invalid_pinned_until" || field != "pinnedUntil" {
			t.Errorf("%s: %d %s", name, status, raw)
		}
	}
	if got := c.settledItems(); got != before {
		t.Fatalf("refused announcements wrote %d items", got-before)
	}
	if _, page := c.calendar(marketer, time.Now(), time.Now().Add(48*time.Hour)); len(page.Entries) != 0 {
		t.Fatalf("the calendar shows %+v", page.Entries)
	}
	if status, raw := c.call(marketer, "POST", path, body(at, at.Add(time.Second)), nil); status != 201 {
		t.Fatalf("a pin a second after: %d %s", status, raw)
	}
}

// The French mail's text footer puts a no-break space before its colons ("Lire dans le
// navigateur : …", "Se désabonner : …"), as the app's French does; English does not.
func TestNewsletterFrenchFooterSpacesItsColons(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	for lang, want := range map[string][]string{
		"fr": {"\nLire dans le navigateur\u00a0: http", "\nSe désabonner\u00a0: "},
		"en": {"\nRead it in your browser: http", "\nUnsubscribe: "},
	} {
		in, _ := json.Marshal(map[string]any{"writing": map[string]any{"name": "Footer", "defaultLang": lang, "archive": true,
			"versions": []map[string]any{{"lang": lang, "subject": "S", "body": "Hello"}}, "blocks": []any{}}})
		var p newsletters.Preview
		if status, raw := c.call(mia, "POST", "/api/newsletters/preview", string(in), &p); status != 200 {
			t.Fatalf("%s preview: %d %s", lang, status, raw)
		}
		for _, w := range want {
			if !strings.Contains(p.Text, w) {
				t.Errorf("%s text lacks %q:\n%s", lang, w, p.Text)
			}
		}
		if lang == "fr" && strings.Contains(p.Text, "r :") {
			t.Errorf("a plain space before a French colon:\n%s", p.Text)
		}
	}
}

// problemFieldList are a problem answer's code, field and the fields of its `fields`
// member, in order.
func problemFieldList(t *testing.T, body string) (code, field string, fields []string) {
	t.Helper()
	var p struct {
		Code, Field string
		Fields      []struct{ Field, Code, Detail string }
	}
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("not a problem: %s", body)
	}
	for _, f := range p.Fields {
		if f.Code == "" || f.Detail == "" {
			t.Fatalf("a field without code or detail: %s", body)
		}
		fields = append(fields, f.Field)
	}
	return p.Code, p.Field, fields
}

// Round 2, finding 13: saving a newsletter (create and update) checks the whole body
// and answers every wrong field at once (`fields`, each with its code and sentence),
// `code` and `field` being the first's; one wrong field is that one alone; nothing is
// written. (A body missing members altogether is refused before, by the routes' shape
// check: 400 missing_field.)
func TestNewsletterSaveAnswersEveryWrongFieldAtOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mia := c.as("Mia", policy.RoleMarketer)
	var draft newsletters.Newsletter
	if status, raw := c.call(mia, "POST", "/api/newsletters", newsletterJSON("Good", "Good news", newsletters.BlockTopPosts), &draft); status != 201 {
		t.Fatalf("create: %d %s", status, raw)
	}
	edit := func(change func(in map[string]any)) string {
		var in map[string]any
		_ = json.Unmarshal([]byte(newsletterJSON("Fine", "Fine news", newsletters.BlockTopPosts)), &in)
		change(in)
		b, _ := json.Marshal(in)
		return string(b)
	}
	version := func(in map[string]any, i int) map[string]any { return in["versions"].([]any)[i].(map[string]any) }
	future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	cases := []struct {
		name, body string
		code       string
		fields     []string
	}{
		{"an empty body", `{"name":"","defaultLang":"","versions":[{"lang":"","subject":"","body":""}],"blocks":[],"list":"",` +
			`"segment":{"spaceIds":[],"roles":[],"languages":[]}}`,
			"invalid_newsletter_name", []string{"name", "defaultLang", "versions[0].lang", "versions[0].subject", "versions[0].body", "list"}},
		{"no version", `{"name":"","defaultLang":"","versions":[],"blocks":[],"list":"","segment":{"spaceIds":[],"roles":[],"languages":[]}}`,
			"invalid_newsletter_name", []string{"name", "defaultLang", "versions", "list"}},
		{"the editor's empty form", `{"name":"","defaultLang":"en","versions":[{"lang":"en","subject":"","preheader":"","body":""}],"blocks":[],"list":"digest",` +
			`"segment":{"spaceIds":[],"roles":[],"languages":[]}}`,
			"invalid_newsletter_name", []string{"name", "versions[0].subject", "versions[0].body"}},
		{"everything wrong", edit(func(in map[string]any) {
			in["name"] = strings.Repeat("n", newsletters.MaxNameRunes+1)
			in["defaultLang"] = "xx"
			version(in, 0)["subject"] = "Hi {{first_name}"
			version(in, 0)["preheader"] = strings.Repeat("p", newsletters.MaxPreheaderRunes+1)
			version(in, 1)["body"] = "Bonjour {{ first_nme }}"
			version(in, 1)["firstNameFallback"] = strings.Repeat("f", newsletters.MaxFallbackRunes+1)
			in["blocks"] = []map[string]any{{"kind": "top_posts"}, {"kind": "gossip"}}
			in["periodDays"] = 40
			in["list"] = "nope"
			in["segment"] = map[string]any{"spaceIds": []string{}, "roles": []string{"god"}, "languages": []string{}, "joinedAfter": future}
		}), "invalid_newsletter_name", []string{"name", "defaultLang", "versions[0].subject", "versions[0].preheader",
			"versions[1].firstNameFallback", "versions[1].body", "blocks[1]", "periodDays", "list", "segment.roles", "segment.joinedAfter"}},
		{"one wrong field", edit(func(in map[string]any) { version(in, 1)["subject"] = "" }),
			"invalid_newsletter_subject", []string{"versions[1].subject"}},
		{"one wrong segment condition", edit(func(in map[string]any) {
			in["segment"] = map[string]any{"spaceIds": []string{"s_nope"}, "roles": []string{}, "languages": []string{}}
		}), "segment_space_unknown", []string{"segment.spaceIds"}},
		{"no version in the default language", edit(func(in map[string]any) { in["defaultLang"] = "de"; version(in, 0)["body"] = "" }),
			"invalid_newsletter_language", []string{"defaultLang"}},
	}
	before, count := c.settledItems(), c.newsletterCount()
	for _, tc := range cases {
		for _, call := range []struct{ method, path string }{{"POST", "/api/newsletters"}, {"PUT", "/api/newsletters/" + draft.ID}} {
			status, raw := c.call(mia, call.method, call.path, tc.body, nil)
			code, field, fields := problemFieldList(t, raw)
			if status != 400 || code != tc.code || field != tc.fields[0] || strings.Join(fields, " ") != strings.Join(tc.fields, " ") {
				t.Errorf("%s, %s: %d %s %s %q\nwant 400 %s %q", tc.name, call.method, status, code, field, fields, tc.code, tc.fields)
			}
		}
	}
	if got := c.settledItems(); got != before || c.newsletterCount() != count {
		t.Fatalf("refused saves wrote %d items", got-before)
	}
	var now newsletters.Newsletter
	if c.call(mia, "GET", "/api/newsletters/"+draft.ID, "", &now); now.Name != "Good" || !now.UpdatedAt.Equal(draft.UpdatedAt) {
		t.Fatalf("the draft changed: %+v", now)
	}
}

// Round 2, finding 16: the mail's text part, through the preview as the editor shows
// it: it starts with the community's name (no stray space), the body's Markdown is
// readable text (a relative link as its text and the community's absolute address),
// and a question shown among the top posts is not shown again under "Questions
// waiting for an answer" (nor an idea under "New ideas"): an item appears once per mail.
func TestNewsletterTextPartAndItemsOncePerMail(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", policy.RoleAdmin)
	mia := c.as("Mia", policy.RoleMarketer)
	square := c.space(admin, "Town square", spaces.Public, mia)
	c.post(admin, square.ID, `{"kind":"question","title":"Only question","body":"Anyone?"}`)
	c.post(admin, square.ID, `{"kind":"idea","title":"Only idea","body":"Let us."}`)
	in, _ := json.Marshal(map[string]any{"writing": map[string]any{"name": "Text", "defaultLang": "en",
		"versions": []map[string]any{{"lang": "en", "subject": "S", "body": "Hello **{{first_name}}**: [home](/) and [the square](/spaces/" + square.ID + ")."}},
		"blocks":   []map[string]any{{"kind": "top_posts"}, {"kind": "unanswered"}, {"kind": "ideas"}}}})
	var p newsletters.Preview
	if status, raw := c.call(mia, "POST", "/api/newsletters/preview", string(in), &p); status != 200 {
		t.Fatalf("preview: %d %s", status, raw)
	}
	want := "Tribune\n\nHello Mia: home (" + c.srv.URL + "/) and the square (" + c.srv.URL + "/spaces/" + square.ID + ").\n"
	if !strings.HasPrefix(p.Text, want) || strings.Contains(p.Text, "**") || strings.Contains(p.Text, "](") {
		t.Errorf("text:\n%s\nwant it to start:\n%s", p.Text, want)
	}
	for _, title := range []string{"Only question", "Only idea"} {
		if n := strings.Count(p.Text, title); n != 1 {
			t.Errorf("%q is %d times in the text:\n%s", title, n, p.Text)
		}
		if n := strings.Count(p.HTML, title); n != 1 {
			t.Errorf("%q is %d times in the mail:\n%s", title, n, p.HTML)
		}
	}
	if strings.Contains(p.Text, "Questions waiting for an answer") || strings.Contains(p.Text, "New ideas") {
		t.Errorf("a block with nothing left to show is there:\n%s", p.Text)
	}
}
