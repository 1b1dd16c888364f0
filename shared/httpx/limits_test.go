package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A body over the handler's bound is refused with 413 naming that bound: the API's
// 64 KiB, or 1 MiB where a handler takes files that large (the sales upload; issue 14,
// tester 14, finding 6: its 413 said 64 KiB).
func TestTooLargeNamesTheBound(t *testing.T) {
	for limit, want := range map[int64]string{0: "64 KiB", 1 << 20: "1 MiB", 300 << 10: "300 KiB"} {
		h, err := Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("the handler ran") }), Options{MaxBodyBytes: limit})
		if err != nil {
			t.Fatal(err)
		}
		size := limit
		if size == 0 {
			size = MaxBodyBytes
		}
		r := httptest.NewRequest("POST", "/x", strings.NewReader(strings.Repeat("a", int(size)+1)))
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "larger than "+want) {
			t.Errorf("limit %d: %d %s", limit, w.Code, w.Body.String())
		}
	}
}
