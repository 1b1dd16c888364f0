package metrics

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// KpiHTTP exposes the beacon, the traffic report, the dashboard, its CSV export,
// participation and the KPI settings (the kpis function).
type KpiHTTP struct {
	Service *Service
	// Beacons counts page views (nil: no beacon route, only in a description).
	Beacons *Beacons
	// TrustedProxies is how many proxies append to X-Forwarded-For (httpx.ClientIP).
	TrustedProxies int
	// Sessions finds the signed-in member of a beacon (the route is open to anyone, so
	// the guard does not).
	Sessions interface {
		Principal(r *http.Request) (auth.Principal, error)
	}
}

var rangeQuery = []httpx.Param{{Name: "from", Description: "First day, YYYY-MM-DD (UTC)"}, {Name: "to", Description: "Last day, YYYY-MM-DD (UTC); at most 400 days after from"},
	{Name: "space", Description: "Only this space's page views (optional)"}}

// Routes returns the routes.
func (h KpiHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/beacon", Tag: "kpis", Action: policy.Public, Handler: h.beacon, Request: BeaconBody{}, NoIdempotencyKey: true,
			Summary: "A page shown by the web app: counts a page view, the day's visitor, a session when the tab starts one, and a signed-in member as active (docs/kpis.md). " +
				"Bots, other origins, API paths and paths that are no page of the web app count nothing (204 all the same).",
			Responses: httpx.Answers(204, "Noted (counted or not)", nil, map[int]string{400: "Bad path or referrer tag", 429: "Too many from this address"})},
		{Method: "GET", Pattern: "/api/kpis/traffic", Tag: "kpis", Action: policy.KpisRead, Handler: h.traffic, Query: rangeQuery,
			Summary:   "Page views, unique visitors, sessions, sign-ins, daily and monthly active members and DAU/MAU, per day and over the range (distinct counts from merged sketches).",
			Responses: httpx.Answers(200, "The report", Traffic{}, map[int]string{400: "Bad range"})},
		{Method: "GET", Pattern: "/api/kpis", Tag: "kpis", Action: policy.KpisRead, Handler: h.kpis, Query: rangeQuery,
			Summary: "The dashboard: every KPI over the range (value, daily series) and over the equal period before, with the launch baseline when frozen (docs/kpis.md). " +
				"Figures of fewer than 5 distinct members are not shown (null, merged).",
			Responses: httpx.Answers(200, "The cards", KpiReport{}, map[int]string{400: "Bad range or space"})},
		{Method: "GET", Pattern: "/api/kpis/export.csv", Tag: "kpis", Action: policy.KpisRead, Handler: h.export,
			Query:     append([]httpx.Param{{Name: "kpi", Description: "The KPI's name (page_views, …)"}}, rangeQuery...),
			Summary:   "One KPI's daily series as CSV (UTF-8, header day,value, one line a day; a hidden or empty day has an empty value), as an attachment.",
			Responses: httpx.Answers(200, "text/csv: day, value", nil, map[int]string{400: "Bad KPI, range or space", 404: "A KPI not measured yet"})},
		{Method: "GET", Pattern: "/api/kpis/participation", Tag: "kpis", Action: policy.KpisRead, Handler: h.participation,
			Query: []httpx.Param{{Name: "days", Description: "The period, ending today (1–400, default 28)"}},
			Summary: "Participation (90-9-1): active members split into readers, occasional and heavy contributors, the top 10 contributors, and at most 50 members at risk (contributed in the period before, not in this one). " +
				"The two named lists count every space, so only readers allowed kpis.manage (admins) get them; others get them empty and note lists_admins_only.",
			Responses: httpx.Answers(200, "Participation", Participation{}, map[int]string{400: "Bad days"})},
		{Method: "GET", Pattern: "/api/kpis/settings", Tag: "kpis", Action: policy.KpisManage, Handler: h.settings,
			Summary:   "The KPI settings: contributions that make a heavy contributor, months between health checks.",
			Responses: httpx.Answers(200, "The settings", KpiSettings{}, nil)},
		{Method: "PUT", Pattern: "/api/kpis/settings", Tag: "kpis", Action: policy.KpisManage, Handler: h.saveSettings, Request: KpiSettings{},
			Summary:   "Replace the KPI settings (heavyFrom 2–100, healthCheckMonths 1–24).",
			Responses: httpx.Answers(200, "The settings", KpiSettings{}, map[int]string{400: "Out of bounds"})},
	}
}

// errKpiSpace: a space filter naming a space the reader may not read, or none (the
// same answer, so the filter tells nothing of hidden spaces).
var errKpiSpace = errs.New(errs.NotFound, "space_not_found", "There is no such space.")

// space reads the optional space filter: an id of a space the reader may read (false:
// a 400 or a 404 was written; tester 14, findings 5 and 16: an unknown id gave the
// community's figures, a closed space's id its page views to a marketer outside it).
func (h KpiHTTP) space(w http.ResponseWriter, r *http.Request) (string, bool) {
	space := r.URL.Query().Get("space")
	if space == "" {
		return "", true
	}
	if !httpx.ValidID(space) {
		httpx.WriteError(w, r, errs.InvalidField("space", "invalid_id", "This is not an id."))
		return "", false
	}
	readable := false
	if h.Beacons != nil && h.Beacons.SpaceReadable != nil && h.Sessions != nil {
		actor, err := h.Sessions.Principal(r)
		if err == nil {
			readable, err = h.Beacons.SpaceReadable(r.Context(), actor, space)
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return "", false
		}
	}
	if !readable {
		httpx.WriteError(w, r, errKpiSpace)
		return "", false
	}
	return space, true
}

func (h KpiHTTP) kpis(w http.ResponseWriter, r *http.Request) {
	sp, ok := h.space(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	report, err := h.Service.Kpis(r.Context(), q.Get("from"), q.Get("to"), sp)
	httpx.Reply(w, r, http.StatusOK, report, err)
}

func (h KpiHTTP) export(w http.ResponseWriter, r *http.Request) {
	sp, ok := h.space(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	card, err := h.Service.KpiCard(r.Context(), q.Get("kpi"), q.Get("from"), q.Get("to"), sp)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	out := KpiCSV(card)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+card.Kpi+"-"+q.Get("from")+"-"+q.Get("to")+`.csv"`)
	w.Header().Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
}

// KpiCSV is a card's series as CSV: day,value, one line a day, empty when null.
func KpiCSV(c Card) []byte {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"day", "value"})
	for _, p := range c.Series {
		v := ""
		if p.Value != nil {
			v = strconv.FormatFloat(*p.Value, 'f', -1, 64)
		}
		_ = cw.Write([]string{p.Day, v})
	}
	cw.Flush()
	return b.Bytes()
}

func (h KpiHTTP) participation(w http.ResponseWriter, r *http.Request) {
	days := ParticipationDays
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			httpx.WriteError(w, r, ErrParticipationDays)
			return
		}
		days = n
	}
	p, err := h.Service.Participation(r.Context(), days)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// The named lists count contributions in every space, closed customer spaces
	// included: only readers who may manage the KPIs (admins, who may read every
	// space) get them; others get the groups and a note (tester 14b, finding 11;
	// docs/kpis.md, "Participation").
	named := false
	if h.Sessions != nil {
		if actor, err := h.Sessions.Principal(r); err == nil {
			named = policy.Allowed(actor.Roles, policy.KpisManage)
		}
	}
	if !named {
		p.TopContributors, p.AtRisk, p.Note = []Contributor{}, []AtRisk{}, NoteListsAdminsOnly
	}
	httpx.Reply(w, r, http.StatusOK, p, nil)
}

func (h KpiHTTP) settings(w http.ResponseWriter, r *http.Request) {
	k, err := h.Service.KpiSettings(r.Context())
	httpx.Reply(w, r, http.StatusOK, k, err)
}

func (h KpiHTTP) saveSettings(w http.ResponseWriter, r *http.Request) {
	var in KpiSettings
	if httpx.Decoded(w, r, &in) {
		k, err := h.Service.SaveKpiSettings(r.Context(), in)
		httpx.Reply(w, r, http.StatusOK, k, err)
	}
}
