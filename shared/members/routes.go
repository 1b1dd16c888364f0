package members

import (
	"embed"
	"errors"
	"net/http"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/locale"
	"tribune/shared/policy"
)

//go:embed templates
var templatesDir embed.FS

// StartRequest asks for a sign-in link.
type StartRequest struct {
	Email string `json:"email"`
	// Locale of the email; the Accept-Language header when absent.
	Locale string `json:"locale,omitempty"`
	// Invitation is the code of the invitation a newcomer brings.
	Invitation string `json:"invitation,omitempty"`
}

// LinkRequest names a sign-in link by its token (the fragment of the emailed link).
type LinkRequest struct {
	Token string `json:"token"`
}

// LinkConfirmation spends a sign-in link.
type LinkConfirmation struct {
	Token string `json:"token"`
	// SwitchAccount is the person's choice to end this browser's session of another
	// account and sign in with the link's; without it such a request is refused (409).
	SwitchAccount bool `json:"switchAccount,omitempty"`
}

// SignedIn answers a confirmed sign-in link.
type SignedIn struct {
	MemberID string `json:"memberId"`
	// AlreadySignedIn: the browser was signed in with this account; its session goes on.
	AlreadySignedIn bool `json:"alreadySignedIn"`
	// Switched: the browser's session of another account was ended.
	Switched bool `json:"switched"`
}

// Accepted answers a request that was taken.
type Accepted struct {
	Status string `json:"status"`
}

// SessionView is one of a member's sessions as the sessions page shows it.
type SessionView struct {
	ID        string    `json:"id"`
	Device    string    `json:"device"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	Current   bool      `json:"current"`
}

// SessionList is the answer of GET /api/me/sessions.
type SessionList struct {
	Sessions []SessionView `json:"sessions"`
}

// RolesRequest replaces a member's roles.
type RolesRequest struct {
	Roles []string `json:"roles"`
}

// ModerationRequest suspends or bans.
type ModerationRequest struct {
	// Days of suspension (1..365); ignored by ban.
	Days   int    `json:"days,omitempty"`
	Reason string `json:"reason,omitempty"`
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
	return append(h.accountRoutes(), h.profileRoutes()...)
}

func (h HTTP) accountRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/auth/email/start", Tag: "auth", Handler: h.start, Request: StartRequest{},
			Summary: "Email a one-time sign-in link (valid 15 minutes); the answer is the same for known and unknown addresses.",
			Responses: httpx.Answers(202, "Link sent", Accepted{}, map[int]string{400: "Bad email, locale or JSON",
				403: "Cross-origin request, or an invitation is required or meant for another address", 410: "Invitation invalid, used, revoked or expired",
				413: "Body over 64 KiB", 415: "Not JSON", 429: "Too many requests for this address or client",
				503: "Mail could not be sent"})},
		{Method: "POST", Pattern: "/api/auth/email/link", NoIdempotencyKey: true, Tag: "auth", Handler: h.describeLink, Request: LinkRequest{},
			Summary:   "What a sign-in link would do, spending nothing: its masked address, whether it creates the account, and whether this browser is signed in with that account, another one, or none.",
			Responses: httpx.Answers(200, "The link", LinkInfo{}, map[int]string{400: "Bad JSON", 410: "Link invalid, used or expired"})},
		{Method: "POST", Pattern: "/api/auth/email/confirm", NoIdempotencyKey: true, Tag: "auth", Handler: h.confirmLink, Request: LinkConfirmation{},
			Summary: "Spend a sign-in link: signs in (creating the member on first use) and sets the session cookie. A browser signed in with the link's account keeps its session; one signed in with another account is refused unless switchAccount is true.",
			Responses: httpx.Answers(200, "Signed in", SignedIn{}, map[int]string{400: "Bad JSON",
				403: "Cross-origin request, account suspended or banned, or an invitation meant for another address",
				409: "Signed in with another account and switchAccount is not true (nothing is spent)",
				410: "Link or invitation invalid, used or expired"})},
		{Method: "GET", Pattern: "/api/auth/email/verify", Tag: "auth", Handler: h.verify,
			Query:     []httpx.Param{{Name: "token", Required: true, Description: "The token of a link emailed before links opened the web app"}},
			Summary:   "Links of older emails: redirects to the web app's confirmation page, spending and changing nothing.",
			Responses: httpx.Answers(303, "To the confirmation page", nil, map[int]string{410: "Not a link token"})},
		{Method: "POST", Pattern: "/api/auth/logout", NoIdempotencyKey: true, Tag: "auth", Handler: h.logout,
			Summary:   "End this browser's session.",
			Responses: httpx.Answers(204, "Signed out", nil, map[int]string{403: "Cross-origin request"})},
		{Method: "GET", Pattern: "/api/me", Tag: "members", Handler: h.me, Action: policy.SignedIn,
			Summary:   "The signed-in member, with the community-wide actions their roles allow (policy's permission table).",
			Responses: httpx.Answers(200, "The member and their actions", Me{}, nil)},
		{Method: "GET", Pattern: "/api/me/sessions", Tag: "members", Handler: h.sessions, Action: policy.SignedIn,
			Summary:   "The signed-in member's sessions (browsers), newest first.",
			Responses: httpx.Answers(200, "Sessions", SessionList{}, nil)},
		{Method: "DELETE", Pattern: "/api/me/sessions/{id}", Tag: "members", Handler: h.revokeSession, Action: policy.SignedIn,
			Summary:   "End one of the signed-in member's sessions.",
			Responses: httpx.Answers(204, "Ended", nil, map[int]string{404: "No such session of this member"})},
		{Method: "POST", Pattern: "/api/me/sessions/revoke-all", Tag: "members", Handler: h.signOutEverywhere, Action: policy.SignedIn,
			Summary:   "Sign out everywhere: end every session of the signed-in member, this one included.",
			Responses: httpx.Answers(204, "Every session ended", nil, nil)},
		{Method: "PUT", Pattern: "/api/members/{id}/roles", Tag: "staff", Handler: h.setRoles, Action: policy.MembersManageRoles, Request: RolesRequest{},
			Summary:   "Replace a member's community roles (member is always kept). Takes effect on the member's next request.",
			Responses: httpx.Answers(200, "The member", Member{}, map[int]string{400: "Unknown role, or removing your own admin role", 404: "No such member"})},
		{Method: "POST", Pattern: "/api/members/{id}/suspend", Tag: "staff", Handler: h.moderate(1), Action: policy.MembersModerate, Request: ModerationRequest{},
			Summary:   "Suspend a member for some days; their sessions end at once.",
			Responses: httpx.Answers(200, "The member", Member{}, map[int]string{400: "Bad days or reason", 404: "No such member"})},
		{Method: "POST", Pattern: "/api/members/{id}/ban", Tag: "staff", Handler: h.moderate(-1), Action: policy.MembersModerate, Request: ModerationRequest{},
			Summary:   "Ban a member; their sessions end at once and they cannot sign in again.",
			Responses: httpx.Answers(200, "The member", Member{}, map[int]string{400: "Bad reason", 404: "No such member"})},
		{Method: "GET", Pattern: "/api/community", Tag: "community", Handler: h.settings,
			Summary:   "The community's access mode, so the web app knows whether to offer registration and public reading.",
			Responses: httpx.Answers(200, "Settings", Settings{}, nil)},
		{Method: "PUT", Pattern: "/api/community/access", Tag: "staff", Handler: h.saveSettings, Action: policy.CommunitySettings, Request: Settings{},
			Summary:   "Change the access mode: open, invite (invitation required, nothing public) or hybrid (public reading; registration open or by invitation).",
			Responses: httpx.Answers(200, "Saved", Settings{}, map[int]string{400: "Unknown mode"})},
		{Method: "POST", Pattern: "/api/members/{id}/reinstate", Tag: "staff", Handler: h.moderate(0), Action: policy.MembersModerate,
			Summary:   "Lift a suspension or a ban.",
			Responses: httpx.Answers(200, "The member", Member{}, map[int]string{404: "No such member"})},
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
	if err := h.Service.StartEmailSignIn(r.Context(), req.Email, lang, httpx.ClientIP(r, h.TrustedProxies), req.Invitation); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusAccepted, Accepted{Status: "sent"})
}

// verify sends an older email's link to the confirmation page. Like every GET it changes
// nothing: mail scanners fetch links, and a link may come from someone else.
func (h HTTP) verify(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	if !validToken(token) {
		if WantsHTML(r) {
			http.Redirect(w, r, h.Service.PublicURL+"/?signin_error="+ErrLinkInvalid.Code, http.StatusSeeOther)
			return
		}
		httpx.WriteError(w, r, ErrLinkInvalid)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, h.Service.LinkPage(token), http.StatusSeeOther)
}

// signedIn is who this browser is signed in as (the zero Principal for nobody). A
// session that cannot be used any more (ended, suspended, banned) counts as none.
func (h HTTP) signedIn(r *http.Request) (auth.Principal, error) {
	p, err := h.Sessions.Principal(r)
	if e, ok := errs.As(err); ok && (e.Kind == errs.Unauthenticated || e.Kind == errs.Forbidden) {
		return auth.Principal{}, nil
	}
	return p, err
}

func (h HTTP) describeLink(w http.ResponseWriter, r *http.Request) {
	var req LinkRequest
	if !httpx.Decoded(w, r, &req) {
		return
	}
	current, err := h.signedIn(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	info, err := h.Service.DescribeLink(r.Context(), req.Token, current.MemberID)
	w.Header().Set("Cache-Control", "no-store")
	httpx.Reply(w, r, http.StatusOK, info, err)
}

func (h HTTP) confirmLink(w http.ResponseWriter, r *http.Request) {
	var req LinkConfirmation
	if !httpx.Decoded(w, r, &req) {
		return
	}
	current, err := h.signedIn(r)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	res, err := h.Service.ConfirmLink(r.Context(), req.Token, r.UserAgent(), current, req.SwitchAccount)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if !res.Kept {
		auth.SetCookie(w, res.Cookie, res.Session.ExpiresAt, h.CookieSecure)
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, SignedIn{MemberID: res.MemberID, AlreadySignedIn: res.Kept, Switched: res.Switched})
}

func (h HTTP) me(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	m, err := h.Service.Get(r.Context(), p.MemberID)
	if errors.Is(err, errs.ErrNotFound) {
		err = auth.ErrNoSession
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, MeOf(m))
}

func (h HTTP) sessions(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	list, err := h.Service.Sessions(r.Context(), p.MemberID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := SessionList{Sessions: make([]SessionView, 0, len(list))}
	for _, s := range list {
		out.Sessions = append(out.Sessions, SessionView{ID: s.Hash, Device: s.Device, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt, Current: s.Hash == p.SessionHash})
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h HTTP) revokeSession(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	if err := h.Service.RevokeSession(r.Context(), p.MemberID, r.PathValue("id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h HTTP) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	if err := h.Service.SignOutEverywhere(r.Context(), p.MemberID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	auth.ClearCookie(w, h.CookieSecure)
	w.WriteHeader(http.StatusNoContent)
}

func (h HTTP) setRoles(w http.ResponseWriter, r *http.Request) {
	var req RolesRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p, _ := auth.PrincipalFrom(r.Context())
	m, err := h.Service.SetRoles(r.Context(), p, r.PathValue("id"), req.Roles)
	httpx.Reply(w, r, http.StatusOK, m, err)
}

// moderate handles suspend (sign 1), ban (-1) and reinstate (0).
func (h HTTP) moderate(sign int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req ModerationRequest
		if sign != 0 {
			if err := httpx.DecodeJSON(r, &req); err != nil {
				httpx.WriteError(w, r, err)
				return
			}
		}
		days := sign
		if sign > 0 {
			if req.Days < 1 || req.Days > MaxSuspendDays {
				httpx.WriteError(w, r, ErrBadDays)
				return
			}
			days = req.Days
		}
		p, _ := auth.PrincipalFrom(r.Context())
		m, err := h.Service.Moderate(r.Context(), p, r.PathValue("id"), days, req.Reason)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, m)
	}
}

func (h HTTP) settings(w http.ResponseWriter, r *http.Request) {
	st, err := h.Service.Settings(r.Context())
	httpx.Reply(w, r, http.StatusOK, st, err)
}

func (h HTTP) saveSettings(w http.ResponseWriter, r *http.Request) {
	var st Settings
	if err := httpx.DecodeJSON(r, &st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if err := h.Service.SaveSettings(r.Context(), st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, st)
}

func (h HTTP) logout(w http.ResponseWriter, r *http.Request) {
	p, err := h.Sessions.Principal(r)
	if err == nil {
		err = h.Service.Logout(r.Context(), p)
	}
	if err != nil && httpx.StatusOf(err) >= 500 {
		httpx.WriteError(w, r, err)
		return
	}
	auth.ClearCookie(w, h.CookieSecure)
	w.WriteHeader(http.StatusNoContent)
}

// WantsHTML reports whether a person's browser (not a script) made the request.
func WantsHTML(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "application/json")
}
