package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/metrics"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// suggestAs asks the composer's suggestions as who until they show one (the index is
// fed by the event path) and answers them: each request showing nothing starts no
// session, so exactly one session is started here.
func (c *community) suggestAs(who *http.Client, forWhat, query string) app.SuggestAnswer {
	c.t.Helper()
	var ans app.SuggestAnswer
	waitFor(c.t, "suggestions for "+query, func() bool {
		ans = app.SuggestAnswer{}
		status, body := c.call(who, "GET", "/api/search/suggest?for="+forWhat+"&q="+url.QueryEscape(query), "", &ans)
		if status != 200 {
			c.t.Fatalf("suggest: %d %s", status, body)
		}
		return len(ans.Results) > 0
	})
	if ans.SuggestionID == "" {
		c.t.Fatalf("suggestions shown without a suggestionId: %+v", ans)
	}
	return ans
}

// "Before you ask" end to end: the composers' suggestions come from the real index
// (a solved question), a ticket and a question opened with their suggestionId say
// afterSuggestions and count once per session, an unknown or already followed id is
// ignored (the ticket is opened all the same), a malformed one or one on a post that
// is no question is a 400 that writes nothing; the analytics and the dashboard give
// sessions, follow-ups, deflection, clicks and searches (KPI VII).
func TestDeflectionEndToEnd(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	c.withSearch()
	start := time.Now()
	admin, sam, cara, acme := c.supportDesk()
	ann, bob := c.as("ann"), c.as("bob")
	general := c.space(admin, "General", spaces.Public)
	for _, who := range []*http.Client{ann, bob, cara} {
		c.join(who, general.ID)
	}
	q := c.post(bob, general.ID, `{"kind":"question","title":"How do I rotate the API key?","body":"Ours leaked."}`)
	var answer posts.Comment
	if status, raw := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Settings, then Keys."}`, &answer); status != 201 {
		t.Fatalf("answer: %d %s", status, raw)
	}
	if status, raw := c.call(bob, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}

	n := 0
	ticket := func(suggestion string) (int, string) {
		n++ // each ticket its own request (the same one again within 5 minutes is a repeat)
		body := fmt.Sprintf(`{"subject":"Key rotation %d","product":"General","severity":"normal","body":"How?"`, n)
		if suggestion != "" {
			body += `,"suggestionId":"` + suggestion + `"`
		}
		return c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets", body+"}", nil)
	}
	followed := c.suggestAs(cara, "ticket", "rotate api key")
	// The same composer asking again with its suggestionId goes on with its session:
	// another pause in typing is not another session.
	var again app.SuggestAnswer
	if status, raw := c.call(cara, "GET", "/api/search/suggest?for=ticket&q=rotate+api&suggestionId="+followed.SuggestionID, "", &again); status != 200 ||
		len(again.Results) == 0 || again.SuggestionID != followed.SuggestionID {
		t.Fatalf("a composer's second request: %d %s, want its session %s going on", status, raw, followed.SuggestionID)
	}
	if status, raw := c.call(cara, "GET", "/api/search/suggest?for=ticket&q=rotate&suggestionId=not+an+id", "", nil); status != 400 || problemCode(raw) != "search_bad_filter" {
		t.Fatalf("a malformed suggestionId: %d %s", status, raw)
	}
	for i, id := range []string{followed.SuggestionID, followed.SuggestionID, "q_nosuchsuggestion"} {
		if status, raw := ticket(id); status != 201 {
			t.Fatalf("ticket %d with suggestionId %s: %d %s", i, id, status, raw)
		}
	}
	asked := c.suggestAs(cara, "question", "rotate the key")
	before := c.settledItems()
	if status, raw := ticket("../not an id"); status != 400 || problemCode(raw) != "invalid_id" {
		t.Fatalf("a malformed suggestionId: %d %s", status, raw)
	}
	if status, raw := c.call(cara, "POST", "/api/spaces/"+general.ID+"/posts",
		`{"kind":"discussion","title":"Keys","body":"Thoughts?","suggestionId":"`+asked.SuggestionID+`"}`, nil); status != 400 || problemCode(raw) != "field_not_for_kind" {
		t.Fatalf("a suggestionId on a discussion: %d %s", status, raw)
	}
	if n := c.settledItems(); n != before {
		t.Fatalf("refused requests wrote %d items", n-before)
	}
	c.post(cara, general.ID, `{"kind":"question","title":"Rotating keys twice?","body":"Can I?","suggestionId":"`+asked.SuggestionID+`"}`)
	// A ticket composer's session followed by a question counts nothing and stays open:
	// this one deflects (nobody opens a ticket from it), and its suggestion is clicked.
	deflected := c.suggestAs(cara, "ticket", "rotate")
	c.post(cara, general.ID, `{"kind":"question","title":"Rotation schedule?","body":"Monthly?","suggestionId":"`+deflected.SuggestionID+`"}`)
	click := `{"searchId":"` + deflected.SuggestionID + `","resultId":"` + deflected.Results[0].ID + `","position":1}`
	for range 3 {
		if status, raw := c.call(cara, "POST", "/api/search/clicks", click, nil); status != 204 {
			t.Fatalf("click: %d %s", status, raw)
		}
	}
	// Two searches from the search box (KPI VII), one found nothing.
	c.searchAs(bob, "q=rotate")
	c.searchAs(bob, "q=zzyzx")
	c.searchAs(bob, "q=zzyzx") // listed from its second search (metrics.MinQueryListed)
	// Its next page is the same search read on: not counted, no searchId of its own.
	var more app.SearchAnswer
	if status, raw := c.call(bob, "GET", "/api/search?q=rotate&offset=20", "", &more); status != 200 || more.SearchID != "" {
		t.Fatalf("a second page: %d %s", status, raw)
	}
	c.settledItems()

	from, to := metrics.Day(start), metrics.Day(time.Now())
	var r metrics.SearchReport
	if status, raw := c.call(sam, "GET", "/api/search/analytics?from="+from+"&to="+to, "", &r); status != 200 {
		t.Fatalf("analytics: %d %s", status, raw)
	}
	d := r.Deflection
	if d.TicketSessions != 2 || d.QuestionSessions != 1 || d.TicketsAfter != 1 || d.QuestionsAfter != 1 || d.Deflected != 1 ||
		d.Rate == nil || *d.Rate != 1.0/3 || d.Clicks != 1 || d.SessionsClicked != 1 {
		t.Fatalf("deflection %+v (rate %v)", d, d.Rate)
	}
	if r.Searches != 3 || r.NoResult != 2 || len(r.NoResultQueries) != 1 || r.NoResultQueries[0].Query != "zzyzx" ||
		len(r.TopQueries) != 1 || r.TopQueries[0].Query != "zzyzx" {
		t.Fatalf("searches %d, no result %d %+v", r.Searches, r.NoResult, r.NoResultQueries)
	}
	var k metrics.KpiReport
	if status, raw := c.call(admin, "GET", "/api/kpis?from="+from+"&to="+to, "", &k); status != 200 {
		t.Fatalf("dashboard: %d %s", status, raw)
	}
	if card := kpiCard(t, k, "searches"); !card.Available || card.Value == nil || *card.Value != 3 {
		t.Errorf("searches %+v, want 3", card)
	}
	if card := kpiCard(t, k, "suggestion_deflection"); card.Value == nil || *card.Value != 100.0/3 || card.Unit != metrics.UnitPercent {
		t.Errorf("suggestion deflection %+v, want 33.3 %%", card)
	}
	status, csv := c.callRaw(admin, "GET", "/api/kpis/export.csv?kpi=searches&from="+to+"&to="+to)
	if status != 200 || !strings.HasPrefix(csv, "day,value\n"+to+",") {
		t.Errorf("searches CSV: %d %q", status, csv)
	}
}

// callRaw is a request whose answer is no JSON (a CSV).
func (c *community) callRaw(who *http.Client, method, path string) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.srv.URL+path, nil)
	resp, err := who.Do(req)
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

// The analytics route against every role (staff only: search.analytics), and the
// click route's bad input: each a 4xx problem with its code, none counted.
func TestSearchAnalyticsRolesAndBadInput(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	today := metrics.Day(time.Now())
	path := "/api/search/analytics?from=" + today + "&to=" + today
	for _, role := range policy.Roles {
		roles := []string{}
		if role != policy.RoleMember {
			roles = append(roles, role)
		}
		who := c.as("someone"+role, roles...)
		status, raw := c.call(who, "GET", path, "", nil)
		if allowed := policy.Allowed(append(roles, policy.RoleMember), policy.SearchAnalytics); allowed != (status == 200) || (!allowed && status != 403) {
			t.Errorf("%s: %d %s (allowed %v)", role, status, raw, allowed)
		}
	}
	if status, _ := c.call(c.visitor(), "GET", path, "", nil); status != 401 {
		t.Errorf("a visitor: %d", status)
	}
	admin := c.as("ada", policy.RoleAdmin)
	for _, bad := range []struct{ query, code string }{
		{"from=2026-01-01&to=2026-06-01", "invalid_search_range"},                                  // over 92 days
		{"from=" + today + "&to=" + metrics.Day(time.Now().AddDate(0, 0, 2)), "invalid_kpi_range"}, // after today
		{"from=yesterday&to=" + today, "invalid_search_range"},
	} {
		if status, raw := c.call(admin, "GET", "/api/search/analytics?"+bad.query, "", nil); status != 400 || problemCode(raw) != bad.code {
			t.Errorf("%s: %d %s", bad.query, status, raw)
		}
	}
	bob := c.as("bob")
	for _, bad := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"resultId":"p_1","position":1}`, 400, "missing_field"},
		{`{"searchId":"../x","resultId":"p_1","position":1}`, 400, "invalid_id"},
		{`{"searchId":"q_abc","resultId":"p 1","position":1}`, 400, "invalid_result_id"},
		{`{"searchId":"q_nosuchsearch","resultId":"p_1","position":1}`, 404, "search_not_found"},
		{`{"searchId":"q_abc","resultId":"p_1","position":1,"who":"m_1"}`, 400, "unknown_field"},
		{`{"searchId":"q_abc","resultId":"` + strings.Repeat("p", 5000) + `","position":1}`, 413, "body_too_large"},
	} {
		if status, raw := c.call(bob, "POST", "/api/search/clicks", bad.body, nil); status != bad.status || (bad.code != "unknown_field" && problemCode(raw) != bad.code) {
			t.Errorf("%.60s: %d %s", bad.body, status, raw)
		}
	}
}
