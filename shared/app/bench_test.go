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
	"tribune/shared/mail"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// memoryMail keeps the last message, to follow its link.
type memoryMail struct{ last mail.Message }

func (m *memoryMail) Send(_ context.Context, msg mail.Message) error {
	m.last = msg
	return nil
}

func (m *memoryMail) lastLink() string {
	return mail.Stored{Text: m.last.Text}.Links()[0]
}

// benchHandler is the registration function's handler on a fresh table, with mail
// captured in memory so the link can be followed.
func benchHandler(b testing.TB) (http.Handler, *memoryMail, dynamotest.Table) {
	tbl := dynamotest.NewTable(b)
	cfg := config.Config{PublicURL: "http://bench.local"}
	box := &memoryMail{}
	h, err := app.RegistrationHandler(app.Deps{Config: cfg, Store: store.New(tbl.DB, tbl.Name), Mail: box})
	if err != nil {
		b.Fatal(err)
	}
	return h, box, tbl
}

func serve(b *testing.B, h http.Handler, r *http.Request, want int) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != want {
		b.Fatalf("%s %s: %d %s", r.Method, r.URL, w.Code, w.Body.String())
	}
	return w
}

// BenchmarkSignUp is the whole sign-up path per op: start, confirm (member created),
// GET /api/me, against DynamoDB Local. It reports DynamoDB calls per request.
func BenchmarkSignUp(b *testing.B) {
	h, box, tbl := benchHandler(b)
	signUp := func(i int) {
		r := httptest.NewRequest("POST", "/api/auth/email/start", strings.NewReader(fmt.Sprintf(`{"email":"b%d@example.com"}`, i)))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1000", i>>16&255, i>>8&255, i&255)
		serve(b, h, r, 202)
		token := tokenInLink.FindStringSubmatch(box.lastLink())[1]
		confirm := httptest.NewRequest("POST", "/api/auth/email/confirm", strings.NewReader(`{"token":"`+token+`"}`))
		confirm.Header.Set("Content-Type", "application/json")
		w := serve(b, h, confirm, 200)
		me := httptest.NewRequest("GET", "/api/me", nil)
		for _, c := range w.Result().Cookies() {
			me.AddCookie(c)
		}
		serve(b, h, me, 200)
	}
	// DynamoDB Local's JVM needs a few hundred calls before its latency settles.
	for i := 0; i < 150; i++ {
		signUp(-1 - i)
	}
	tbl.Trips.Reset()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		signUp(i)
	}
	b.ReportMetric(float64(tbl.Trips.Count())/float64(3*b.N), "dynamodb-calls/request")
}

// BenchmarkHandlerOverhead is the warm cost of the shared middleware, routing and JSON
// answer with no I/O: GET /api/health.
func BenchmarkHandlerOverhead(b *testing.B) {
	h, err := app.Handler(config.Config{}, auth.Sessions{}, app.RegistrationRoutes(app.Deps{}))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		serve(b, h, httptest.NewRequest("GET", "/api/health", nil), 200)
	}
}

// BenchmarkSpaceStreamPage is GET /api/spaces/{id}/posts through the posting
// function's handler, guard included, on a space of 1,000 posts; then publishing a
// post (POST /api/spaces/{id}/posts). It reports DynamoDB calls per request.
func BenchmarkSpaceStreamPage(b *testing.B) {
	tbl := dynamotest.NewTable(b)
	st := store.New(tbl.DB, tbl.Name)
	h, err := app.PostingHandler(app.Deps{Config: config.Config{PublicURL: "http://bench.local"}, Store: st})
	if err != nil {
		b.Fatal(err)
	}
	id := newMember(b, st, "bench", []string{policy.RoleMember, policy.RoleAdmin})
	sess, cookie := auth.NewSession(id, time.Now(), "bench")
	if err := st.Members().CreateSession(context.Background(), sess); err != nil {
		b.Fatal(err)
	}
	call := func(method, path, body string, want int) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
		return serve(b, h, r, want)
	}
	var sp spaces.Space
	_ = json.Unmarshal(call("POST", "/api/spaces", `{"name":"Bench","visibility":"public"}`, 201).Body.Bytes(), &sp)
	for i := 0; i < 1000; i++ {
		call("POST", "/api/spaces/"+sp.ID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Post %d","body":"Some text."}`, i), 201)
	}
	b.Run("read-page", func(b *testing.B) {
		tbl.Trips.Reset()
		for i := 0; i < b.N; i++ {
			call("GET", "/api/spaces/"+sp.ID+"/posts", "", 200)
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/request")
	})
	b.Run("publish", func(b *testing.B) {
		tbl.Trips.Reset()
		for i := 0; i < b.N; i++ {
			call("POST", "/api/spaces/"+sp.ID+"/posts", fmt.Sprintf(`{"kind":"discussion","title":"Bench %d","body":"Some text."}`, i), 201)
		}
		b.ReportMetric(float64(tbl.Trips.Count())/float64(b.N), "dynamodb-calls/request")
	})
}
