package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// BenchmarkPostPage is the post page of a discussion with 20 comments by 5 authors,
// read by a member who reacted to some, through the posting function's handler (guard
// included): as two requests (GET /api/posts/{id}, then its comments) and as one (GET
// /api/posts/{id}/page). It reports DynamoDB calls per page.
func BenchmarkPostPage(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	h, err := app.PostingHandler(app.Deps{Config: config.Config{PublicURL: "http://bench.local"}, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	cookies := map[string]string{}
	for _, name := range []string{"reader", "a1", "a2", "a3", "a4", "a5"} {
		id := newMember(b, st, name, []string{policy.RoleMember, policy.RoleAdmin})
		sess, cookie := auth.NewSession(id, time.Now(), "bench")
		if err := st.Members().CreateSession(context.Background(), sess); err != nil {
			b.Fatal(err)
		}
		cookies[name] = cookie
	}
	call := func(who, method, path, body string, want int) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookies[who]})
		return serve(b, h, r, want)
	}
	var sp spaces.Space
	_ = json.Unmarshal(call("reader", "POST", "/api/spaces", `{"name":"Bench","visibility":"public"}`, 201).Body.Bytes(), &sp)
	var p posts.Post
	_ = json.Unmarshal(call("a1", "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"discussion","title":"Bench","body":"Some text."}`, 201).Body.Bytes(), &p)
	for i := range 20 {
		var c posts.Comment
		_ = json.Unmarshal(call(fmt.Sprintf("a%d", i%5+1), "POST", "/api/posts/"+p.ID+"/comments", fmt.Sprintf(`{"body":"Comment %d."}`, i), 201).Body.Bytes(), &c)
		if i%4 == 0 {
			call("reader", "PUT", "/api/posts/"+p.ID+"/comments/"+c.ID+"/reactions/like", "", 200)
		}
	}
	call("reader", "PUT", "/api/posts/"+p.ID+"/reactions/like", "", 200)
	b.Run("two-requests", func(b *testing.B) {
		tbl.Trips.Reset()
		for i := 0; i < b.N; i++ {
			call("reader", "GET", "/api/posts/"+p.ID, "", 200)
			call("reader", "GET", "/api/posts/"+p.ID+"/comments", "", 200)
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/page")
	})
	b.Run("page", func(b *testing.B) {
		tbl.Trips.Reset()
		for i := 0; i < b.N; i++ {
			call("reader", "GET", "/api/posts/"+p.ID+"/page", "", 200)
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/page")
	})
}
