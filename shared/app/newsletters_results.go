package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/members"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/rewards"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Newsletters: results and the calendar (issue 13, n4): the signed redirect and the
// open-tracking image, the results, the daily visits, the open-tracking switch.

var _ newsletters.ResultsStore = (*store.Newsletters)(nil)

// newsletterResultsRoutes are the newsletters' results routes.
func newsletterResultsRoutes(d Deps) []httpx.Route {
	h := newsletters.ResultsHTTP{Results: &newsletters.Results{Now: time.Now}}
	if d.Store != nil {
		h.Results = newResults(d)
		h.Visits = func(r *http.Request, days []string) ([]int64, error) {
			return d.Store.Newsletters().NewsletterVisits(r.Context(), days)
		}
	}
	routes := append(h.Routes(), calendarRoutes(d)...)
	return append(routes, scheduledRoutes(d)...)
}

// newResults is the results service of a function.
func newResults(d Deps) *newsletters.Results {
	return &newsletters.Results{Store: d.Store.Newsletters(), Now: time.Now, Sending: sendingProgress{d},
		Links: func(ctx context.Context) (newsletters.Links, error) { return newsletterLinks(d, false) }}
}

// newsletterLinks signs newsletters' links with the deployment's key (derived from
// the cursor secret, which every function shares), under the community's address.
func newsletterLinks(d Deps, openTracking bool) (newsletters.Links, error) {
	k, err := d.Store.Newsletters().LinkKey()
	// The unsubscribe page and the one-click route (audience's links) never pass
	// through a counter, whichever the sender renders first.
	untracked := []string{d.Config.PublicURL + "/unsubscribe", d.Config.PublicURL + "/api/newsletters/unsubscribe"}
	return newsletters.Links{BaseURL: d.Config.PublicURL, Key: k, OpenTracking: openTracking, Untracked: untracked}, err
}

// NewsletterLinks is what the sending path rewrites each recipient's HTML with
// (newsletters.RewriteLinks): the signed redirects, and the open-tracking image when
// an admin switched it on (read once per call: call it when sending starts or per
// batch).
func NewsletterLinks(ctx context.Context, d Deps) (newsletters.Links, error) {
	t, err := d.Store.Newsletters().Tracking(ctx)
	if err != nil {
		return newsletters.Links{}, err
	}
	return newsletterLinks(d, t.OpenTracking)
}

// ---- the editorial calendar and scheduled announcements ----

// newScheduling is the scheduled announcements' service of a function (the newsletters
// function's routes, the clock's job). It has no files bucket: a scheduled
// announcement shows no uploaded image.
func newScheduling(d Deps) *posts.Scheduling {
	sp := &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}
	ps := &posts.Service{Store: d.Store.Posts(), Spaces: spaceAccess{spaces: sp, store: d.Store}, Tickets: ticketLinks{d.Store, ticketSpaces{sp}}, Now: time.Now}
	return &posts.Scheduling{Posts: ps, Store: d.Store.ScheduledPosts(), Clock: campaignSchedules{schedulerOf(d)}, Authors: postAuthors{d.Store}}
}

// postAuthors reads who a scheduled announcement's author is now.
type postAuthors struct{ st *store.Store }

// Principal implements posts.Authors: a deleted member is no author; a banned or
// suspended one may not act.
func (a postAuthors) Principal(ctx context.Context, memberID string) (auth.Principal, bool, error) {
	m, err := a.st.Members().GetMember(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) {
		return auth.Principal{MemberID: memberID}, false, nil
	}
	if err != nil {
		return auth.Principal{}, false, err
	}
	return auth.Principal{MemberID: m.ID, Roles: m.Roles}, m.Status == members.StatusActive, nil
}

// scheduledRoutes are the scheduled announcements' routes (served by the newsletters
// function: its role may set schedules).
func scheduledRoutes(d Deps) []httpx.Route {
	h := posts.ScheduledHTTP{}
	if d.Store != nil {
		h.Scheduling = newScheduling(d)
	}
	return h.Routes()
}

// calendarRoutes are the editorial calendar's routes.
func calendarRoutes(d Deps) []httpx.Route {
	h := newsletters.CalendarHTTP{}
	if d.Store != nil {
		h.Calendar = newsletters.Calendar{Sources: []newsletters.CalendarSource{
			newsletters.CalendarSourceFunc(campaignDates{d.Store}.Entries),
			newsletters.CalendarSourceFunc(announcementDates{newScheduling(d)}.Entries),
			newsletters.NewsletterDates{List: d.Store.Newsletters()},
		}}
	}
	return h.Routes()
}

// maxCalendarCampaigns bounds the campaigns the calendar reads (newest start first):
// campaigns number in the tens.
const maxCalendarCampaigns = 500

// campaignDates are the campaigns' starts and ends, for those who manage campaigns.
type campaignDates struct{ st *store.Store }

// Entries is a calendar source: the campaigns, newest start first, page by page until
// they start before the range and the range has no end of theirs left to find (a
// campaign lasts at most rewards.MaxCampaignDays).
func (c campaignDates) Entries(ctx context.Context, reader auth.Principal, from, to time.Time) ([]newsletters.CalendarEntry, error) {
	if !policy.Allowed(reader.Roles, policy.CampaignsManage) {
		return nil, nil
	}
	var out []newsletters.CalendarEntry
	cursor, read, now := "", 0, time.Now()
	for read < maxCalendarCampaigns {
		page, next, err := c.st.Rewards().Campaigns(ctx, cursor, 50)
		if err != nil {
			return nil, err
		}
		for _, camp := range page {
			state := rewards.StateAt(camp.Stored, camp.StartsAt, camp.EndsAt, now)
			if camp.Stored == rewards.StateDraft {
				continue // a draft has no date yet
			}
			out = append(out, newsletters.CalendarEntry{Kind: newsletters.EntryCampaignStart, At: camp.StartsAt, ID: camp.ID, Title: camp.Title, State: state},
				newsletters.CalendarEntry{Kind: newsletters.EntryCampaignEnd, At: camp.EndsAt, ID: camp.ID, Title: camp.Title, State: state})
		}
		read += len(page)
		if next == "" || (len(page) > 0 && page[len(page)-1].StartsAt.Before(from.Add(-rewards.MaxCampaignDays*24*time.Hour))) {
			break
		}
		cursor = next
	}
	return out, nil
}

// announcementDates are the scheduled announcements of the spaces the reader may read.
type announcementDates struct{ s *posts.Scheduling }

// Entries is a calendar source.
func (a announcementDates) Entries(ctx context.Context, reader auth.Principal, from, to time.Time) ([]newsletters.CalendarEntry, error) {
	list, err := a.s.Between(ctx, from, to)
	if err != nil {
		return nil, err
	}
	readable := map[string]bool{}
	var out []newsletters.CalendarEntry
	for _, s := range list {
		ok, seen := readable[s.SpaceID]
		if !seen {
			acc, err := a.s.Posts.Spaces.Access(ctx, reader, s.SpaceID)
			if err != nil && !denied(err) && !errors.Is(err, spaces.ErrNoSpace) {
				return nil, err
			}
			ok = err == nil && acc.Read
			readable[s.SpaceID] = ok
		}
		if ok {
			out = append(out, newsletters.CalendarEntry{Kind: newsletters.EntryAnnouncement, At: s.PublishAt, ID: s.ID, Title: s.Title,
				State: s.State, SpaceName: s.SpaceName})
		}
	}
	return out, nil
}
