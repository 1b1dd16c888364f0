package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// Repeated unsafe requests (docs/api.md, "Repeated requests"; package idempotency).

const (
	// IdempotencyKeyHeader names a request so that sending it again does nothing more
	// (draft-ietf-httpapi-idempotency-key-header): a Structured Field String, e.g.
	// `Idempotency-Key: "8e03978e-40d5-43e8-bc93-6894a57f9324"`; a bare token is taken too.
	IdempotencyKeyHeader = "Idempotency-Key"
	// ReplayedHeader marks an answer that is the first request's, sent again.
	ReplayedHeader = "Idempotent-Replayed"
)

// RepeatStore keeps the names of requests and their answers (store.Store).
type RepeatStore interface {
	// RepeatAnswer reads a claim's name as it is now; ok is false when nothing live holds it.
	RepeatAnswer(ctx context.Context, c *idempotency.Claim) (rec idempotency.Record, ok bool, err error)
	// SaveRepeatAnswer records the answer of the request that holds the claims.
	SaveRepeatAnswer(ctx context.Context, claims []*idempotency.Claim, rec idempotency.Record) error
}

// RepeatWait bounds how long a repeat waits for the answer of its first request, still
// running, before it is answered 409 request_in_progress.
var RepeatWait = 3 * time.Second

// repeatable reports whether a route takes part: unsafe methods, unless the route
// opts out.
func repeatable(rt Route) bool {
	return rt.Method != http.MethodGet && rt.Method != http.MethodHead && !rt.NoIdempotencyKey
}

// nameRequest runs before the guard: it reads the Idempotency-Key and the body, and
// puts the request's names in its context, so that the session check reads them in
// its own round trip and the request's first write claims them. The scope of a
// signed-in route's names is bound by the session check (idempotency.Bind); an open
// route's are a visitor's, per request (idempotency.VisitorScope).
func nameRequest(rt Route, guard Guard, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key, err := parseIdempotencyKey(r.Header.Values(IdempotencyKeyHeader))
		if err != nil {
			guard(rt.Action, func(w http.ResponseWriter, r *http.Request) { WriteError(w, r, err) })(w, r)
			return
		}
		if key == "" && rt.SameWithin == 0 {
			h(w, r)
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				WriteError(w, r, errTooLarge)
			} else {
				WriteError(w, r, errMalformed)
			}
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		now, owner, fp := time.Now(), idempotency.NewOwner(), Fingerprint(r.Method, r.URL.Path, raw)
		scope := ""
		if rt.Action == policy.Public {
			// A visitor is nobody in particular: their keys are scoped by the request
			// itself, so one visitor's key never answers, or refuses, another's request
			// (the same key with another body is another request, not a 422).
			scope = idempotency.VisitorScope(fp)
		}
		var claims []*idempotency.Claim
		if key != "" {
			c := idempotency.NewKeyClaim(key, fp, owner, now)
			c.Scope = scope
			claims = append(claims, c)
		}
		if rt.SameWithin > 0 && scope == "" {
			claims = append(claims, idempotency.NewSameClaim(fp, owner, now, rt.SameWithin))
		}
		h(w, r.WithContext(idempotency.With(r.Context(), &idempotency.Request{Claims: claims})))
	}
}

// answerOnce runs after the guard: a request whose name a finished request holds gets
// that request's answer, without running; otherwise the handler runs, and its answer
// is recorded under the names its write claimed. A handler whose write lost to a claim
// of the same name (a twin at the same moment) wrote nothing: its own answer is dropped
// for the winner's.
func answerOnce(store RepeatStore, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		claims := idempotency.Bound(r.Context())
		if len(claims) == 0 {
			h(w, r)
			return
		}
		for _, c := range claims {
			if rec, ok := c.Found(); ok {
				answerRepeat(w, r, store, c, rec)
				return
			}
		}
		buf := &answerBuffer{header: http.Header{}}
		h(buf, r)
		for _, c := range claims {
			if rec, ok := c.Lost(); ok {
				answerRepeat(w, r, store, c, rec)
				return
			}
		}
		var save []*idempotency.Claim
		for _, c := range claims {
			// A key on a route whose write is one item (no transaction to ride) is
			// recorded after a success; a failure wrote nothing and may be tried again.
			if c.Placed() || (c.Explicit && buf.status < 300) {
				save = append(save, c)
			}
		}
		if len(save) > 0 {
			rec := idempotency.Record{Status: buf.status, ContentType: buf.header.Get("Content-Type"), Location: buf.header.Get("Location"), Body: buf.body.Bytes()}
			if err := store.SaveRepeatAnswer(r.Context(), save, rec); err != nil {
				// The write is done: answer it. A repeat will wait, then hear 409.
				slog.ErrorContext(r.Context(), "repeat answer not recorded", "err", err.Error())
			}
		}
		buf.flush(w)
	}
}

// answerRepeat answers a request whose name another request holds: with that request's
// answer once recorded (waiting for it a little), 422 when an Idempotency-Key comes
// back with another request, 409 while the first still runs.
func answerRepeat(w http.ResponseWriter, r *http.Request, store RepeatStore, c *idempotency.Claim, rec idempotency.Record) {
	if c.Explicit && rec.Fingerprint != c.Fingerprint {
		WriteError(w, r, idempotency.ErrKeyReused)
		return
	}
	deadline := time.Now().Add(RepeatWait)
	for pause := 20 * time.Millisecond; !rec.Done(); pause = min(pause*2, 250*time.Millisecond) {
		if time.Now().Add(pause).After(deadline) {
			WriteError(w, r, idempotency.ErrInProgress)
			return
		}
		select {
		case <-r.Context().Done():
			WriteError(w, r, r.Context().Err())
			return
		case <-time.After(pause):
		}
		now, ok, err := store.RepeatAnswer(r.Context(), c)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		if !ok {
			// The name lapsed meanwhile (the first request never finished).
			WriteError(w, r, idempotency.ErrInProgress)
			return
		}
		rec = now
	}
	hdr := w.Header()
	if rec.ContentType != "" {
		hdr.Set("Content-Type", rec.ContentType)
	}
	if rec.Location != "" {
		hdr.Set("Location", rec.Location)
	}
	hdr.Set("Cache-Control", "no-store")
	hdr.Set(ReplayedHeader, "true")
	w.WriteHeader(rec.Status)
	_, _ = w.Write(rec.Body)
}

// answerBuffer holds a handler's answer until it is recorded (or dropped).
type answerBuffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *answerBuffer) Header() http.Header { return b.header }

func (b *answerBuffer) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *answerBuffer) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

func (b *answerBuffer) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// parseIdempotencyKey reads the header: absent is "", otherwise one Structured Field
// String (RFC 8941 §3.3.3: printable ASCII in double quotes, `\"` and `\\` escaped;
// parameters after it are ignored) or, leniently, a bare run of visible ASCII; 1–255
// characters either way.
func parseIdempotencyKey(values []string) (string, error) {
	if len(values) == 0 {
		return "", nil
	}
	if len(values) > 1 {
		return "", idempotency.ErrInvalidKey
	}
	v := strings.Trim(values[0], " \t")
	var key strings.Builder
	if strings.HasPrefix(v, `"`) {
		closed := false
		for i := 1; i < len(v); i++ {
			c := v[i]
			switch {
			case c == '\\' && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\'):
				key.WriteByte(v[i+1])
				i++
			case c == '"':
				closed = true
				if rest := strings.TrimLeft(v[i+1:], " "); rest != "" && rest[0] != ';' {
					return "", idempotency.ErrInvalidKey
				}
				i = len(v)
			case c < 0x20 || c > 0x7e || c == '\\':
				return "", idempotency.ErrInvalidKey
			default:
				key.WriteByte(c)
			}
		}
		if !closed {
			return "", idempotency.ErrInvalidKey
		}
	} else {
		for i := 0; i < len(v); i++ {
			if v[i] <= 0x20 || v[i] > 0x7e || v[i] == '"' {
				return "", idempotency.ErrInvalidKey
			}
		}
		key.WriteString(v)
	}
	if key.Len() == 0 || key.Len() > idempotency.MaxKeyLength {
		return "", idempotency.ErrInvalidKey
	}
	return key.String(), nil
}

// Fingerprint is what makes two requests the same: the method, the path (the route and
// its target) and the body normalised (JSON members in one order, white space between
// tokens and around each string left out, line breaks as \n), hashed.
func Fingerprint(method, path string, body []byte) string {
	sum := sha256.New()
	sum.Write([]byte(method + " " + path + "\n"))
	sum.Write(normalisedBody(body))
	return hex.EncodeToString(sum.Sum(nil))
}

func normalisedBody(raw []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return raw
	}
	out, err := json.Marshal(normalised(doc))
	if err != nil {
		return raw
	}
	return out
}

func normalised(v any) any {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(t, "\r\n", "\n"), "\r", "\n"))
	case []any:
		for i := range t {
			t[i] = normalised(t[i])
		}
	case map[string]any:
		// encoding/json writes map members sorted by name.
		for k := range t {
			t[k] = normalised(t[k])
		}
	}
	return v
}
