package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// BenchmarkNewsletterRender is one recipient's copy of a newsletter with every community
// block (3 public spaces of 10 posts each, a closed space the recipient belongs to, a
// live campaign), as the sender renders it one recipient after another against DynamoDB
// Local: the time per copy, and the DynamoDB calls per copy once the spaces' content is
// kept (the cache is warm after the first copy of a minute).
func BenchmarkNewsletterRender(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	ctx := context.Background()
	cfg := config.Config{PublicURL: "http://bench.local"}
	h, err := app.LocalHandler(app.Deps{Config: cfg, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	call := func(memberID, method, path, body string) string {
		sess, cookie := auth.NewSession(memberID, time.Now(), "bench")
		if err := st.Members().CreateSession(ctx, sess); err != nil {
			b.Fatal(err)
		}
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 300 {
			b.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body.String())
		}
		return w.Body.String()
	}
	idOf := func(body string) string {
		i := strings.Index(body, `"id":"`) + 6
		return body[i : i+strings.Index(body[i:], `"`)]
	}
	admin := newMember(b, st, "ada", []string{policy.RoleMember, policy.RoleAdmin})
	const recipients = 50
	ids := make([]string, recipients)
	for i := range ids {
		ids[i] = newMember(b, st, fmt.Sprintf("r%d", i), []string{policy.RoleMember})
	}
	for s := range 3 {
		sp := idOf(call(admin, "POST", "/api/spaces", fmt.Sprintf(`{"name":"Space %d","visibility":"public"}`, s)))
		for p := range 10 {
			kind := []string{"discussion", "question", "idea"}[p%3]
			call(admin, "POST", "/api/spaces/"+sp+"/posts", fmt.Sprintf(`{"kind":%q,"title":"Post %d of space %d","body":"Some text."}`, kind, p, s))
		}
	}
	closed := idOf(call(admin, "POST", "/api/spaces", `{"name":"Club","visibility":"closed"}`))
	call(admin, "POST", "/api/spaces/"+closed+"/posts", `{"kind":"discussion","title":"Club news","body":"x"}`)
	for _, id := range ids[:10] {
		call(admin, "POST", "/api/spaces/"+closed+"/invitations", fmt.Sprintf(`{"memberId":%q}`, id))
		call(id, "POST", "/api/spaces/"+closed+"/join", "")
	}
	trips := &store.RoundTrips{}
	counted := store.New(tbl.Client(b, trips.Option()), tbl.Name)
	r := app.NewsletterRenderer(app.Deps{Config: cfg, Store: counted})
	var w newsletters.Writing
	w.DefaultLang, w.PeriodDays = "en", 7
	w.Versions = []newsletters.Version{{Lang: "en", Subject: "Hello {{first_name}}", Body: "Here is **the week**."}}
	for _, k := range newsletters.BlockKinds {
		w.Blocks = append(w.Blocks, newsletters.Block{Kind: k, Limit: 5})
	}
	n := newsletters.Newsletter{ID: "nl_bench", Writing: w}
	if _, err := r.Render(ctx, n, newsletters.Recipient{MemberID: ids[0], Name: "R0", Lang: "en"}); err != nil {
		b.Fatal(err)
	}
	trips.Reset()
	b.ResetTimer()
	for i := range b.N {
		out, err := r.Render(ctx, n, newsletters.Recipient{MemberID: ids[i%recipients], Name: "R", Lang: "en"})
		if err != nil || !strings.Contains(out.HTML, "of space") {
			b.Fatalf("%v", err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(trips.Count())/float64(b.N), "ddb-calls/copy")
}
