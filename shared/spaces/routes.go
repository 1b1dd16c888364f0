package spaces

import (
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// SpaceView is a space with the caller's membership.
type SpaceView struct {
	Space       Space       `json:"space"`
	Membership  *Membership `json:"membership,omitempty"`
	CanPost     bool        `json:"canPost"`
	CanModerate bool        `json:"canModerate"`
	// CanRead: the caller reads the space's lists (a public space, an active member,
	// staff); the page asks for them only then.
	CanRead bool `json:"canRead"`
	// CanAdmit: the caller invites people and approves requests (in a customer space,
	// support agents only).
	CanAdmit bool `json:"canAdmit"`
	// CanChangeSettings: the caller changes the space's visibility (its owner, staff;
	// in a customer space, support agents).
	CanChangeSettings bool `json:"canChangeSettings"`
	// JoinOffer is what the caller may do to become a member (Access.JoinOffer): join,
	// ask to join (request), accept an invitation; absent for nothing (a member, a
	// request waiting, a hidden space without invitation, a visitor).
	JoinOffer string `json:"joinOffer,omitempty"`
}

// MembershipList answers listings of memberships.
type MembershipList struct {
	Memberships []Membership `json:"memberships"`
}

// Directory is a page of the space directory.
type Directory struct {
	Spaces []Space `json:"spaces"`
	Next   string  `json:"next,omitempty"`
}

// InviteRequest names the member to invite.
type InviteRequest struct {
	MemberID string `json:"memberId" format:"id"`
}

// RoleRequest is a new space role.
type RoleRequest struct {
	Role string `json:"role"`
}

// HTTP exposes spaces.
type HTTP struct{ Service *Service }

// Routes returns the space operations.
func (h HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/spaces", SameWithin: idempotency.Window, Tag: "spaces", Action: policy.SignedIn, Handler: h.create, Request: CreateRequest{},
			Summary: "Create a space: staff any kind (customer spaces: support agents, closed or hidden only), members a project group when the admins allow it; public, closed or hidden; the creator owns it (a customer space has no owner: agents run it through their role).",
			Responses: httpx.Answers(201, "The space", Space{}, map[int]string{400: "Bad name, description, icon, visibility or kind, or a public customer space",
				403: "Not staff, and members may not create this (customer spaces: support agents)"})},
		{Method: "GET", Pattern: "/api/spaces", Tag: "spaces", Action: policy.Visitors, Handler: h.directory,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The space directory: public and closed spaces by name, 50 a page (hidden and customer spaces are never listed).",
			Responses: httpx.Answers(200, "A page", Directory{}, map[int]string{400: "Bad cursor"})},
		{Method: "GET", Pattern: "/api/support/spaces", Tag: "spaces", Action: policy.TicketsWork, Handler: h.customerSpaces,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The customer spaces, by name, 50 a page, for the support agents who run them (through their role: they belong to none).",
			Responses: httpx.Answers(200, "A page", Directory{}, map[int]string{400: "Bad cursor"})},
		{Method: "GET", Pattern: "/api/spaces/{id}/members", Tag: "spaces", Action: policy.SignedIn, Handler: h.members,
			Summary:   "A space's members (and, for its moderators, who is invited).",
			Responses: httpx.Answers(200, "Members", MembershipList{}, map[int]string{403: "Not a member of a closed space", 404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/invitations", Tag: "spaces", Action: policy.SignedIn, Handler: h.invite, Request: InviteRequest{},
			Summary:   "Invite a member into the space (owner, space moderators, staff; in a customer space, support agents); they are told and accept by joining.",
			Responses: httpx.Answers(200, "The membership (invited, or as it was)", Membership{}, map[int]string{403: "Not a space moderator", 404: "No such space or member"})},
		{Method: "PUT", Pattern: "/api/spaces/{id}/members/{member}/role", Tag: "spaces", Action: policy.SignedIn, Handler: h.setRole, Request: RoleRequest{},
			Summary: "Give a member a space role: member, moderator, expert or editor (experts and editors write the space's articles and upload its documents; they do not moderate); by the owner or staff (in a customer space, support agents).",
			Responses: httpx.Answers(200, "The membership", Membership{}, map[int]string{400: "Bad role", 403: "Not the owner nor staff",
				404: "No such space or member", 409: "The owner's role"})},
		{Method: "PUT", Pattern: "/api/spaces/{id}/settings", Tag: "spaces", Action: policy.SignedIn, Handler: h.changeSettings, Request: SettingsChange{},
			Summary: "Change a space's visibility (its owner or staff) and kind (staff). A customer space stays closed or hidden, and no space becomes or stops being a customer space.",
			Responses: httpx.Answers(200, "The space", Space{}, map[int]string{400: "Bad visibility or kind, or a customer space made public",
				403: "Not the owner nor staff", 404: "No such space", 409: "A change to or from a customer space, or the space changed meanwhile"})},
		{Method: "GET", Pattern: "/api/community/spaces", Tag: "community", Action: policy.SignedIn, Handler: h.settings,
			Summary: "The community's space settings (may members create project groups).", Responses: httpx.Answers(200, "Settings", Settings{}, nil)},
		{Method: "PUT", Pattern: "/api/community/spaces", Tag: "staff", Action: policy.CommunitySettings, Handler: h.saveSettings, Request: Settings{},
			Summary: "Change the space settings (admins).", Responses: httpx.Answers(200, "Settings", Settings{}, nil)},
		{Method: "GET", Pattern: "/api/spaces/mine", Tag: "spaces", Action: policy.SignedIn, Handler: h.mine,
			Summary:   "The spaces the signed-in member belongs to or asked to join.",
			Responses: httpx.Answers(200, "Memberships", MembershipList{}, nil)},
		{Method: "GET", Pattern: "/api/spaces/{id}", Tag: "spaces", Action: policy.Visitors, Handler: h.get, Prefetch: httpx.PrefetchSpace,
			Summary:   "A space and the caller's place in it (a hidden space is 404 to non-members).",
			Responses: httpx.Answers(200, "The space", SpaceView{}, map[int]string{404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/join", Tag: "spaces", Action: policy.SignedIn, Handler: h.join,
			Summary:   "Join a public space, or ask to join a closed one.",
			Responses: httpx.Answers(200, "The membership (active or pending)", Membership{}, map[int]string{403: "Hidden space: by invitation only", 404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/leave", Tag: "spaces", Action: policy.SignedIn, Handler: h.leave,
			Summary:   "Leave a space or withdraw a request.",
			Responses: httpx.Answers(204, "Left", nil, map[int]string{404: "No such space", 409: "The owner cannot leave"})},
		{Method: "GET", Pattern: "/api/spaces/{id}/requests", Tag: "spaces", Action: policy.SignedIn, Handler: h.requests,
			Summary:   "Pending requests to join (space owner, moderators, staff; in a customer space, support agents).",
			Responses: httpx.Answers(200, "Requests", MembershipList{}, map[int]string{403: "Not a space moderator", 404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/requests/{member}/approve", Tag: "spaces", Action: policy.SignedIn, Handler: h.approve,
			Summary: "Approve a request to join (space owner, moderators, staff; in a customer space, support agents); the member is told. Repeated, it answers the same membership.",
			Responses: httpx.Answers(200, "The membership", Membership{}, map[int]string{403: "Not a space moderator", 404: "No such space or request",
				409: "The request was declined first"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/requests/{member}/decline", Tag: "spaces", Action: policy.SignedIn, Handler: h.decline,
			Summary: "Decline a request to join (those who approve); the member is told and may ask again. Repeated within 30 days, it answers the same; a request gone (withdrawn) is 404 and nothing is written.",
			Responses: httpx.Answers(200, "The answer (status declined)", Membership{}, map[int]string{403: "Not a space moderator",
				404: "No such space or request", 409: "The request was approved first"})},
	}
}

func (h HTTP) create(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	sp, err := h.Service.Create(r.Context(), auth.Caller(r), req)
	httpx.Reply(w, r, http.StatusCreated, sp, err)
}

func (h HTTP) mine(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Store.MySpaces(r.Context(), auth.Caller(r).MemberID)
	httpx.Reply(w, r, http.StatusOK, memberships(list), err)
}

func (h HTTP) get(w http.ResponseWriter, r *http.Request) {
	a, err := h.Service.AccessOf(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, SpaceView{Space: a.Space, Membership: a.Membership, CanRead: a.Read, CanPost: a.Post, CanModerate: a.Moderate,
		CanAdmit: a.Admit, CanChangeSettings: err == nil && a.MayChangeSettings(), JoinOffer: a.JoinOffer(auth.Caller(r))}, err)
}

func (h HTTP) changeSettings(w http.ResponseWriter, r *http.Request) {
	var c SettingsChange
	if err := httpx.DecodeJSON(r, &c); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	sp, err := h.Service.ChangeSettings(r.Context(), auth.Caller(r), r.PathValue("id"), c)
	httpx.Reply(w, r, http.StatusOK, sp, err)
}

func (h HTTP) join(w http.ResponseWriter, r *http.Request) {
	m, err := h.Service.Join(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h HTTP) leave(w http.ResponseWriter, r *http.Request) {
	if err := h.Service.Leave(r.Context(), auth.Caller(r), r.PathValue("id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h HTTP) requests(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Requests(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, memberships(list), err)
}

func (h HTTP) approve(w http.ResponseWriter, r *http.Request) {
	m, err := h.Service.Approve(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("member"))
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h HTTP) decline(w http.ResponseWriter, r *http.Request) {
	m, err := h.Service.Decline(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("member"))
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func memberships(list []Membership) MembershipList {
	if list == nil {
		list = []Membership{}
	}
	return MembershipList{Memberships: list}
}

func (h HTTP) directory(w http.ResponseWriter, r *http.Request) {
	list, next, err := h.Service.Directory(r.Context(), r.URL.Query().Get("cursor"))
	if list == nil {
		list = []Space{}
	}
	httpx.Reply(w, r, http.StatusOK, Directory{Spaces: list, Next: next}, err)
}

func (h HTTP) customerSpaces(w http.ResponseWriter, r *http.Request) {
	list, next, err := h.Service.CustomerSpaces(r.Context(), r.URL.Query().Get("cursor"))
	if list == nil {
		list = []Space{}
	}
	httpx.Reply(w, r, http.StatusOK, Directory{Spaces: list, Next: next}, err)
}

func (h HTTP) members(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Members(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, memberships(list), err)
}

func (h HTTP) invite(w http.ResponseWriter, r *http.Request) {
	var req InviteRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	m, err := h.Service.Invite(r.Context(), auth.Caller(r), r.PathValue("id"), req.MemberID)
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h HTTP) setRole(w http.ResponseWriter, r *http.Request) {
	var req RoleRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	m, err := h.Service.SetRole(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("member"), req.Role)
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h HTTP) settings(w http.ResponseWriter, r *http.Request) {
	st, err := h.Service.Store.SpaceSettings(r.Context())
	httpx.Reply(w, r, http.StatusOK, st, err)
}

func (h HTTP) saveSettings(w http.ResponseWriter, r *http.Request) {
	var st Settings
	if err := httpx.DecodeJSON(r, &st); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	httpx.Reply(w, r, http.StatusOK, st, h.Service.Store.SaveSpaceSettings(r.Context(), st))
}
