package members

import (
	"net/http"
	"strconv"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// profileRoutes are profiles, the staff section and the directory.
func (h HTTP) profileRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: "PUT", Pattern: "/api/me/preferences", Tag: "members", Action: policy.SignedIn, Handler: h.savePreferences, Request: Preferences{},
			Summary:   "Choose whether activity (replies, mentions, tickets...) also comes by email; the in-app inbox always has it.",
			Responses: httpx.Answers(200, "The member", Member{}, nil)},
		{Method: "PUT", Pattern: "/api/me/profile", Tag: "members", Action: policy.SignedIn, Handler: h.updateProfile, Request: Profile{},
			Summary:   "Replace the signed-in member's profile: display name, bio, expertise and interest tags, company, location, links, language.",
			Responses: httpx.Answers(200, "Done", Member{}, map[int]string{400: "A field is too long or malformed"})},
		{Method: "GET", Pattern: "/api/members/{id}", Tag: "members", Action: policy.SignedIn, Handler: h.profile,
			Summary:   "A member's public profile (no email address, no staff fields).",
			Responses: httpx.Answers(200, "Done", PublicProfile{}, map[int]string{404: "No such member"})},
		{Method: "GET", Pattern: "/api/members", Tag: "members", Action: policy.SignedIn, Handler: h.directory,
			Query: []httpx.Param{{Name: "q", Description: "The start of any word of a display name (\"smi\" finds \"Jane Smith\")"}, {Name: "tag", Description: "An expertise tag"},
				{Name: "cursor", Description: "The next page's cursor from the previous answer"}, {Name: "limit", Description: "Page size, 1 to 50 (20)"}},
			Summary:   "The member directory: every member by name when neither q nor tag is given; members one of whose name's words starts with q; members who list tag as expertise.",
			Responses: httpx.Answers(200, "Done", DirectoryPageResult{}, map[int]string{400: "Both q and tag, a bad tag or limit, or a bad cursor"})},
		{Method: "GET", Pattern: "/api/members/{id}/staff", Tag: "staff", Action: policy.MembersReadStaffFields, Handler: h.staffFields,
			Summary:   "The staff-only section of a member: CRM reference, lead status, notes.",
			Responses: httpx.Answers(200, "Done", StaffFields{}, map[int]string{404: "No such member"})},
		{Method: "PUT", Pattern: "/api/members/{id}/staff", Tag: "staff", Action: policy.MembersReadStaffFields, Handler: h.saveStaffFields, Request: StaffFields{},
			Summary:   "Replace the staff-only section of a member.",
			Responses: httpx.Answers(200, "Done", StaffFields{}, map[int]string{400: "Too long, or an unknown lead status", 404: "No such member"})},
	}
}

func (h HTTP) updateProfile(w http.ResponseWriter, r *http.Request) {
	var p Profile
	if err := httpx.DecodeJSON(r, &p); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	me := auth.Caller(r)
	m, err := h.Service.UpdateProfile(r.Context(), me, p)
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h HTTP) profile(w http.ResponseWriter, r *http.Request) {
	p, err := h.Service.Profile(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h HTTP) directory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxDirectoryPage {
			httpx.WriteError(w, r, ErrLimit)
			return
		}
		limit = n
	}
	page, err := h.Service.Directory(r.Context(), q.Get("q"), q.Get("tag"), q.Get("cursor"), limit)
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h HTTP) staffFields(w http.ResponseWriter, r *http.Request) {
	f, err := h.Service.StaffFieldsOf(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, f, err)
}

func (h HTTP) saveStaffFields(w http.ResponseWriter, r *http.Request) {
	var f StaffFields
	if err := httpx.DecodeJSON(r, &f); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	me := auth.Caller(r)
	out, err := h.Service.SaveStaffFields(r.Context(), me.MemberID, r.PathValue("id"), f)
	httpx.Reply(w, r, http.StatusOK, out, err)
}

// Preferences are a member's choices about notifications.
type Preferences struct {
	ActivityEmails bool `json:"activityEmails"`
	// KnowledgeEmails: followed articles' news by email (absent: unchanged).
	KnowledgeEmails *bool `json:"knowledgeEmails,omitempty"`
}

func (h HTTP) savePreferences(w http.ResponseWriter, r *http.Request) {
	var p Preferences
	if err := httpx.DecodeJSON(r, &p); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	actor := auth.Caller(r)
	m, err := h.Service.Store.SetPreferences(r.Context(), actor.MemberID, p)
	httpx.Reply(w, r, http.StatusOK, m, err)
}
