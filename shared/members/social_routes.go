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

// SocialStart starts a social sign-in.
type SocialStart struct {
	// Return is a local path to land on afterwards ("/" otherwise).
	Return string `json:"return,omitempty"`
	// Invitation is the code of the invitation a newcomer brings.
	Invitation string `json:"invitation,omitempty"`
	// SwitchAccount is the person's choice that the sign-in may replace this browser's
	// session of another account; without it the callback refuses to (409).
	SwitchAccount bool `json:"switchAccount,omitempty"`
	// Locale is the language of the page (en or fr): a newcomer's account takes it; the
	// browser's Accept-Language when absent.
	Locale string `json:"locale,omitempty"`
}

// SocialRedirect is where the browser goes to sign in with the provider.
type SocialRedirect struct {
	Redirect string `json:"redirect"`
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
		{Method: "POST", Pattern: "/api/auth/oidc/{provider}/start", NoIdempotencyKey: true, Tag: "auth", Handler: h.start, Request: SocialStart{},
			Summary: "Start signing in with a provider (authorization code + PKCE, state, nonce): sets the browser-bound state cookie and answers the provider's address for the web app to go to. A POST with a JSON body, so another site cannot start it.",
			Responses: httpx.Answers(200, "Where to go", SocialRedirect{}, map[int]string{400: "Bad JSON", 404: "Provider not enabled",
				429: "Too many sign-in attempts from this client"})},
		{Method: "GET", Pattern: "/api/auth/oidc/{provider}/callback", Tag: "auth", Handler: h.callback,
			Query: []httpx.Param{{Name: "code", Description: "Authorization code (some providers' run past 1,000 bytes)", MaxBytes: 4096}, {Name: "state", Required: true, Description: "The flow's state"},
				{Name: "error", Description: "Set by the provider when the person refused"}},
			Summary: "The provider's redirect back (a GET by protocol): completes only a flow this browser started (state bound by cookie); signs in (linking by verified email, or registering) and redirects to the web app. It never replaces this browser's session of another account unless the flow was started with switchAccount.",
			Responses: httpx.Answers(303, "Signed in; redirect to the web app (browsers also land there on errors)", nil, map[int]string{400: "State, code or token not valid",
				403: "No verified email, or account suspended or banned", 409: "Signed in with another account, and the flow did not choose to switch"})},
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
	var req SocialStart
	if !httpx.Decoded(w, r, &req) {
		return
	}
	if req.Locale != "" && !locale.Valid(req.Locale) {
		httpx.WriteError(w, r, ErrInvalidLocal)
		return
	}
	url, state, err := h.Social.Start(r.Context(), r.PathValue("provider"), req.Return, req.Invitation,
		httpx.ClientIP(r, h.HTTP.TrustedProxies), req.Locale, req.SwitchAccount)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: state, Path: "/api/auth/oidc/", MaxAge: int(SocialFlowTTL.Seconds()),
		HttpOnly: true, Secure: h.HTTP.CookieSecure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, SocialRedirect{Redirect: url})
}

func (h SocialHTTP) callback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	cb := Callback{Provider: r.PathValue("provider"), State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"),
		Lang: locale.Pick("", r.Header.Get("Accept-Language")), UserAgent: r.UserAgent()}
	if c, err := r.Cookie(stateCookie); err == nil {
		cb.StateCookie = c.Value
	}
	if cb.State != "" && cb.StateCookie == cb.State {
		// This browser's flow ends here, whatever the outcome; a forged callback leaves it be.
		http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: "", Path: "/api/auth/oidc/", MaxAge: -1, HttpOnly: true,
			Secure: h.HTTP.CookieSecure, SameSite: http.SameSiteLaxMode})
	}
	current, err := h.HTTP.signedIn(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cb.Current = current
	done, err := h.Social.Finish(r.Context(), cb)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !done.Kept {
		auth.SetCookie(w, done.Cookie, done.Session.ExpiresAt, h.HTTP.CookieSecure)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.HTTP.Service.PublicURL+done.Return, http.StatusSeeOther)
}

// fail sends a person back to the web app with the reason; scripts get the problem.
func (h SocialHTTP) fail(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := errs.As(err); ok && e.Kind != errs.Internal && e.Kind != errs.Unavailable && WantsHTML(r) {
		http.Redirect(w, r, h.HTTP.Service.PublicURL+"/?signin_error="+e.Code, http.StatusSeeOther)
		return
	}
	httpx.WriteError(w, r, err)
}
