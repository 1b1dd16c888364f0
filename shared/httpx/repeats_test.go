package httpx

import (
	"errors"
	"strings"
	"testing"

	"tribune/shared/idempotency"
)

// The Idempotency-Key header is one Structured Field String (RFC 8941 §3.3.3), or a
// bare token, of 1–255 printable ASCII characters.
func TestIdempotencyKeysAreParsedAsStructuredFieldStrings(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   string
	}{
		{nil, ""},
		{[]string{`"8e03978e-40d5-43e8-bc93-6894a57f9324"`}, "8e03978e-40d5-43e8-bc93-6894a57f9324"},
		{[]string{`8e03978e`}, "8e03978e"},
		{[]string{` "a b" `}, "a b"},
		{[]string{`"say \"hi\" \\ bye"`}, `say "hi" \ bye`},
		{[]string{`"k"; created=1`}, "k"},
		{[]string{strings.Repeat("k", 255)}, strings.Repeat("k", 255)},
	} {
		got, err := parseIdempotencyKey(c.values)
		if err != nil || got != c.want {
			t.Errorf("%q: %q %v, want %q", c.values, got, err, c.want)
		}
	}
	for _, bad := range [][]string{{""}, {`""`}, {`"unclosed`}, {`"a" b`}, {"two words"}, {"é"}, {`"é"`}, {`"a\b"`},
		{"a\x00"}, {strings.Repeat("k", 256)}, {`"` + strings.Repeat("k", 256) + `"`}, {"a", "b"}} {
		if _, err := parseIdempotencyKey(bad); !errors.Is(err, idempotency.ErrInvalidKey) {
			t.Errorf("%q: %v, want invalid_idempotency_key", bad, err)
		}
	}
}

// Two requests are the same when they differ only in JSON member order, white space
// between tokens or around strings, and line-break spelling; not otherwise.
func TestFingerprintsIgnoreOnlyTheSpellingOfABody(t *testing.T) {
	base := Fingerprint("POST", "/api/spaces/s_1/posts", []byte(`{"kind":"question","title":"How?","body":"Line 1\nLine 2"}`))
	for _, same := range []string{
		`{"body":"Line 1\r\nLine 2","kind":"question","title":"How?"}`,
		"{ \"title\" : \" How? \",\n \"kind\":\"question\", \"body\":\"Line 1\\rLine 2\\n\" }",
	} {
		if got := Fingerprint("POST", "/api/spaces/s_1/posts", []byte(same)); got != base {
			t.Errorf("%s: another fingerprint", same)
		}
	}
	for _, other := range []struct{ method, path, body string }{
		{"POST", "/api/spaces/s_1/posts", `{"kind":"question","title":"How?","body":"Line 1 Line 2"}`},
		{"POST", "/api/spaces/s_1/posts", `{"kind":"discussion","title":"How?","body":"Line 1\nLine 2"}`},
		{"POST", "/api/spaces/s_2/posts", `{"kind":"question","title":"How?","body":"Line 1\nLine 2"}`},
		{"PUT", "/api/spaces/s_1/posts", `{"kind":"question","title":"How?","body":"Line 1\nLine 2"}`},
	} {
		if Fingerprint(other.method, other.path, []byte(other.body)) == base {
			t.Errorf("%s %s %s: the same fingerprint", other.method, other.path, other.body)
		}
	}
}
