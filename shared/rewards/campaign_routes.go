package rewards

import (
	"net/http"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/idempotency"
	"tribune/shared/policy"
)

// CampaignHTTP exposes campaigns: members read, join, submit proofs and apply for
// trials; marketers and admins (policy.CampaignsManage) edit, schedule, review and
// read the report.
type CampaignHTTP struct {
	Campaigns *Campaigns
}

// Routes returns the campaign operations.
func (h CampaignHTTP) Routes() []httpx.Route {
	notFound := "No such campaign, or not one the caller may see"
	bad := "Bad title, description, audience, dates, budgets, disclosure, challenges or trial offer"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/campaigns", Tag: "rewards", Action: policy.SignedIn, Handler: h.live,
			Summary:   "The campaigns the caller may take part in now (live or paused, in their audience), soonest end first.",
			Responses: httpx.Answers(200, "Campaigns", List{}, nil)},
		{Method: "GET", Pattern: "/api/campaigns/manage", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.all,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "Every campaign, newest start first, in every state (marketers, admins).",
			Responses: httpx.Answers(200, "A page", List{}, map[int]string{400: "Bad cursor"})},
		{Method: "POST", Pattern: "/api/campaigns", SameWithin: idempotency.Window, Tag: "rewards", Action: policy.CampaignsManage, Handler: h.create, Request: CampaignInput{},
			Summary:   "Write a draft campaign: title, description (Markdown), image, audience, start and end, budgets of points and gifts, disclosure, challenges, trial offer.",
			Responses: httpx.Answers(201, "The campaign", Campaign{}, map[int]string{400: bad})},
		{Method: "GET", Pattern: "/api/campaigns/{id}", Tag: "rewards", Action: policy.SignedIn, Handler: h.get,
			Summary:   "A campaign with what the caller did in it. Members read it once it has started, if they are in its audience.",
			Responses: httpx.Answers(200, "The campaign", CampaignView{}, map[int]string{404: notFound})},
		{Method: "PUT", Pattern: "/api/campaigns/{id}", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.update, Request: CampaignInput{},
			Summary: "Change a campaign: everything before it starts; once started, its end date, budgets, trial slots, description and disclosure only.",
			Responses: httpx.Answers(200, "The campaign", Campaign{}, map[int]string{400: bad, 404: notFound,
				409: "Ended, started (for what may not change then), or changed by someone else meanwhile"})},
		{Method: "POST", Pattern: "/api/campaigns/{id}/state", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.move, Request: StateRequest{},
			Summary:   "Publish (draft to scheduled, or live when its start has come), pause, resume, end early, or unpublish (back to draft before it starts).",
			Responses: httpx.Answers(200, "The campaign", Campaign{}, map[int]string{400: "Unknown action, or its end has passed", 404: notFound, 409: "Not from the state it is in"})},
		{Method: "POST", Pattern: "/api/campaigns/{id}/seen", Tag: "rewards", Action: policy.SignedIn, Handler: h.seen,
			Summary:   "Tell that the member opened the campaign's page (the report's \"saw\", once per member; staff are not counted).",
			Responses: httpx.Answers(204, "Noted", nil, map[int]string{404: notFound})},
		{Method: "POST", Pattern: "/api/campaigns/{id}/join", Tag: "rewards", Action: policy.SignedIn, Handler: h.join,
			Summary:   "Join a live campaign (once; joining again changes nothing). Automatic challenges count from then on.",
			Responses: httpx.Answers(200, "The campaign", CampaignView{}, map[int]string{403: "Staff take no part", 404: notFound, 409: "Not live"})},
		{Method: "POST", Pattern: "/api/campaigns/{id}/submissions", SameWithin: idempotency.Window, Tag: "rewards", Action: policy.SignedIn, Handler: h.submit, Request: ProofRequest{},
			Summary: "Send a proof for a challenge of a live campaign: the address where the member published, an optional screenshot, a text.",
			Responses: httpx.Answers(201, "The submission", Submission{}, map[int]string{400: "Bad address, text or screenshot", 403: "Staff take no part",
				404: "No such campaign or challenge", 409: "Not live, an automatic challenge, the maximum reached, a proof already waiting, or an address already sent"})},
		{Method: "GET", Pattern: "/api/submissions/{id}", Tag: "rewards", Action: policy.SignedIn, Handler: h.submission,
			Summary:   "A submission, for its member and reviewers.",
			Responses: httpx.Answers(200, "The submission", Submission{}, map[int]string{404: "No such submission, or not the caller's"})},
		{Method: "PUT", Pattern: "/api/submissions/{id}", Tag: "rewards", Action: policy.SignedIn, Handler: h.resubmit, Request: ProofRequest{},
			Summary: "Send a proof again after the reviewer asked for changes (the campaign still live).",
			Responses: httpx.Answers(200, "The submission", Submission{}, map[int]string{400: "Bad address, text or screenshot", 404: "No such submission, or not the caller's",
				409: "Not waiting for changes, not live, or an address already sent"})},
		{Method: "GET", Pattern: "/api/submissions/{id}/screenshot", Tag: "rewards", Action: policy.SignedIn, Handler: h.screenshot,
			Summary:   "A proof's screenshot (its member and reviewers): a redirect to a short download URL.",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such submission or screenshot"})},
		{Method: "GET", Pattern: "/api/campaigns/{id}/review", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.queue,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "A campaign's proofs waiting for review, oldest first.",
			Responses: httpx.Answers(200, "A page", ReviewQueuePage{}, map[int]string{400: "Bad cursor", 404: notFound})},
		{Method: "POST", Pattern: "/api/submissions/{id}/review", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.review, Request: ReviewRequest{},
			Summary: "Approve a proof (its points paid in the same transaction), reject it with a reason, or ask for changes with a reason. Nobody reviews their own.",
			Responses: httpx.Answers(200, "The submission", Submission{}, map[int]string{400: "Unknown decision, or no reason", 403: "The reviewer's own submission",
				404: "No such submission", 409: "Already reviewed, the maximum reached, or the budget spent"})},
		{Method: "POST", Pattern: "/api/campaigns/{id}/trial", SameWithin: idempotency.Window, Tag: "rewards", Action: policy.SignedIn, Handler: h.apply, Request: ApplyRequest{},
			Summary: "Apply for a live campaign's trial offer (once).",
			Responses: httpx.Answers(201, "The application", Application{}, map[int]string{400: "Motivation too long", 403: "Staff take no part",
				404: "No such campaign or trial", 409: "Not live, already applied, or no slot left"})},
		{Method: "GET", Pattern: "/api/campaigns/{id}/trial/applications", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.applications,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "A trial's applications still to decide, oldest first.",
			Responses: httpx.Answers(200, "A page", Applications{}, map[int]string{400: "Bad cursor", 404: notFound})},
		{Method: "POST", Pattern: "/api/campaigns/{id}/trial/decisions", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.decide, Request: DecideRequest{},
			Summary: "Approve (one slot taken; the member then reads the instructions) or decline an application.",
			Responses: httpx.Answers(200, "The application", Application{}, map[int]string{400: "Reason too long", 403: "The decider's own application",
				404: "No such campaign, trial or application", 409: "Already decided, or no slot left"})},
		{Method: "GET", Pattern: "/api/campaigns/{id}/report", Tag: "rewards", Action: policy.CampaignsManage, Handler: h.report,
			Summary:   "A campaign's funnel (saw, joined, submitted, approved, redeemed, shipped) and cost.",
			Responses: httpx.Answers(200, "The report", CampaignReport{}, map[int]string{404: notFound})},
		{Method: "GET", Pattern: "/api/campaigns/{id}/image", Tag: "rewards", Action: policy.SignedIn, Handler: h.image,
			Summary:   "A campaign's image, for whoever may see the campaign: a redirect to a short download URL.",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such campaign or image"})},
		{Method: "POST", Pattern: "/api/uploads/rewards", NoIdempotencyKey: true, Tag: "rewards", Action: policy.SignedIn, Handler: h.upload, Request: UploadRequest{},
			Summary: "Ask where to upload a campaign image (those who run campaigns) or a proof screenshot (PNG, JPEG or WebP, at most 5 MB): a presigned PUT URL valid 5 minutes.",
			Responses: httpx.Answers(200, "Where to upload", Upload{}, map[int]string{400: "Not an accepted type or purpose", 403: "Campaign images are for those who run campaigns",
				413: "Larger than 5 MB"})},
	}
}

func (h CampaignHTTP) live(w http.ResponseWriter, r *http.Request) {
	list, err := h.Campaigns.Live(r.Context(), auth.Caller(r))
	httpx.Reply(w, r, http.StatusOK, list, err)
}

func (h CampaignHTTP) all(w http.ResponseWriter, r *http.Request) {
	list, err := h.Campaigns.All(r.Context(), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, list, err)
}

func (h CampaignHTTP) create(w http.ResponseWriter, r *http.Request) {
	var in CampaignInput
	if httpx.Decoded(w, r, &in) {
		c, err := h.Campaigns.Create(r.Context(), auth.Caller(r), in)
		httpx.Reply(w, r, http.StatusCreated, c, err)
	}
}

func (h CampaignHTTP) get(w http.ResponseWriter, r *http.Request) {
	v, err := h.Campaigns.Get(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, v, err)
}

func (h CampaignHTTP) update(w http.ResponseWriter, r *http.Request) {
	var in CampaignInput
	if httpx.Decoded(w, r, &in) {
		c, err := h.Campaigns.Update(r.Context(), auth.Caller(r), r.PathValue("id"), in)
		httpx.Reply(w, r, http.StatusOK, c, err)
	}
}

func (h CampaignHTTP) move(w http.ResponseWriter, r *http.Request) {
	var req StateRequest
	if httpx.Decoded(w, r, &req) {
		c, err := h.Campaigns.Move(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, c, err)
	}
}

func (h CampaignHTTP) seen(w http.ResponseWriter, r *http.Request) {
	if err := h.Campaigns.Seen(r.Context(), auth.Caller(r), r.PathValue("id")); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h CampaignHTTP) join(w http.ResponseWriter, r *http.Request) {
	v, err := h.Campaigns.Join(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, v, err)
}

func (h CampaignHTTP) submit(w http.ResponseWriter, r *http.Request) {
	var req ProofRequest
	if httpx.Decoded(w, r, &req) {
		s, err := h.Campaigns.Submit(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusCreated, s, err)
	}
}

func (h CampaignHTTP) submission(w http.ResponseWriter, r *http.Request) {
	s, err := h.Campaigns.GetSubmission(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, s, err)
}

func (h CampaignHTTP) resubmit(w http.ResponseWriter, r *http.Request) {
	var req ProofRequest
	if httpx.Decoded(w, r, &req) {
		s, err := h.Campaigns.Resubmit(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, s, err)
	}
}

func (h CampaignHTTP) queue(w http.ResponseWriter, r *http.Request) {
	q, err := h.Campaigns.ReviewQueue(r.Context(), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, q, err)
}

func (h CampaignHTTP) review(w http.ResponseWriter, r *http.Request) {
	var req ReviewRequest
	if httpx.Decoded(w, r, &req) {
		s, err := h.Campaigns.Review(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, s, err)
	}
}

func (h CampaignHTTP) apply(w http.ResponseWriter, r *http.Request) {
	var req ApplyRequest
	if httpx.Decoded(w, r, &req) {
		a, err := h.Campaigns.Apply(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusCreated, a, err)
	}
}

func (h CampaignHTTP) applications(w http.ResponseWriter, r *http.Request) {
	list, err := h.Campaigns.TrialQueue(r.Context(), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, list, err)
}

func (h CampaignHTTP) decide(w http.ResponseWriter, r *http.Request) {
	var req DecideRequest
	if httpx.Decoded(w, r, &req) {
		a, err := h.Campaigns.Decide(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, a, err)
	}
}

func (h CampaignHTTP) report(w http.ResponseWriter, r *http.Request) {
	rep, err := h.Campaigns.Report(r.Context(), auth.Caller(r), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, rep, err)
}

func (h CampaignHTTP) redirect(w http.ResponseWriter, r *http.Request, url string, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, no-store")
	http.Redirect(w, r, url, http.StatusFound)
}

func (h CampaignHTTP) image(w http.ResponseWriter, r *http.Request) {
	url, err := h.Campaigns.ImageURL(r.Context(), auth.Caller(r), r.PathValue("id"))
	h.redirect(w, r, url, err)
}

func (h CampaignHTTP) screenshot(w http.ResponseWriter, r *http.Request) {
	url, err := h.Campaigns.ScreenshotURL(r.Context(), auth.Caller(r), r.PathValue("id"))
	h.redirect(w, r, url, err)
}

func (h CampaignHTTP) upload(w http.ResponseWriter, r *http.Request) {
	var req UploadRequest
	if httpx.Decoded(w, r, &req) {
		up, err := h.Campaigns.StartUpload(r.Context(), auth.Caller(r), req)
		httpx.Reply(w, r, http.StatusOK, up, err)
	}
}
