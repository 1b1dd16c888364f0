package members

import (
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/locale"
)

// stateCookie binds a social sign-in to the browser that started it.
const stateCookie = "tribune_oauth_state"

// ProviderView is a sign-in button.
type ProviderView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ProviderList is the answer of GET /api/auth/providers.
type ProviderList struct {
	Providers []ProviderView `json:"providers"`
}

// SocialHTTP exposes social sign-in.
type SocialHTTP struct {
	Social *Social
	HTTP   HTTP
}

// Routes returns social sign-in's operations.
func (h SocialHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/auth/providers", Tag: "auth", Handler: h.providers,
			Summary:   "The sign-in providers this community has enabled.",
			Responses: httpx.Answers(200, "Providers, in display order", ProviderList{}, nil)},
		{Method: "GET", Pattern: "/api/auth/oidc/{provider}/start", Tag: "auth", Handler: h.start,
			Query: []httpx.Param{{Name: "return", Description: "Local path to land on afterwards"},
				{Name: "invitation", Description: "Invitation code a newcomer brings (invite-only communities)"}},
			Summary: "Start signing in with a provider (authorization code + PKCE, state, nonce): redirects to the provider.",
			Responses: httpx.Answers(303, "To the provider", nil, map[int]string{404: "Provider not enabled",
				429: "Too many sign-in attempts from this client"})},
		{Method: "GET", Pattern: "/api/auth/oidc/{provider}/callback", Tag: "auth", Handler: h.callback,
			Query: []httpx.Param{{Name: "code", Description: "Authorization code (some providers' run past 1,000 bytes)", MaxBytes: 4096}, {Name: "state", Required: true, Description: "The flow's state"},
				{Name: "error", Description: "Set by the provider when the person refused"}},
			Summary:   "The provider's redirect back: signs in (linking by verified email, or registering) and redirects to the web app.",
			Responses: httpx.Answers(303, "Signed in; redirect to the web app (browsers also land there on errors)", nil, map[int]string{400: "State, code or token not valid", 403: "No verified email, or account suspended or banned"})},
	}
}

func (h SocialHTTP) providers(w http.ResponseWriter, r *http.Request) {
	out := ProviderList{Providers: []ProviderView{}}
	for _, p := range h.Social.Providers.Enabled() {
		out.Providers = append(out.Providers, ProviderView{ID: p.ID, Name: p.Name})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h SocialHTTP) start(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	url, state, err := h.Social.Start(r.Context(), r.PathValue("provider"), q.Get("return"), q.Get("invitation"), httpx.ClientIP(r, h.HTTP.TrustedProxies))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/api/auth/oidc/", MaxAge: int(SocialFlowTTL.Seconds()),
		HttpOnly: true, Secure: h.HTTP.CookieSecure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, url, http.StatusSeeOther)
}

func (h SocialHTTP) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cb := Callback{Provider: r.PathValue("provider"), State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
		Lang: locale.Pick("", r.Header.Get("Accept-Language")), UserAgent: r.UserAgent()}
	if c, err := r.Cookie(stateCookie); err == nil {
		cb.StateCookie = c.Value
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/api/auth/oidc/", MaxAge: -1, HttpOnly: true,
		Secure: h.HTTP.CookieSecure, SameSite: http.SameSiteLaxMode})
	_, sess, cookie, returnTo, err := h.Social.Finish(r.Context(), cb)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	auth.SetCookie(w, cookie, sess.ExpiresAt, h.HTTP.CookieSecure)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.HTTP.Service.PublicURL+returnTo, http.StatusSeeOther)
}

// fail sends a person back to the web app with the reason; scripts get the problem.
func (h SocialHTTP) fail(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := errs.As(err); ok && e.Kind != errs.Internal && e.Kind != errs.Unavailable && WantsHTML(r) {
		http.Redirect(w, r, h.HTTP.Service.PublicURL+"/?signin_error="+e.Code, http.StatusSeeOther)
		return
	}
	httpx.WriteError(w, r, err)
}
