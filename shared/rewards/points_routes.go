package rewards

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// SpaceReaders tells whether someone may read a space now (errs.ErrNotFound-kind
// error otherwise, so a space they may not see is answered 404 like no space).
type SpaceReaders interface {
	MayRead(ctx context.Context, actor auth.Principal, spaceID string) error
}

// PointsHTTP exposes points, ranks, badges and the leaderboards.
type PointsHTTP struct {
	Points *Points
	Spaces SpaceReaders
}

// OptOutRequest takes the caller off the leaderboards or puts them back.
type OptOutRequest struct {
	OptOut bool `json:"optOut"`
}

// RankList is the rank and badges of each member asked for, to show next to their names
// (unknown and deleted members left out; staff have no rank unless staff earn points).
type RankList struct {
	Ranks map[string]Rank `json:"ranks"`
	// Badges are the ids of the badges each member holds and shows, the badges staff
	// granted first, then the newest (members without badges left out).
	Badges map[string][]string `json:"badges"`
}

// Routes returns the points operations.
func (h PointsHTTP) Routes() []httpx.Route {
	noMember := "No such member"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/rewards/me", Tag: "rewards", Action: policy.SignedIn, Handler: h.mine,
			Summary:   "The caller's points: balance (spendable), lifetime score, rank, next rank and badges.",
			Responses: httpx.Answers(200, "The caller's points", MyRewards{}, nil)},
		{Method: "GET", Pattern: "/api/rewards/me/history", Tag: "rewards", Action: policy.SignedIn, Handler: h.history,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The caller's points history, newest first, with the reason of each entry.",
			Responses: httpx.Answers(200, "A page", HistoryPage{}, map[int]string{400: "Bad cursor"})},
		{Method: "PUT", Pattern: "/api/rewards/me/leaderboard", Tag: "rewards", Action: policy.SignedIn, Handler: h.optOut, Request: OptOutRequest{},
			Summary:   "Leave the leaderboards (optOut true) or show on them again; points and ranks stay.",
			Responses: httpx.Answers(200, "The caller's account", Account{}, nil)},
		{Method: "GET", Pattern: "/api/rewards/earn", Tag: "rewards", Action: policy.Visitors, Handler: h.earn,
			Summary:   "How to earn points: the rules that pay, with their daily caps; the ranks; the badges.",
			Responses: httpx.Answers(200, "How to earn", HowToEarn{}, nil)},
		{Method: "GET", Pattern: "/api/rewards/leaderboard", Tag: "rewards", Action: policy.SignedIn, Handler: h.board,
			Query: []httpx.Param{{Name: "period", Required: true, Description: "week, month, quarter or all"},
				{Name: "space", Description: "A space id: that space's board (its readers only); omitted: the community's"}},
			Summary:   "The top 50 of a leaderboard (this week, month, quarter, or all time; the community's or a space's); staff and members who opted out are not on it.",
			Responses: httpx.Answers(200, "The board", Leaderboard{}, map[int]string{400: "Bad period", 404: "No such space, or not a reader"})},
		{Method: "GET", Pattern: "/api/rewards/ranks", Tag: "rewards", Action: policy.SignedIn, Handler: h.ranks,
			Query:     []httpx.Param{{Name: "ids", Required: true, Description: "Member ids, comma-separated (at most 100)", MaxBytes: 4000}},
			Summary:   "The rank and badges of each member named, to show next to their names on posts, comments and profiles (staff show no rank).",
			Responses: httpx.Answers(200, "Ranks and badges by member id", RankList{}, map[int]string{400: "Too many ids"})},
		{Method: "GET", Pattern: "/api/rewards/members/{id}", Tag: "rewards", Action: policy.SignedIn, Handler: h.profile,
			Summary:   "A member's rank, lifetime score and badges (never their balance).",
			Responses: httpx.Answers(200, "The member's rewards", MemberRewards{}, map[int]string{404: noMember})},
		{Method: "GET", Pattern: "/api/rewards/settings", Tag: "rewards", Action: policy.RewardsSettings, Handler: h.settings,
			Summary:   "The points rules, daily caps, ranks and whether staff earn points (admins and marketers).",
			Responses: httpx.Answers(200, "The settings", Settings{}, nil)},
		{Method: "PUT", Pattern: "/api/rewards/settings", Tag: "rewards", Action: policy.RewardsSettings, Handler: h.saveSettings, Request: Settings{},
			Summary:   "Change the points rules, daily caps and ranks (admins and marketers); a rule left out keeps its default.",
			Responses: httpx.Answers(200, "The settings", Settings{}, map[int]string{400: "Bad rule or rank"})},
		{Method: "GET", Pattern: "/api/rewards/members/{id}/history", Tag: "rewards", Action: policy.RewardsStaff, Handler: h.memberHistory,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "A member's points history (staff).",
			Responses: httpx.Answers(200, "A page", HistoryPage{}, map[int]string{400: "Bad cursor", 404: noMember})},
		{Method: "POST", Pattern: "/api/rewards/members/{id}/reversals", Tag: "rewards", Action: policy.RewardsStaff, Handler: h.reverse, Request: ReverseRequest{},
			Summary: "Take back points found fraudulent (staff), with a reason kept in the audit log; the balance never goes below zero.",
			Responses: httpx.Answers(200, "Points taken off the score", ReverseResult{}, map[int]string{400: "Bad rule, object or reason",
				404: "No such member, or no such points to take back"})},
		{Method: "POST", Pattern: "/api/rewards/members/{id}/badges", Tag: "rewards", Action: policy.RewardsStaff, Handler: h.grant, Request: GrantRequest{},
			Summary:   "Grant a member a badge by hand (super-user, expert; staff); granting it again changes nothing.",
			Responses: httpx.Answers(200, "The member's rewards", MemberRewards{}, map[int]string{400: "Not a badge staff grant", 404: noMember})},
	}
}

func (h PointsHTTP) mine(w http.ResponseWriter, r *http.Request) {
	s, err := h.Points.Mine(r.Context(), auth.Caller(r))
	httpx.Reply(w, r, http.StatusOK, s, err)
}

func (h PointsHTTP) history(w http.ResponseWriter, r *http.Request) {
	page, err := h.Points.History(r.Context(), auth.Caller(r), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h PointsHTTP) optOut(w http.ResponseWriter, r *http.Request) {
	var req OptOutRequest
	if httpx.Decoded(w, r, &req) {
		a, err := h.Points.OptOut(r.Context(), auth.Caller(r), req.OptOut)
		httpx.Reply(w, r, http.StatusOK, a, err)
	}
}

func (h PointsHTTP) earn(w http.ResponseWriter, r *http.Request) {
	e, err := h.Points.Earning(r.Context())
	httpx.Reply(w, r, http.StatusOK, e, err)
}

func (h PointsHTTP) board(w http.ResponseWriter, r *http.Request) {
	period, space := r.URL.Query().Get("period"), r.URL.Query().Get("space")
	if space != "" {
		if err := h.Spaces.MayRead(r.Context(), auth.Caller(r), space); err != nil {
			httpx.WriteError(w, r, fmt.Errorf("rewards.Board: %w", err))
			return
		}
	}
	b, err := h.Points.Board(r.Context(), period, space)
	httpx.Reply(w, r, http.StatusOK, b, err)
}

func (h PointsHTTP) ranks(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if raw := r.URL.Query().Get("ids"); raw != "" {
		ids = strings.Split(raw, ",")
	}
	if len(ids) > MaxRankIDs {
		httpx.WriteError(w, r, errs.InvalidField("ids", "too_many_ids", fmt.Sprintf("Ask for at most %d members.", MaxRankIDs)))
		return
	}
	list, err := h.Points.Names(r.Context(), ids)
	httpx.Reply(w, r, http.StatusOK, list, err)
}

func (h PointsHTTP) profile(w http.ResponseWriter, r *http.Request) {
	p, err := h.Points.MemberProfile(r.Context(), r.PathValue("id"))
	httpx.Reply(w, r, http.StatusOK, p, err)
}

func (h PointsHTTP) settings(w http.ResponseWriter, r *http.Request) {
	s, err := h.Points.Settings(r.Context())
	httpx.Reply(w, r, http.StatusOK, s, err)
}

func (h PointsHTTP) saveSettings(w http.ResponseWriter, r *http.Request) {
	var s Settings
	if httpx.Decoded(w, r, &s) {
		saved, err := h.Points.SaveSettings(r.Context(), s)
		httpx.Reply(w, r, http.StatusOK, saved, err)
	}
}

func (h PointsHTTP) memberHistory(w http.ResponseWriter, r *http.Request) {
	page, err := h.Points.MemberHistory(r.Context(), r.PathValue("id"), r.URL.Query().Get("cursor"))
	httpx.Reply(w, r, http.StatusOK, page, err)
}

func (h PointsHTTP) reverse(w http.ResponseWriter, r *http.Request) {
	var req ReverseRequest
	if httpx.Decoded(w, r, &req) {
		res, err := h.Points.Reverse(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, res, err)
	}
}

func (h PointsHTTP) grant(w http.ResponseWriter, r *http.Request) {
	var req GrantRequest
	if httpx.Decoded(w, r, &req) {
		p, err := h.Points.Grant(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, p, err)
	}
}
