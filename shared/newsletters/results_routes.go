package newsletters

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// ResultsHTTP exposes results: the signed redirect and the open-tracking image
// (anyone: they are reached from a mail), a newsletter's results and the daily visits
// (marketers, admins), the open-tracking switch (admins).
type ResultsHTTP struct {
	Results *Results
	// Visits reads the newsletter_visits metric of days (nil: the API description).
	Visits func(r *http.Request, days []string) ([]int64, error)
}

// VisitsPage is the visits that arrived from newsletters, per day.
type VisitsPage struct {
	Days []DayVisits `json:"days"`
}

// DayVisits is one day's visits from newsletters.
type DayVisits struct {
	Day    string `json:"day"`
	Visits int64  `json:"visits"`
}

// MaxVisitDays bounds the days the visits route reads.
const MaxVisitDays = 92

// ErrVisitDays is a bad days parameter.
var ErrVisitDays = errs.InvalidField("days", "invalid_days", "Days is a whole number from 1 to 92.")

// Routes returns the results operations.
func (h ResultsHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: RedirectPath + "{token...}", Tag: "newsletters", Action: policy.Public, Handler: h.follow, NoIdempotencyKey: true,
			Summary:   "A newsletter's signed link: counts the click (and, for a page of the community, a visit), then redirects to the link; a HEAD answers the same and counts nothing. Nothing names the reader.",
			Responses: httpx.Answers(302, "Redirect to the link", nil, map[int]string{404: "Forged or damaged token"})},
		{Method: "GET", Pattern: OpenPath + "{token...}", Tag: "newsletters", Action: policy.Public, Handler: h.open, NoIdempotencyKey: true,
			Summary:   "The 1x1 image of open tracking (when an admin switched it on): counts an open in aggregate; a HEAD answers the same and counts nothing.",
			Responses: httpx.Answers(200, "A transparent 1x1 GIF", nil, map[int]string{404: "Forged or damaged token"})},
		{Method: "GET", Pattern: "/api/newsletters/{id}/results", Tag: "newsletters", Action: policy.NewslettersResults, Handler: h.report,
			Summary:   "A newsletter's results: sent, delivered, bounced, complaints, unsubscribes, clicks per link, visits, and opens when tracked.",
			Responses: httpx.Answers(200, "The results", Report{}, map[int]string{404: "No such newsletter"})},
		{Method: "GET", Pattern: "/api/newsletters/visits", Tag: "newsletters", Action: policy.NewslettersResults, Handler: h.visits,
			Query:     []httpx.Param{{Name: "days", Description: "How many days back, today included (1–92, default 30)"}},
			Summary:   "The visits that arrived from newsletters, per day (UTC), oldest first.",
			Responses: httpx.Answers(200, "Visits per day", VisitsPage{}, map[int]string{400: "Bad days"})},
		{Method: "GET", Pattern: "/api/newsletters/tracking", Tag: "newsletters", Action: policy.NewslettersResults, Handler: h.tracking,
			Summary:   "Whether opens are counted (off by default).",
			Responses: httpx.Answers(200, "The setting", Tracking{}, nil)},
		{Method: "PUT", Pattern: "/api/newsletters/tracking", Tag: "newsletters", Action: policy.NewslettersTracking, Handler: h.setTracking, Request: TrackingInput{},
			Summary:   "Switch open tracking on or off (admins). Opens are counted in aggregate only, never per member.",
			Responses: httpx.Answers(200, "The setting", Tracking{}, map[int]string{400: "openTracking missing"})},
	}
}

func (h ResultsHTTP) follow(w http.ResponseWriter, r *http.Request) {
	// Go's mux sends HEAD to this GET route: a HEAD (link scanners, previewers) is
	// answered like a GET and counts nothing.
	follow := h.Results.Follow
	if r.Method == http.MethodHead {
		follow = h.Results.Target
	}
	to, err := follow(r.Context(), r.PathValue("token"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, to, http.StatusFound)
}

// gif is a transparent 1x1 GIF.
var gif = []byte{0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
	0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b}

func (h ResultsHTTP) open(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("token"), OpenImage)
	if !ok {
		httpx.WriteError(w, r, ErrNoLink)
		return
	}
	opened := h.Results.Opened
	if r.Method == http.MethodHead {
		opened = h.Results.CheckOpen // answered like a GET, counts nothing
	}
	if err := opened(r.Context(), token); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/gif")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(len(gif)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(gif)
}

func (h ResultsHTTP) report(w http.ResponseWriter, r *http.Request) {
	rep, err := h.Results.Report(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, rep, err)
}

func (h ResultsHTTP) visits(w http.ResponseWriter, r *http.Request) {
	n := 30
	if v := r.URL.Query().Get("days"); v != "" {
		d, err := strconv.Atoi(v)
		if err != nil || d < 1 || d > MaxVisitDays {
			httpx.WriteError(w, r, ErrVisitDays)
			return
		}
		n = d
	}
	today := h.Results.Now().UTC()
	days := make([]string, n)
	for i := range days {
		days[i] = day(today.Add(-time.Duration(n-1-i) * 24 * time.Hour))
	}
	counts, err := h.Visits(r, days)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	page := VisitsPage{Days: make([]DayVisits, n)}
	for i := range days {
		page.Days[i] = DayVisits{Day: days[i], Visits: counts[i]}
	}
	httpx.WriteJSON(w, http.StatusOK, page)
}

func (h ResultsHTTP) tracking(w http.ResponseWriter, r *http.Request) {
	t, err := h.Results.Store.Tracking(r.Context())
	httpx.Reply(w, r, http.StatusOK, t, err)
}

func (h ResultsHTTP) setTracking(w http.ResponseWriter, r *http.Request) {
	var in TrackingInput
	if httpx.Decoded(w, r, &in) {
		t, err := h.Results.SetTracking(r.Context(), auth.Caller(r).MemberID, in)
		httpx.Reply(w, r, http.StatusOK, t, err)
	}
}
