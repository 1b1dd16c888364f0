package members

import (
	"embed"
	"errors"
	"net/http"
	"strings"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/locale"
)

//go:embed templates
var templatesDir embed.FS

// StartRequest asks for a sign-in link.
type StartRequest struct {
	Email string `json:"email"`
	// Locale of the email; the Accept-Language header when absent.
	Locale string `json:"locale,omitempty"`
}

// Accepted answers a request that was taken.
type Accepted struct {
	Status string `json:"status"`
}

// HTTP exposes the service.
type HTTP struct {
	Service  *Service
	Sessions auth.Sessions
	// CookieSecure is false only for plain-http local runs.
	CookieSecure   bool
	TrustedProxies int
}

// Routes returns membership's operations.
func (h HTTP) Routes() []httpx.Route {
	problem := func(d string) httpx.Response { return httpx.Response{Description: d} }
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/auth/email/start", Tag: "auth", Handler: h.start, Request: StartRequest{},
			Summary: "Email a one-time sign-in link (valid 15 minutes); the answer is the same for known and unknown addresses.",
			Responses: map[int]httpx.Response{202: {Description: "Link sent", Body: Accepted{}}, 400: problem("Bad email, locale or JSON"),
				403: problem("Cross-origin request"), 413: problem("Body over 64 KiB"), 415: problem("Not JSON"), 429: problem("Too many requests for this address or client"),
				503: problem("Mail could not be sent")}},
		{Method: "GET", Pattern: "/api/auth/email/verify", Tag: "auth", Handler: h.verify,
			Query:   []httpx.Param{{Name: "token", Required: true, Description: "The token from the emailed link"}},
			Summary: "Spend a sign-in link: creates the member on first use, sets the session cookie and redirects to the web app.",
			Responses: map[int]httpx.Response{303: {Description: "Signed in; redirect to the web app (or to the sign-in page with an error, for browsers)"},
				410: problem("Link invalid, used or expired")}},
		{Method: "GET", Pattern: "/api/me", Tag: "members", Handler: h.me, Session: true,
			Summary:   "The signed-in member.",
			Responses: map[int]httpx.Response{200: {Description: "The member", Body: Member{}}, 401: problem("Not signed in")}},
		{Method: "POST", Pattern: "/api/auth/logout", Tag: "auth", Handler: h.logout,
			Summary:   "End this browser's session.",
			Responses: map[int]httpx.Response{204: {Description: "Signed out"}, 403: problem("Cross-origin request")}},
	}
}

func (h HTTP) start(w http.ResponseWriter, r *http.Request) {
	var req StartRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if req.Locale != "" && !locale.Valid(req.Locale) {
		httpx.WriteError(w, r, ErrInvalidLocal)
		return
	}
	lang := locale.Pick(req.Locale, r.Header.Get("Accept-Language"))
	if err := h.Service.StartEmailSignIn(r.Context(), req.Email, lang, httpx.ClientIP(r, h.TrustedProxies)); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusAccepted, Accepted{Status: "sent"})
}

func (h HTTP) verify(w http.ResponseWriter, r *http.Request) {
	_, sess, raw, err := h.Service.VerifyEmail(r.Context(), r.URL.Query().Get("token"))
	if err != nil {
		// A person following the link gets the web app's explanation in their language.
		if e, ok := errs.As(err); ok && e.Kind == errs.Gone && wantsHTML(r) {
			http.Redirect(w, r, h.Service.PublicURL+"/?signin_error="+e.Code, http.StatusSeeOther)
			return
		}
		httpx.WriteError(w, r, err)
		return
	}
	auth.SetCookie(w, raw, sess.ExpiresAt, h.CookieSecure)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.Service.PublicURL+"/", http.StatusSeeOther)
}

func (h HTTP) me(w http.ResponseWriter, r *http.Request) {
	p, err := h.Sessions.Principal(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	m, err := h.Service.Get(r.Context(), p.MemberID)
	switch {
	case errors.Is(err, errs.ErrNotFound):
		err = auth.ErrNoSession
	case err == nil && m.Status != StatusActive:
		err = ErrInactive
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, m)
}

func (h HTTP) logout(w http.ResponseWriter, r *http.Request) {
	p, err := h.Sessions.Principal(r)
	if err == nil {
		err = h.Service.Logout(r.Context(), p.SessionHash)
	}
	if err != nil && !errors.Is(err, auth.ErrNoSession) {
		httpx.WriteError(w, r, err)
		return
	}
	auth.ClearCookie(w, h.CookieSecure)
	w.WriteHeader(http.StatusNoContent)
}

func wantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "application/json")
}

func isNotFound(err error) bool { return errors.Is(err, errs.ErrNotFound) }
