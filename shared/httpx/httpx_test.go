package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"tribune/shared/errs"
)

func TestInternalErrorsNeverLeak(t *testing.T) {
	w := httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("GET", "/", nil), fmt.Errorf("store.Get MEMBER#42: %w", errors.New("dial tcp 10.0.0.7:8000: secret detail")))
	if w.Code != 500 || strings.Contains(w.Body.String(), "10.0.0.7") || strings.Contains(w.Body.String(), "MEMBER#") {
		t.Fatalf("500 leaks internals: %d %s", w.Code, w.Body.String())
	}
	var p Problem
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || p.Code != "internal" || w.Header().Get("Content-Type") != ProblemContentType {
		t.Fatalf("problem %s", w.Body.String())
	}
}

func TestEveryKindHasItsStatus(t *testing.T) {
	want := map[errs.Kind]int{errs.Invalid: 400, errs.Unauthenticated: 401, errs.Forbidden: 403, errs.NotFound: 404, errs.Conflict: 409,
		errs.Gone: 410, errs.TooLarge: 413, errs.UnsupportedMedia: 415, errs.RateLimited: 429, errs.Unavailable: 503, errs.Unprocessable: 422, errs.Internal: 500}
	for k, status := range want {
		if got := StatusOf(fmt.Errorf("wrapped: %w", errs.New(k, "c", "m"))); got != status {
			t.Errorf("kind %d: status %d, want %d", k, got, status)
		}
	}
}

func TestClientIP(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "130.176.1.1:443"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7")
	if got := ClientIP(r, 0); got != "130.176.1.1" {
		t.Errorf("no trusted proxy: %s", got)
	}
	// The client can forge the first entries, never the one the trusted proxy appended.
	if got := ClientIP(r, 1); got != "203.0.113.7" {
		t.Errorf("one trusted proxy: %s", got)
	}
	r.Header.Set("X-Forwarded-For", "garbage")
	if got := ClientIP(r, 1); got != "130.176.1.1" {
		t.Errorf("unparsable header: %s", got)
	}
}

func TestPanicsBecomeA500Problem(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	h, err := Wrap(mux, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/boom", nil))
	if w.Code != 500 || strings.Contains(w.Body.String(), "kaboom") {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

func TestAClientThatLeftIsNotAServerError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := httptest.NewRequest("GET", "/api/x", nil).WithContext(ctx)
	w := httptest.NewRecorder()
	WriteError(w, r, fmt.Errorf("store.Query: %w", context.Canceled))
	if w.Code != 499 {
		t.Fatalf("status %d, want 499", w.Code)
	}
	// The same error while the client is still there is ours: 500.
	w = httptest.NewRecorder()
	WriteError(w, httptest.NewRequest("GET", "/api/x", nil), fmt.Errorf("store.Query: %w", context.Canceled))
	if w.Code != 500 {
		t.Fatalf("status %d, want 500", w.Code)
	}
}
