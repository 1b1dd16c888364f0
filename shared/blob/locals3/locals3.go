// Package locals3 puts the signature checks of Amazon S3 in front of the local
// runtime's in-process S3 server (gofakes3, which checks none): only requests signed
// with AWS Signature Version 4 by the runtime's own credentials are served, signed
// in the Authorization header (the runtime's own S3 calls) or presigned in the query
// (the browser's uploads and downloads), within their validity. Everything else is
// refused with 403, as S3 does, before it reaches the store; no CORS answer is given
// (the web app uses the same origin).
//
// Source of the rules: "Authenticating Requests (AWS Signature Version 4)" in the
// Amazon S3 API Reference (header-based and query-string auth, X-Amz-Expires at most
// 7 days, 15 minutes of clock skew).
package locals3

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Limits of a signature, as S3 applies them.
const (
	// MaxExpires is the longest validity of a presigned request (7 days).
	MaxExpires = 7 * 24 * time.Hour
	// MaxSkew is how far a signing time may be from the server's clock.
	MaxSkew = 15 * time.Minute
	// MaxBody bounds a header-signed request's body, which is read to check its hash.
	MaxBody = 32 << 20

	algorithm       = "AWS4-HMAC-SHA256"
	service         = "s3"
	amzDateFormat   = "20060102T150405Z"
	unsignedPayload = "UNSIGNED-PAYLOAD"
)

// Verifier serves Next only to requests signed by Credentials for Region.
type Verifier struct {
	Credentials aws.Credentials
	Region      string
	Next        http.Handler
	// Now is the server's clock (time.Now when nil).
	Now func() time.Time
}

// denial is an S3 error answer.
type denial struct {
	status  int
	code    string
	message string
}

func deny(code, message string) *denial { return &denial{http.StatusForbidden, code, message} }

var (
	errNoSignature = deny("AccessDenied", "Anonymous access is refused: sign the request (AWS Signature Version 4).")
	errMismatch    = deny("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
	errKey         = deny("InvalidAccessKeyId", "The access key ID you provided does not exist in our records.")
	errExpired     = deny("AccessDenied", "Request has expired.")
	errSkewed      = deny("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
	errMalformed   = deny("AuthorizationQueryParametersError", "The signature parameters are malformed.")
	errPayload     = &denial{http.StatusBadRequest, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed."}
	errTooLarge    = &denial{http.StatusRequestEntityTooLarge, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size."}
)

// ServeHTTP implements http.Handler.
func (v *Verifier) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d := v.check(r); d != nil {
		slog.WarnContext(r.Context(), "local S3 refused a request", "method", r.Method, "path", r.URL.Path, "code", d.code)
		writeError(w, d)
		return
	}
	nc := noCORS{w}
	v.Next.ServeHTTP(nc, r)
	nc.strip() // an answer with no body is written after the handler returns
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// check returns why r is refused, or nil.
func (v *Verifier) check(r *http.Request) *denial {
	q := r.URL.Query()
	switch {
	case q.Has("X-Amz-Signature"):
		return v.checkPresigned(r, q)
	case strings.HasPrefix(r.Header.Get("Authorization"), algorithm+" "):
		return v.checkHeader(r)
	default:
		return errNoSignature
	}
}

var scopePattern = regexp.MustCompile(`^([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request$`)

// scope checks a credential scope (key/date/region/service/aws4_request) against the
// signing time.
func (v *Verifier) scope(credential string, at time.Time) *denial {
	m := scopePattern.FindStringSubmatch(credential)
	if m == nil {
		return errMalformed
	}
	if !hmac.Equal([]byte(m[1]), []byte(v.Credentials.AccessKeyID)) {
		return errKey
	}
	if m[2] != at.Format("20060102") || m[3] != v.Region || m[4] != service {
		return errMalformed
	}
	return nil
}

func (v *Verifier) checkPresigned(r *http.Request, q url.Values) *denial {
	if len(q["X-Amz-Signature"]) != 1 || q.Get("X-Amz-Algorithm") != algorithm || q.Get("X-Amz-Security-Token") != "" {
		return errMalformed
	}
	at, err := time.Parse(amzDateFormat, q.Get("X-Amz-Date"))
	if err != nil {
		return errMalformed
	}
	if d := v.scope(q.Get("X-Amz-Credential"), at); d != nil {
		return d
	}
	secs, err := strconv.Atoi(q.Get("X-Amz-Expires"))
	if err != nil || secs < 1 || time.Duration(secs)*time.Second > MaxExpires {
		return errMalformed
	}
	now := v.now()
	if at.After(now.Add(MaxSkew)) {
		return errSkewed
	}
	if now.After(at.Add(time.Duration(secs) * time.Second)) {
		return errExpired
	}
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	// Sign the same request again, with only the headers the signer named.
	u := *r.URL
	rest := url.Values{}
	for k, vals := range q {
		if k != "X-Amz-Signature" {
			rest[k] = vals
		}
	}
	u.RawQuery = rest.Encode()
	clone, d := sameRequest(r, &u, signed)
	if d != nil {
		return d
	}
	signedURL, _, err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		PresignHTTP(context.Background(), v.Credentials, clone, unsignedPayload, service, v.Region, at)
	if err != nil {
		return errMalformed
	}
	want, err := url.Parse(signedURL)
	if err != nil {
		return errMalformed
	}
	if !hmac.Equal([]byte(want.Query().Get("X-Amz-Signature")), []byte(q.Get("X-Amz-Signature"))) {
		return errMismatch
	}
	return nil
}

var authPattern = regexp.MustCompile(`^` + algorithm + ` Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$`)

func (v *Verifier) checkHeader(r *http.Request) *denial {
	m := authPattern.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return errMalformed
	}
	at, err := time.Parse(amzDateFormat, r.Header.Get("X-Amz-Date"))
	if err != nil {
		return errMalformed
	}
	if d := v.scope(m[1], at); d != nil {
		return d
	}
	if now := v.now(); at.After(now.Add(MaxSkew)) || at.Before(now.Add(-MaxSkew)) {
		return errSkewed
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	switch {
	case payload == unsignedPayload:
	case len(payload) == 64:
		// The hash is signed; the body must match it.
		if r.ContentLength > MaxBody {
			return errTooLarge
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
		if err != nil {
			return errMalformed
		}
		if len(body) > MaxBody {
			return errTooLarge
		}
		sum := sha256.Sum256(body)
		if !hmac.Equal([]byte(hex.EncodeToString(sum[:])), []byte(strings.ToLower(payload))) {
			return errPayload
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	default:
		// Chunked (streaming) signatures are not needed here.
		return errMalformed
	}
	clone, d := sameRequest(r, r.URL, strings.Split(m[2], ";"))
	if d != nil {
		return d
	}
	if err := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }).
		SignHTTP(context.Background(), v.Credentials, clone, payload, service, v.Region, at); err != nil {
		return errMalformed
	}
	want := authPattern.FindStringSubmatch(clone.Header.Get("Authorization"))
	if want == nil || want[2] != m[2] || !hmac.Equal([]byte(want[3]), []byte(m[3])) {
		return errMismatch
	}
	return nil
}

// sameRequest is r at u carrying only the signed headers; host must be signed.
func sameRequest(r *http.Request, u *url.URL, signed []string) (*http.Request, *denial) {
	clone := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	host := false
	for _, name := range signed {
		switch name {
		case "host":
			host = true
		case "content-length":
			clone.ContentLength = r.ContentLength
		case "":
			return nil, errMalformed
		default:
			vals, ok := r.Header[http.CanonicalHeaderKey(name)]
			if !ok {
				return nil, errMismatch
			}
			clone.Header[http.CanonicalHeaderKey(name)] = vals
		}
	}
	if !host {
		return nil, errMalformed
	}
	return clone, nil
}

// noCORS drops the Access-Control-* headers gofakes3 adds to every answer ('*').
type noCORS struct{ http.ResponseWriter }

func (n noCORS) strip() {
	for k := range n.Header() {
		if strings.HasPrefix(k, "Access-Control-") {
			n.Header().Del(k)
		}
	}
}

func (n noCORS) WriteHeader(code int) {
	n.strip()
	n.ResponseWriter.WriteHeader(code)
}

func (n noCORS) Write(b []byte) (int, error) {
	n.strip()
	return n.ResponseWriter.Write(b)
}

func writeError(w http.ResponseWriter, d *denial) {
	body, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
		Message string
	}{Code: d.code, Message: d.message})
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(d.status)
	_, _ = fmt.Fprintf(w, "%s%s", xml.Header, body)
}
