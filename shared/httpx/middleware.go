package httpx

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"tribune/shared/errs"
	"tribune/shared/logx"
)

// RequestIDHeader carries the request id in and out.
const RequestIDHeader = "X-Request-Id"

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._=+/-]{8,64}$`)

// Options configure the middleware stack around a function's routes.
type Options struct {
	// TrustedOrigins may send unsafe requests besides the API's own origin.
	TrustedOrigins []string
	// ContentSecurityPolicy is sent on every answer.
	ContentSecurityPolicy string
	// MaxBodyBytes bounds a request's body; 0 means MaxBodyBytes (the API's bound).
	MaxBodyBytes int64
}

// DefaultCSP allows only same-origin resources and no inline script.
const DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; " +
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

var errCrossOrigin = errs.New(errs.Forbidden, "cross_origin_request", "Cross-origin requests that change state are refused.")

// Wrap puts the shared middleware around h: panic recovery, request id, access log,
// security headers, a bound on the body, and CSRF protection of unsafe methods
// (Fetch metadata and Origin checks from net/http's CrossOriginProtection).
func Wrap(h http.Handler, opts Options) (http.Handler, error) {
	csrf := http.NewCrossOriginProtection()
	for _, o := range opts.TrustedOrigins {
		if err := csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("httpx.Wrap trusted origin %q: %w", o, err)
		}
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, errCrossOrigin)
	}))
	csp := opts.ContentSecurityPolicy
	if csp == "" {
		csp = DefaultCSP
	}
	limit := opts.MaxBodyBytes
	if limit <= 0 {
		limit = MaxBodyBytes
	}
	inner := csrf.Handler(limitBody(h, limit))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !requestIDPattern.MatchString(id) {
			id = rand.Text()
		}
		r = r.WithContext(logx.WithRequestID(r.Context(), id))
		hdr := w.Header()
		hdr.Set(RequestIDHeader, id)
		hdr.Set("Content-Security-Policy", csp)
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
		hdr.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				slog.ErrorContext(r.Context(), "panic", "panic", fmt.Sprint(p))
				if !rec.wrote {
					WriteError(rec, r, fmt.Errorf("httpx: panic: %v", p))
				}
			}
			slog.InfoContext(r.Context(), "request", "method", r.Method, "path", r.URL.Path,
				"status", rec.status, "ms", float64(time.Since(start).Microseconds())/1000)
		}()
		inner.ServeHTTP(rec, r)
	}), nil
}

// limitBody refuses a declared oversize body at once and caps an undeclared one.
// tooLarge is the 413 of a body over limit, naming the limit (64 KiB for the API; the
// sales file's 1 MiB where a handler takes that).
func tooLarge(limit int64) error {
	if limit == MaxBodyBytes {
		return errTooLarge
	}
	size := fmt.Sprintf("%d KiB", limit>>10)
	if limit%(1<<20) == 0 {
		size = fmt.Sprintf("%d MiB", limit>>20)
	}
	return errs.New(errs.TooLarge, "body_too_large", "The request body is larger than "+size+".")
}

func limitBody(h http.Handler, limit int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			WriteError(w, r, tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		h.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusRecorder) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// ClientIP returns the caller's address. trustedProxies is how many proxies in front
// of the function append to X-Forwarded-For (CloudFront: 1); 0 trusts only RemoteAddr.
func ClientIP(r *http.Request, trustedProxies int) string {
	if trustedProxies > 0 {
		hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		if i := len(hops) - trustedProxies; i >= 0 && i < len(hops) {
			if ip := net.ParseIP(strings.TrimSpace(hops[i])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
