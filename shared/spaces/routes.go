package spaces

import (
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// SpaceView is a space with the caller's membership.
type SpaceView struct {
	Space       Space       `json:"space"`
	Membership  *Membership `json:"membership,omitempty"`
	CanPost     bool        `json:"canPost"`
	CanModerate bool        `json:"canModerate"`
}

// MembershipList answers listings of memberships.
type MembershipList struct {
	Memberships []Membership `json:"memberships"`
}

// HTTP exposes spaces.
type HTTP struct{ Service *Service }

// Routes returns the space operations.
func (h HTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/spaces", Tag: "spaces", Action: policy.SpacesCreate, Handler: h.create, Request: CreateRequest{},
			Summary:   "Create a space (staff): public, closed or hidden; the creator owns it.",
			Responses: httpx.Answers(201, "The space", Space{}, map[int]string{400: "Bad name, description, icon, visibility or kind"})},
		{Method: "GET", Pattern: "/api/spaces/mine", Tag: "spaces", Action: policy.SignedIn, Handler: h.mine,
			Summary:   "The spaces the signed-in member belongs to or asked to join.",
			Responses: httpx.Answers(200, "Memberships", MembershipList{}, nil)},
		{Method: "GET", Pattern: "/api/spaces/{id}", Tag: "spaces", Action: policy.SignedIn, Handler: h.get,
			Summary:   "A space and the caller's place in it (a hidden space is 404 to non-members).",
			Responses: httpx.Answers(200, "The space", SpaceView{}, map[int]string{404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/join", Tag: "spaces", Action: policy.SignedIn, Handler: h.join,
			Summary:   "Join a public space, or ask to join a closed one.",
			Responses: httpx.Answers(200, "The membership (active or pending)", Membership{}, map[int]string{403: "Hidden space: by invitation only", 404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/leave", Tag: "spaces", Action: policy.SignedIn, Handler: h.leave,
			Summary:   "Leave a space or withdraw a request.",
			Responses: httpx.Answers(204, "Left", nil, map[int]string{404: "No such space", 409: "The owner cannot leave"})},
		{Method: "GET", Pattern: "/api/spaces/{id}/requests", Tag: "spaces", Action: policy.SignedIn, Handler: h.requests,
			Summary:   "Pending requests to join (space owner, moderators, staff).",
			Responses: httpx.Answers(200, "Requests", MembershipList{}, map[int]string{403: "Not a space moderator", 404: "No such space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/requests/{member}/approve", Tag: "spaces", Action: policy.SignedIn, Handler: h.approve,
			Summary:   "Approve a request to join (space owner, moderators, staff).",
			Responses: httpx.Answers(200, "The membership", Membership{}, map[int]string{403: "Not a space moderator", 404: "No such space or request"})},
	}
}

func principal(r *http.Request) auth.Principal {
	p, _ := auth.PrincipalFrom(r.Context())
	return p
}

func (h HTTP) create(w http.ResponseWriter, r *http.Request) {
	var req CreateRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	sp, err := h.Service.Create(r.Context(), principal(r), req)
	httpx.Reply(w, r, http.StatusCreated, sp, err)
}

func (h HTTP) mine(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Store.MySpaces(r.Context(), principal(r).MemberID)
	if list == nil {
		list = []Membership{}
	}
	httpx.Reply(w, r, http.StatusOK, MembershipList{Memberships: list}, err)
}

func (h HTTP) get(w http.ResponseWriter, r *http.Request) {
	a, err := h.Service.AccessOf(r.Context(), principal(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, SpaceView{Space: a.Space, Membership: a.Membership, CanPost: a.Post, CanModerate: a.Moderate}, err)
}

func (h HTTP) join(w http.ResponseWriter, r *http.Request) {
	m, err := h.Service.Join(r.Context(), principal(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h HTTP) leave(w http.ResponseWriter, r *http.Request) {
	if err := h.Service.Leave(r.Context(), principal(r), r.PathValue("id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h HTTP) requests(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Requests(r.Context(), principal(r), r.PathValue("id"))
	if list == nil {
		list = []Membership{}
	}
	httpx.Reply(w, r, http.StatusOK, MembershipList{Memberships: list}, err)
}

func (h HTTP) approve(w http.ResponseWriter, r *http.Request) {
	m, err := h.Service.Approve(r.Context(), principal(r), r.PathValue("id"), r.PathValue("member"))
	httpx.Reply(w, r, http.StatusOK, m, err)
}
