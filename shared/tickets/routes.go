package tickets

import (
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// HTTP exposes ticketing.
type HTTP struct {
	Service   *Service
	Questions Questions
}

// Routes returns the ticketing operations.
func (h HTTP) Routes() []httpx.Route {
	notFound := "No such ticket, or not yours to see"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/spaces/{id}/tickets", Tag: "tickets", Action: policy.SignedIn, Handler: h.list,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "A customer space's tickets, newest first (its members and support agents; 404 for anyone else).",
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{404: "No such space, or not a member", 409: "Not a customer space"})},
		{Method: "POST", Pattern: "/api/spaces/{id}/tickets", SameWithin: idempotency.Window, Tag: "tickets", Action: policy.SignedIn, Handler: h.open, Request: NewTicket{},
			Summary: "Open a ticket in a customer space: subject, product, severity, description (Markdown), attachments; answered at once by an acknowledgement with its number and expected first-response time.",
			Responses: httpx.Answers(201, "The ticket", Ticket{}, map[int]string{400: "Bad subject, product, severity, body or attachment",
				404: "No such space, or not a member", 409: "Not a customer space", 413: "Body over 64 KiB",
				429: "Opening tickets too fast (10 an hour; 3 in a member's first week)"})},
		{Method: "GET", Pattern: "/api/tickets/{id}", Tag: "tickets", Action: policy.SignedIn, Handler: h.get,
			Summary:   "A ticket with the replies the caller may read (internal notes for agents only) and the statuses the caller may move it to.",
			Responses: httpx.Answers(200, "The ticket", View{}, map[int]string{404: notFound})},
		{Method: "POST", Pattern: "/api/tickets/{id}/replies", SameWithin: idempotency.Window, Tag: "tickets", Action: policy.SignedIn, Handler: h.reply, Request: ReplyRequest{}, Prefetch: httpx.PrefetchMember,
			Summary: "Reply in a ticket: public, or (agents) an internal note; agents may move the ticket at the same time. A customer reply reopens a solved ticket.",
			Responses: httpx.Answers(200, "The ticket", View{}, map[int]string{400: "Bad body, status or attachment", 403: "Internal notes and statuses are for agents",
				404: notFound, 409: "Closed, a move the workflow refuses, or (ticket_changed) changed by others for longer than retried"})},
		{Method: "POST", Pattern: "/api/tickets/{id}/status", Tag: "tickets", Action: policy.SignedIn, Handler: h.status, Request: StatusRequest{},
			Summary:   "Move a ticket along the workflow (agents between working statuses; customers to solved, or back to open).",
			Responses: httpx.Answers(200, "The ticket", View{}, map[int]string{400: "Unknown status", 404: notFound, 409: "Not allowed from where it is"})},
		{Method: "POST", Pattern: "/api/tickets/{id}/assign", Tag: "tickets", Action: policy.TicketsWork, Handler: h.assign, Request: AssignRequest{},
			Summary:   "Assign a ticket to an agent (oneself or another), or unassign it.",
			Responses: httpx.Answers(200, "The ticket", View{}, map[int]string{400: "Not an agent", 404: notFound, 409: "Closed"})},
		{Method: "POST", Pattern: "/api/tickets/{id}/rating", Tag: "tickets", Action: policy.SignedIn, Handler: h.rate, Request: RateRequest{},
			Summary:   "Rate a solved ticket: good or bad, with a comment (the requester).",
			Responses: httpx.Answers(200, "The ticket", View{}, map[int]string{400: "Comment too long", 403: "Not the requester", 404: notFound, 409: "Not solved"})},
		{Method: "GET", Pattern: "/api/tickets/{id}/attachment", Tag: "tickets", Action: policy.SignedIn, Handler: h.attachment,
			Query:     []httpx.Param{{Name: "key", Required: true, Description: "The attachment's key"}},
			Summary:   "A file of a ticket: a redirect to a short download URL (files of internal notes for agents only).",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such file in this ticket"})},
		{Method: "POST", Pattern: "/api/uploads/attachments", NoIdempotencyKey: true, Tag: "tickets", Action: policy.SignedIn, Handler: h.upload, Request: UploadRequest{},
			Summary:   "Ask where to upload a file for a ticket (images, PDF, text, CSV, ZIP; at most 10 MB): a presigned PUT URL valid 5 minutes.",
			Responses: httpx.Answers(200, "Where to upload", Upload{}, map[int]string{400: "Not an accepted type", 413: "Larger than 10 MB"})},
		{Method: "GET", Pattern: "/api/support/queue", Tag: "tickets", Action: policy.TicketsWork, Handler: h.queue,
			Query: []httpx.Param{{Name: "status", Description: "Omitted or empty: the tickets that still need work (new, open, pending_customer, on_hold); all: solved ones too; or one of new, open, pending_customer, on_hold, solved"}, {Name: "severity"},
				{Name: "assignee", Description: "A member id"}, {Name: "space", Description: "A space id"}, {Name: "cursor"}},
			Summary:   "The agents' queue across every customer space: by default the unsolved tickets (status=all: solved ones too), oldest first, flagged when a target is missed or about to be; nextDue is absent when nothing is due.",
			Responses: httpx.Answers(200, "A page", Page{}, map[int]string{400: "Bad filter or cursor"})},
		{Method: "GET", Pattern: "/api/support/agents", Tag: "tickets", Action: policy.TicketsWork, Handler: h.agents,
			Summary: "The support agents tickets can be assigned to.", Responses: httpx.Answers(200, "Agents", AgentList{}, nil)},
		{Method: "GET", Pattern: "/api/support/settings", Tag: "tickets", Action: policy.SignedIn, Handler: h.settings,
			Summary: "Products, targets per severity and the auto-close delay.", Responses: httpx.Answers(200, "Settings", Settings{}, nil)},
		{Method: "PUT", Pattern: "/api/support/settings", Tag: "staff", Action: policy.SupportSettings, Handler: h.saveSettings, Request: Settings{},
			Summary: "Change the products, targets and auto-close delay (admins).", Responses: httpx.Answers(200, "Settings", Settings{}, map[int]string{400: "Bad settings"})},
		{Method: "POST", Pattern: "/api/posts/{id}/ticket", SameWithin: idempotency.Window, Tag: "tickets", Action: policy.TicketsWork, Handler: h.fromQuestion, Request: FromQuestionRequest{},
			Summary: "Turn a community question into a ticket of a customer space the asker belongs to, linked both ways (agents).",
			Responses: httpx.Answers(201, "The ticket", Ticket{}, map[int]string{400: "Bad space, product or severity, or the asker is not in the space",
				404: "No such question"})},
	}
}

func (h HTTP) list(w http.ResponseWriter, r *http.Request) {
	page, err := h.Service.SpaceTickets(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h HTTP) open(w http.ResponseWriter, r *http.Request) {
	var n NewTicket
	if httpx.Decoded(w, r, &n) {
		t, err := h.Service.Open(r.Context(), auth.Caller(r), r.PathValue("id"), n)
		httpx.Reply(w, r, http.StatusCreated, t, err)
	}
}

// linked names the community question a ticket was made from only to a caller who may
// read that question now (a colleague of the customer may not be in its space, and the
// question may have been hidden or moved since).
func (h HTTP) linked(r *http.Request, v View, err error) View {
	if err != nil || v.Ticket.QuestionID == "" || h.Questions == nil {
		return v
	}
	if _, qerr := h.Questions.Question(r.Context(), auth.Caller(r), v.Ticket.QuestionID); qerr != nil {
		v.Ticket.QuestionID = ""
	}
	return v
}

func (h HTTP) get(w http.ResponseWriter, r *http.Request) {
	v, err := h.Service.Get(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, h.linked(r, v, err), err)
}

func (h HTTP) reply(w http.ResponseWriter, r *http.Request) {
	var req ReplyRequest
	if httpx.Decoded(w, r, &req) {
		v, err := h.Service.Reply(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, h.linked(r, v, err), err)
	}
}

func (h HTTP) status(w http.ResponseWriter, r *http.Request) {
	var req StatusRequest
	if httpx.Decoded(w, r, &req) {
		v, err := h.Service.SetStatus(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, h.linked(r, v, err), err)
	}
}

func (h HTTP) assign(w http.ResponseWriter, r *http.Request) {
	var req AssignRequest
	if httpx.Decoded(w, r, &req) {
		v, err := h.Service.Assign(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, h.linked(r, v, err), err)
	}
}

func (h HTTP) rate(w http.ResponseWriter, r *http.Request) {
	var req RateRequest
	if httpx.Decoded(w, r, &req) {
		v, err := h.Service.Rate(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, h.linked(r, v, err), err)
	}
}

func (h HTTP) attachment(w http.ResponseWriter, r *http.Request) {
	url, err := h.Service.AttachmentURL(r.Context(), auth.Caller(r), r.PathValue("id"), r.URL.Query().Get("key"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	http.Redirect(w, r, url, http.StatusFound)
}

func (h HTTP) upload(w http.ResponseWriter, r *http.Request) {
	var req UploadRequest
	if httpx.Decoded(w, r, &req) {
		up, err := h.Service.StartUpload(r.Context(), auth.Caller(r), req)
		httpx.Reply(w, r, http.StatusOK, up, err)
	}
}

func (h HTTP) queue(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := QueueFilter{Status: q.Get("status"), Severity: q.Get("severity"), AssigneeID: q.Get("assignee"), SpaceID: q.Get("space")}
	page, err := h.Service.Queue(r.Context(), auth.Caller(r), f, q.Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h HTTP) settings(w http.ResponseWriter, r *http.Request) {
	st, err := h.Service.Settings(r.Context())
	httpx.Reply(w, r, http.StatusOK, st, err)
}

func (h HTTP) saveSettings(w http.ResponseWriter, r *http.Request) {
	var st Settings
	if httpx.Decoded(w, r, &st) {
		saved, err := h.Service.SaveSettings(r.Context(), st)
		httpx.Reply(w, r, http.StatusOK, saved, err)
	}
}

func (h HTTP) fromQuestion(w http.ResponseWriter, r *http.Request) {
	var req FromQuestionRequest
	if httpx.Decoded(w, r, &req) {
		t, err := h.Service.FromQuestion(r.Context(), auth.Caller(r), h.Questions, r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusCreated, t, err)
	}
}

// AgentList answers the list of agents.
type AgentList struct {
	Agents []Agent `json:"agents"`
}

func (h HTTP) agents(w http.ResponseWriter, r *http.Request) {
	list, err := h.Service.Agents(r.Context())
	httpx.Reply(w, r, http.StatusOK, AgentList{Agents: list}, err)
}
