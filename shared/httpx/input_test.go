package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"tribune/shared/errs"
	"tribune/shared/policy"
)

type inner struct {
	Key  string `json:"key"`
	Size int    `json:"size"`
}

type embedded struct {
	Note string `json:"note"`
}

type request struct {
	embedded
	Roles    []string         `json:"roles"`
	Good     bool             `json:"good"`
	Items    []inner          `json:"items,omitempty"`
	Targets  map[string]inner `json:"targets,omitempty"`
	MemberID string           `json:"memberId" format:"id"`
	ParentID string           `json:"parentId,omitempty" format:"id"`
	When     *time.Time       `json:"when,omitempty"`
}

func decode(body string) error {
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var v request
	return DecodeJSON(r, &v)
}

func TestDecodeRefusesNullAndMissingRequiredMembers(t *testing.T) {
	ok := `{"note":"n","roles":[],"good":false,"memberId":""}`
	if err := decode(ok); err != nil {
		t.Fatalf("a complete body: %v", err)
	}
	for body, want := range map[string]string{
		`{"note":"n","roles":null,"good":true,"memberId":"m_1"}`:                                         "roles",
		`{"note":"n","good":true,"memberId":"m_1"}`:                                                      "roles",
		`{"note":"n","roles":[],"memberId":"m_1"}`:                                                       "good",
		`{"roles":[],"good":true,"memberId":"m_1"}`:                                                      "note", // embedded
		`{"note":"n","roles":[null],"good":true,"memberId":"m_1"}`:                                       "roles[0]",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","items":[{"key":"k"}]}`:                     "items[0].size",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","targets":{"low":{"key":"k","size":null}}}`: "targets.low.size",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","targets":{"low":null}}`:                    "targets.low",
	} {
		e, isCoded := errs.As(decode(body))
		if !isCoded || e.Code != "missing_field" || e.Field != want {
			t.Errorf("%s: %v, want missing_field on %s", body, e, want)
		}
	}
	// Optional members may be null or absent.
	if err := decode(`{"note":"n","roles":[],"good":true,"memberId":"m_1","items":null,"parentId":null,"when":null}`); err != nil {
		t.Errorf("null optional members: %v", err)
	}
}

func TestDecodeRefusesOtherSpellingsAndNonObjects(t *testing.T) {
	for _, body := range []string{`{"note":"n","roles":["a"],"Roles":null,"good":true,"memberId":"m_1"}`, `{"Note":"n","roles":[],"good":true,"memberId":"m_1"}`,
		`null`, `[]`, `"x"`, `{"note":"n","roles":[],"good":true,"memberId":"m_1","extra":1}`} {
		if e, ok := errs.As(decode(body)); !ok || e.Code != "malformed_json" {
			t.Errorf("%s: %v, want malformed_json", body, e)
		}
	}
}

func TestDecodeChecksIDs(t *testing.T) {
	for body, want := range map[string]string{
		`{"note":"n","roles":[],"good":true,"memberId":"` + strings.Repeat("x", 65) + `"}`: "memberId",
		`{"note":"n","roles":[],"good":true,"memberId":"m 1"}`:                             "memberId",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","parentId":"../../etc"}`:      "parentId",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","parentId":"c_\u200babc"}`:    "parentId",
	} {
		if e, ok := errs.As(decode(body)); !ok || e.Code != "invalid_id" || e.Field != want {
			t.Errorf("%s: %v, want invalid_id on %s", body, e, want)
		}
	}
	if err := decode(`{"note":"n","roles":[],"good":true,"memberId":"m_ABCDEFGHIJKLMNOPQRSTUVWXYZ","parentId":"c_abc"}`); err != nil {
		t.Errorf("real ids: %v", err)
	}
}

func TestMountRefusesPathsThatCannotBeIDsAfterTheGuard(t *testing.T) {
	mux := http.NewServeMux()
	reached := false
	denied := func(_ policy.Action, h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Signed-In") == "" {
				WriteError(w, r, errs.New(errs.Unauthenticated, "not_signed_in", "Sign in."))
				return
			}
			h(w, r)
		}
	}
	Mount(mux, []Route{{Method: "GET", Pattern: "/things/{id}", Query: []Param{{Name: "cursor"}},
		Handler: func(w http.ResponseWriter, r *http.Request) { reached = true }}}, denied, nil)
	for path, want := range map[string]int{
		"/things/" + strings.Repeat("x", 2100): 404, "/things/a%00b": 404, "/things/a%E2%80%AEb": 404,
		"/things/t_abc?cursor=" + strings.Repeat("c", 1025): 400, "/things/t_abc?cursor=abc&other=" + strings.Repeat("c", 5000): 200,
	} {
		reached = false
		for _, signedIn := range []bool{false, true} {
			r := httptest.NewRequest("GET", path, nil)
			if signedIn {
				r.Header.Set("X-Signed-In", "yes")
			}
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, r)
			switch {
			case !signedIn && w.Code != 401:
				t.Errorf("%s as a visitor: %d, want the guard's 401 first", path[:20], w.Code)
			case signedIn && w.Code != want:
				t.Errorf("%s: %d, want %d", path[:20], w.Code, want)
			}
		}
		if reached != (want == 200) {
			t.Errorf("%s: handler reached %v", path[:20], reached)
		}
	}
}
