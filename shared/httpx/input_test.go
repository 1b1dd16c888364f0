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
		"/things/t_abc?cursor=a&cursor=b": 400, "/things/t_abc?cursor=a&other=1&other=2": 200,
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

// Issue 9, round 3: {"title":"t","title":"u"} was taken, the last one winning. A member
// named twice in one object is refused at every depth (400 duplicate_member naming it),
// also when the names differ only by escapes; the same name in different objects is not
// a duplicate.
func TestDecodeRefusesDuplicateMembers(t *testing.T) {
	for body, want := range map[string]string{
		`{"note":"n","note":"m","roles":[],"good":true,"memberId":"m_1"}`:                                                        "note",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","good":false}`:                                                      "good",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","memberId":"m_2"}`:                                                  "memberId",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","no\u0074e":"x"}`:                                                   "note",
		`{"note":"n","roles":[],"roles":null,"good":true,"memberId":"m_1"}`:                                                      "roles",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","items":[{"key":"k","size":1},{"key":"k","size":1,"key":"j"}]}`:     "items[1].key",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","targets":{"low":{"key":"k","size":1},"low":{"key":"j","size":2}}}`: "targets.low",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","targets":{"low":{"key":"k","size":1,"size":2}}}`:                   "targets.low.size",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","extra":{"a":1,"a":2}}`:                                             "extra.a",
		`{"note":"n","roles":[],"good":true,"memberId":"m_1","items":[{"key":"k","size":1}],"items":[{"key":"k","size":1}]}`:     "items",
	} {
		e, ok := errs.As(decode(body))
		if !ok || e.Code != "duplicate_member" || e.Field != want || e.Kind != errs.Invalid {
			t.Errorf("%s: %v, want duplicate_member on %s", body, e, want)
		}
	}
	// One name in several objects, or in an array twice, is fine.
	if err := decode(`{"note":"n","roles":["a","a"],"good":true,"memberId":"m_1","items":[{"key":"k","size":1},{"key":"k","size":1}]}`); err != nil {
		t.Errorf("the same member in two objects: %v", err)
	}
	// Malformed JSON stays malformed_json.
	for _, body := range []string{`{"note":"n",}`, `{"note" "n"}`, `{"note":"n"`, `{"note":"n"}}`} {
		if e, ok := errs.As(decode(body)); !ok || e.Code != "malformed_json" {
			t.Errorf("%s: %v, want malformed_json", body, e)
		}
	}
}

// Issue 9, round 4: {"title":"T\xff"} was stored as "T\uFFFD" (201). A body that is not
// UTF-8, or escapes half of a surrogate pair, is refused (400 invalid_utf8); whole
// pairs, other escapes and a real U+FFFD sent as such are text like any other.
func TestDecodeRefusesTextThatIsNotUTF8(t *testing.T) {
	const rest = `,"roles":[],"good":true,"memberId":"m_1"}`
	for _, note := range []string{"\"n\xff\"", "\"\xc3\x28\"", "\"\xed\xa0\x80\"", `"\ud800"`, `"a\udc00b"`, `"\ud83d\u0041"`, `"\ud83d"`, `"\\\ud800"`} {
		if e, ok := errs.As(decode(`{"note":` + note + rest)); !ok || e.Code != "invalid_utf8" || e.Kind != errs.Invalid {
			t.Errorf("note %q: %v, want invalid_utf8", note, e)
		}
	}
	for _, note := range []string{`"\ud83d\ude00"`, `"\u00e9t\u00e9"`, `"\\ud800"`, `"\\\\"`, `"\"\u0041"`, "\"\uFFFD\"", "\"été 😀\""} {
		if err := decode(`{"note":` + note + rest); err != nil {
			t.Errorf("note %q: %v", note, err)
		}
	}
}
