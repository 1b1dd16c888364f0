package invitations

import (
	"context"
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// BulkRequest invites addresses (staff).
type BulkRequest struct {
	Emails    []string `json:"emails"`
	Roles     []string `json:"roles,omitempty"`
	Message   string   `json:"message,omitempty"`
	ValidDays int      `json:"validDays,omitempty"`
	Locale    string   `json:"locale,omitempty"`
	// SkipInvalid confirms sending to the valid addresses when some entries are not
	// addresses (the inviter was shown them by a first answer, 400 invalid_emails).
	SkipInvalid bool `json:"skipInvalid,omitempty"`
}

// FriendRequest invites one friend (any member).
type FriendRequest struct {
	Email   string `json:"email"`
	Message string `json:"message,omitempty"`
	Locale  string `json:"locale,omitempty"`
}

// LinkRequest creates a shareable link (staff).
type LinkRequest struct {
	Roles     []string `json:"roles,omitempty"`
	MaxUses   int      `json:"maxUses"`
	ValidDays int      `json:"validDays,omitempty"`
	Message   string   `json:"message,omitempty"`
}

// InvitationList answers listings and bulk invites.
type InvitationList struct {
	Invitations []Invitation `json:"invitations"`
	// AlreadyInvited (bulk invites) are the pending invitations some addresses already
	// had: nothing new was sent to them (resend is its own action).
	AlreadyInvited []Invitation `json:"alreadyInvited,omitempty"`
	// Skipped (bulk invites with skipInvalid) are the entries left out because they are
	// not addresses: their line, as typed, and why.
	Skipped []errs.Entry `json:"skipped,omitempty"`
}

// LinkCreated is a new shareable link; the code is shown this once.
type LinkCreated struct {
	Invitation Invitation `json:"invitation"`
	Code       string     `json:"code"`
	Link       string     `json:"link"`
}

// Names finds the display name of an inviter.
type Names interface {
	DisplayName(ctx context.Context, memberID string) (string, error)
}

// HTTP exposes invitations.
type HTTP struct {
	Service *Service
	Names   Names
}

// Routes returns the invitation operations.
func (h HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/invitations", Tag: "invitations", Action: policy.InvitationsStaff, Handler: h.bulk, Request: BulkRequest{},
			Summary: "Invite up to 100 addresses, with roles to grant (admins only) and a personal message; every address is checked before any is invited. " +
				"Entries that are not addresses invite nobody: 400 invalid_emails names each (invalid: line, value, code) and counts the valid addresses (valid); " +
				"sent again with skipInvalid, the valid addresses are invited and the others listed in skipped. " +
				"An address with a pending invitation gets no second one: it is listed in alreadyInvited (200 when no address was new).",
			Responses: httpx.Answers(201, "Done", InvitationList{}, map[int]string{400: "Entries that are not addresses (listed), or a bad role, message or validity", 429: "Daily quota reached"})},
		{Method: "POST", Pattern: "/api/invitations/friend", Tag: "invitations", Action: policy.InvitationsFriend, Handler: h.friend, Request: FriendRequest{},
			Summary:   "Invite a friend by email (5 a day for members); an address with a pending invitation gets no second one.",
			Responses: httpx.Answers(201, "Done", Invitation{}, map[int]string{400: "Bad address or message", 409: "The address already has a pending invitation", 429: "Daily quota reached"})},
		{Method: "POST", Pattern: "/api/invitations/links", Tag: "invitations", Action: policy.InvitationsStaff, Handler: h.link, Request: LinkRequest{},
			Summary:   "Create a shareable invitation link with an expiry and a maximum number of uses; its code is shown once.",
			Responses: httpx.Answers(201, "Done", LinkCreated{}, map[int]string{400: "Bad uses, validity, role or message"})},
		{Method: "GET", Pattern: "/api/invitations", Tag: "invitations", Action: policy.InvitationsStaff, Handler: h.list,
			Summary: "Pending invitations, newest first.", Responses: httpx.Answers(200, "Done", InvitationList{}, nil)},
		{Method: "POST", Pattern: "/api/invitations/{id}/revoke", Tag: "invitations", Action: policy.InvitationsStaff, Handler: h.revoke,
			Summary: "Revoke an invitation: its link stops working.", Responses: httpx.Answers(200, "Done", Invitation{}, map[int]string{404: "No such invitation"})},
		{Method: "POST", Pattern: "/api/invitations/{id}/resend", Tag: "invitations", Action: policy.InvitationsStaff, Handler: h.resend,
			Summary:   "Email a pending invitation again, with a new link (the old one stops working).",
			Responses: httpx.Answers(200, "Done", Invitation{}, map[int]string{404: "No such invitation", 409: "Not a pending email invitation"})},
		{Method: "GET", Pattern: "/api/invitations/code/{code}", Tag: "invitations", Handler: h.lookup,
			Summary:   "What an invitation link's landing page shows: who invites, their message, whether it can still be used.",
			Responses: httpx.Answers(200, "The invitation", Public{}, map[int]string{410: "Not a valid invitation link"})},
	}
}

// decode reads the request body into req and finds who invites; false means the
// answer (a problem) is written.
func (h HTTP) decode(w http.ResponseWriter, r *http.Request, req any) (Inviter, bool) {
	if err := httpx.DecodeJSON(r, req); err != nil {
		httpx.WriteError(w, r, err)
		return Inviter{}, false
	}
	p, _ := auth.PrincipalFrom(r.Context())
	name, err := h.Names.DisplayName(r.Context(), p.MemberID)
	if err != nil {
		httpx.WriteError(w, r, err)
		return Inviter{}, false
	}
	return Inviter{Principal: p, Name: name}, true
}

func (h HTTP) bulk(w http.ResponseWriter, r *http.Request) {
	var req BulkRequest
	inviter, ok := h.decode(w, r, &req)
	if !ok {
		return
	}
	done, err := h.Service.InviteByEmail(r.Context(), inviter, Request{Emails: req.Emails, Roles: req.Roles, Message: req.Message,
		ValidDays: req.ValidDays, MaxUses: 1, Locale: req.Locale, SkipInvalid: req.SkipInvalid})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := InvitationList{Invitations: []Invitation{}, Skipped: done.Skipped}
	for _, c := range done.Created {
		if c.Existing {
			out.AlreadyInvited = append(out.AlreadyInvited, c.Invitation)
		} else {
			out.Invitations = append(out.Invitations, c.Invitation)
		}
	}
	status := http.StatusCreated
	if len(out.Invitations) == 0 {
		status = http.StatusOK // nothing new: every address already had its invitation
	}
	httpx.WriteJSON(w, status, out)
}

func (h HTTP) friend(w http.ResponseWriter, r *http.Request) {
	var req FriendRequest
	inviter, ok := h.decode(w, r, &req)
	if !ok {
		return
	}
	created, err := h.Service.InviteFriend(r.Context(), inviter, req.Email, req.Message, req.Locale)
	if err == nil && created.Existing {
		// Whoever sent it (staff or another member), the address is invited already;
		// the answer names nothing of that invitation.
		err = ErrAlreadyPending
	}
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, created.Invitation)
}

func (h HTTP) link(w http.ResponseWriter, r *http.Request) {
	var req LinkRequest
	inviter, ok := h.decode(w, r, &req)
	if !ok {
		return
	}
	c, err := h.Service.CreateLink(r.Context(), inviter, Request{Roles: req.Roles, Message: req.Message, ValidDays: req.ValidDays, MaxUses: req.MaxUses})
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusCreated, LinkCreated{Invitation: c.Invitation, Code: c.Code, Link: h.Service.Link(c.Code)})
}

func (h HTTP) list(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Pending(r.Context())
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, InvitationList{Invitations: list})
}

func (h HTTP) revoke(w http.ResponseWriter, r *http.Request) {
	inv, err := h.Service.Revoke(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, inv, err)
}

func (h HTTP) resend(w http.ResponseWriter, r *http.Request) {
	inv, err := h.Service.Resend(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, inv, err)
}

func (h HTTP) lookup(w http.ResponseWriter, r *http.Request) {
	pub, err := h.Service.Lookup(r.Context(), r.PathValue("code"))
	httpx.Reply(w, r, http.StatusOK, pub, err)
}
