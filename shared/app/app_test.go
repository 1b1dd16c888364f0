package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/httpx"
	"tribune/shared/mail"
	"tribune/shared/members"
)

func (e *env) items() int {
	out, err := e.tbl.DB.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(e.tbl.Name), Select: "COUNT"})
	if err != nil {
		e.t.Fatal(err)
	}
	return int(out.Count)
}

func TestSignUpSignInAndOutWithinTheRoundTripBudget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	trips := e.tbl.Trips
	step := func(name string, budget int64, method, path, ct, body string, wantStatus int) (*http.Response, string) {
		t.Helper()
		trips.Reset()
		resp, b := e.do(method, path, ct, body)
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s: status %d, want %d: %s", name, resp.StatusCode, wantStatus, b)
		}
		if n := trips.Count(); n > budget {
			t.Fatalf("%s: %d DynamoDB round trips, budget %d", name, n, budget)
		}
		t.Logf("%s: %d round trips", name, trips.Count())
		return resp, b
	}
	step("start (new)", 2, "POST", "/api/auth/email/start", "application/json", `{"email":"Ann@Example.com","locale":"fr"}`, 202)
	msgs, _ := mail.ReadOutbox(e.outbox)
	if len(msgs) != 1 || msgs[0].To != "ann@example.com" || !strings.Contains(msgs[0].Subject, "rejoindre") {
		t.Fatalf("sign-up mail: %+v", msgs)
	}
	token := e.lastToken()
	// 7: the token, the name checked against the staff's (pattern 93: 4 role queries
	// and a batch of profiles), the registration.
	resp, _ := step("confirm (new member)", 7, "POST", "/api/auth/email/confirm", "application/json", tokenJSON(token), 200)
	cookie := resp.Header.Get("Set-Cookie")
	for _, attr := range []string{"tribune_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Fatalf("cookie %q lacks %s", cookie, attr)
		}
	}
	_, body := step("me", 2, "GET", "/api/me", "", "", 200)
	var me struct{ ID, Email, Locale, DisplayName string }
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.Email != "ann@example.com" || me.Locale != "fr" || me.DisplayName != "ann" {
		t.Fatalf("me = %s (%v)", body, err)
	}
	_, body = step("confirm again", 2, "POST", "/api/auth/email/confirm", "application/json", tokenJSON(token), 410)
	if !strings.Contains(body, "link_used") {
		t.Fatalf("reused link answer: %s", body)
	}
	step("logout", 2, "POST", "/api/auth/logout", "", "", 204)
	step("me after logout", 2, "GET", "/api/me", "", "", 401)

	// A known member signs in again: an English sign-in mail, the same member.
	step("start (known)", 2, "POST", "/api/auth/email/start", "application/json", `{"email":"ann@example.com","locale":"en"}`, 202)
	msgs, _ = mail.ReadOutbox(e.outbox)
	if got := msgs[len(msgs)-1].Subject; got != "Your Tribune sign-in link" {
		t.Fatalf("sign-in subject %q", got)
	}
	step("confirm (known member)", 2, "POST", "/api/auth/email/confirm", "application/json", tokenJSON(e.lastToken()), 200)
	_, body = step("me again", 2, "GET", "/api/me", "", "", 200)
	if !strings.Contains(body, me.ID) {
		t.Fatalf("signed in as another member: %s", body)
	}
}

// Links of emails sent before links opened the web app land on its confirmation page;
// a browser following a link without a token is sent to the explanation.
func TestOlderLinksOpenTheConfirmationPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, _ := e.do("GET", "/api/auth/email/verify?token=abc_DEF-1", "", "", "Accept", "text/html,application/xhtml+xml")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != e.srv.URL+"/sign-in/link#token=abc_DEF-1" || len(resp.Cookies()) != 0 {
		t.Fatalf("status %d location %q cookies %v", resp.StatusCode, resp.Header.Get("Location"), resp.Cookies())
	}
	resp, _ = e.do("GET", "/api/auth/email/verify", "", "", "Accept", "text/html,application/xhtml+xml")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != e.srv.URL+"/?signin_error=link_invalid" {
		t.Fatalf("status %d location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestBadInputIsA4xxProblemAndWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	big := `{"email":"` + strings.Repeat("a", httpx.MaxBodyBytes) + `@example.com"}`
	cases := []struct {
		name, method, path, ct, body string
		hdr                          []string
		status                       int
		code                         string
	}{
		{"malformed JSON", "POST", "/api/auth/email/start", "application/json", `{"email":`, nil, 400, "malformed_json"},
		{"unknown field", "POST", "/api/auth/email/start", "application/json", `{"email":"a@example.com","admin":true}`, nil, 400, "malformed_json"},
		{"two documents", "POST", "/api/auth/email/start", "application/json", `{"email":"a@example.com"}{}`, nil, 400, "malformed_json"},
		{"bad email", "POST", "/api/auth/email/start", "application/json", `{"email":"not-an-address"}`, nil, 400, "invalid_email"},
		{"email with a name", "POST", "/api/auth/email/start", "application/json", `{"email":"Ann <a@example.com>"}`, nil, 400, "invalid_email"},
		{"empty email", "POST", "/api/auth/email/start", "application/json", `{"email":""}`, nil, 400, "invalid_email"},
		{"bad locale", "POST", "/api/auth/email/start", "application/json", `{"email":"a@example.com","locale":"xx"}`, nil, 400, "invalid_locale"},
		{"not JSON", "POST", "/api/auth/email/start", "text/plain", `email=a@example.com`, nil, 415, "unsupported_media_type"},
		{"too large", "POST", "/api/auth/email/start", "application/json", big, nil, 413, "body_too_large"},
		{"cross-site", "POST", "/api/auth/email/start", "application/json", `{"email":"a@example.com"}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_origin_request"},
		{"foreign origin", "POST", "/api/auth/logout", "", "", []string{"Origin", "https://evil.example"}, 403, "cross_origin_request"},
		{"no token", "GET", "/api/auth/email/verify", "", "", nil, 410, "link_invalid"},
		{"unknown token", "POST", "/api/auth/email/confirm", "application/json", `{"token":"abc"}`, nil, 410, "link_invalid"},
		{"empty token", "POST", "/api/auth/email/confirm", "application/json", `{"token":""}`, nil, 410, "link_invalid"},
		{"oversized token", "POST", "/api/auth/email/link", "application/json", `{"token":"` + strings.Repeat("a", 129) + `"}`, nil, 410, "link_invalid"},
		{"unknown token described", "POST", "/api/auth/email/link", "application/json", `{"token":"abc"}`, nil, 410, "link_invalid"},
		{"confirm not JSON", "POST", "/api/auth/email/confirm", "text/plain", `token=abc`, nil, 415, "unsupported_media_type"},
		{"confirm unknown field", "POST", "/api/auth/email/confirm", "application/json", `{"token":"abc","member":"m_x"}`, nil, 400, "malformed_json"},
		{"confirm cross-site", "POST", "/api/auth/email/confirm", "application/json", `{"token":"abc"}`, []string{"Sec-Fetch-Site", "cross-site"}, 403, "cross_origin_request"},
		{"no session", "GET", "/api/me", "", "", nil, 401, "not_signed_in"},
		{"forged session", "GET", "/api/me", "", "", []string{"Cookie", "tribune_session=forged"}, 401, "not_signed_in"},
		{"no such route", "GET", "/api/nothing", "", "", nil, 404, "no_route"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := e.items()
			resp, body := e.do(c.method, c.path, c.ct, c.body, c.hdr...)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if ct := resp.Header.Get("Content-Type"); ct != httpx.ProblemContentType {
				t.Fatalf("content type %q", ct)
			}
			var p httpx.Problem
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Code != c.code || p.Status != c.status || p.Title == "" || p.Type == "" {
				t.Fatalf("problem %s (%v), want code %s", body, err, c.code)
			}
			if after := e.items(); after != before {
				t.Fatalf("a refused request wrote %d items", after-before)
			}
		})
	}
	if msgs, _ := mail.ReadOutbox(e.outbox); len(msgs) != 0 {
		t.Fatalf("refused requests sent %d mails", len(msgs))
	}
}

func TestSignInStartIsRateLimitedPerAddressAndPerClient(t *testing.T) {
	t.Parallel()
	inAFreshWindow(members.LimitPerAddress.Window, 2*time.Minute)
	e := newEnv(t)
	for i := 0; i < 5; i++ {
		if resp, body := e.do("POST", "/api/auth/email/start", "application/json", `{"email":"flood@example.com"}`); resp.StatusCode != 202 {
			t.Fatalf("request %d: %d %s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := e.do("POST", "/api/auth/email/start", "application/json", `{"email":"flood@example.com"}`)
	if resp.StatusCode != 429 || !strings.Contains(body, "rate_limited") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("6th request for one address: %d %s", resp.StatusCode, body)
	}
	// Other addresses from the same client still pass until the client limit (30).
	for i := 0; i < 25; i++ {
		if resp, body := e.do("POST", "/api/auth/email/start", "application/json", `{"email":"u`+string(rune('a'+i))+`@example.com"}`); resp.StatusCode != 202 {
			t.Fatalf("address %d: %d %s", i, resp.StatusCode, body)
		}
	}
	resp, _ = e.do("POST", "/api/auth/email/start", "application/json", `{"email":"last@example.com"}`)
	if resp.StatusCode != 429 {
		t.Fatalf("31st request from one client: %d", resp.StatusCode)
	}
}

func TestSecurityHeadersAndRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	resp, body := e.do("GET", "/api/health", "", "", "X-Request-Id", "test-request-0001")
	if resp.StatusCode != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security", "X-Frame-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if got := resp.Header.Get("X-Request-Id"); got != "test-request-0001" {
		t.Errorf("request id %q", got)
	}
}
