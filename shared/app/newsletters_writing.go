package app

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/locale"
	"tribune/shared/newsletters"
	"tribune/shared/posts"
	"tribune/shared/rewards"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Newsletters, writing (issue 13, n1): the routes, the renderer every part uses, and
// the community the blocks read (posts, spaces and rewards, with their access rules).

// newsletterWritingRoutes are the newsletters' writing routes.
func newsletterWritingRoutes(d Deps) []httpx.Route {
	h := newsletters.WritingHTTP{Writer: newNewsletterWriter(d)}
	if d.Store != nil {
		h.Archive = d.Store.Newsletters()
	}
	return h.Routes()
}

// newNewsletterWriter is writing's service on a function's dependencies.
func newNewsletterWriter(d Deps) *newsletters.Writer {
	w := &newsletters.Writer{Now: time.Now, Mail: d.Mail}
	if d.Store == nil {
		return w // the API description only
	}
	st := d.Store.Newsletters()
	w.Store, w.Digests = st, st
	w.People = newsletterPeople{d.Store}
	w.Composer = NewsletterRenderer(d)
	w.Schedule = campaignSchedules{schedulerOf(d)}
	w.Queue = digestQueue{d}
	w.Segments = NewAudience(d)
	return w
}

// The sending path reads writing's newsletters and renders each copy with writing's
// renderer, reading the branding once a minute rather than once a copy (a change of
// branding reaches the mails being sent within a minute; previews read it every time).
func init() {
	SendingParts.Source = func(d Deps) newsletters.Source { return d.Store.Newsletters() }
	SendingParts.Renderer = func(d Deps) newsletters.Renderer {
		c := NewsletterRenderer(d)
		c.Branding = newsletters.CachedBranding(c.Branding, SendBrandingTTL)
		return c
	}
}

// SendBrandingTTL is how long the sender keeps the branding it read.
const SendBrandingTTL = time.Minute

// digestQueue hands a digest's issue to sending at once, as its author (the marketer
// who switched the digest on). An issue with nobody to send to, or already moved on (a
// job run twice), is not an error.
type digestQueue struct{ d Deps }

func (q digestQueue) SendNow(ctx context.Context, n newsletters.Newsletter) error {
	svc, err := NewSendService(q.d)
	if err != nil {
		return err
	}
	_, err = svc.Schedule(ctx, auth.Principal{MemberID: n.CreatedBy}, n.ID, newsletters.ScheduleRequest{Now: true})
	if errors.Is(err, newsletters.ErrEmptyAudience) || errors.Is(err, newsletters.ErrNotFromState) {
		return nil
	}
	return err
}

// NewsletterRenderer is the newsletters' Renderer (writing) on a function's
// dependencies: the sender renders each recipient's copy with it. Keep one per process:
// it holds each space's content for a minute across recipients.
func NewsletterRenderer(d Deps) *newsletters.Composer {
	st := d.Store.Newsletters()
	return &newsletters.Composer{Community: &newsletterCommunity{store: d.Store, campaigns: newCampaigns(d)},
		Branding: st.Branding, PublicURL: d.Config.PublicURL, Now: time.Now}
}

// newsletterPeople reads members as newsletters address them.
type newsletterPeople struct{ store *store.Store }

func (p newsletterPeople) Recipient(ctx context.Context, memberID string) (newsletters.Recipient, error) {
	m, err := p.store.Members().GetMember(ctx, memberID)
	if err != nil {
		return newsletters.Recipient{}, err
	}
	lang := m.Locale
	if !locale.Valid(lang) {
		lang = locale.Default
	}
	return newsletters.Recipient{MemberID: m.ID, Email: m.Email, Name: m.DisplayName, Lang: lang}, nil
}

// newsletterCommunity is what community blocks read, with the community's access
// rules: a space is readable when it is public (not a customer space), or when the
// spaces domain says so of a member who belongs to it (AccessOf). Post pages come from
// the posts' store, hidden and deleted posts left out; campaigns from the campaigns'
// service, which checks their audience.
type newsletterCommunity struct {
	store     *store.Store
	campaigns *rewards.Campaigns

	mu       sync.Mutex
	public   map[string]string
	publicAt time.Time
	// roles keeps a member's roles a few seconds: one copy's blocks ask them twice
	// (readable spaces, campaigns).
	roles map[string]heldRoles
}

type heldRoles struct {
	roles []string
	found bool
	at    time.Time
}

// rolesOf reads a member's roles (found false for a member who no longer exists).
func (c *newsletterCommunity) rolesOf(ctx context.Context, memberID string) ([]string, bool, error) {
	c.mu.Lock()
	h, ok := c.roles[memberID]
	c.mu.Unlock()
	if ok && time.Since(h.at) < 5*time.Second {
		return h.roles, h.found, nil
	}
	m, err := c.store.Members().GetMember(ctx, memberID)
	found := err == nil
	if errors.Is(err, errs.ErrNotFound) {
		err = nil
	}
	if err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	if c.roles == nil || len(c.roles) > 10_000 {
		c.roles = map[string]heldRoles{}
	}
	c.roles[memberID] = heldRoles{roles: m.Roles, found: found, at: time.Now()}
	c.mu.Unlock()
	return m.Roles, found, nil
}

// publicSpaces are the directory's public spaces (kept for newsletters.ContentTTL).
func (c *newsletterCommunity) publicSpaces(ctx context.Context) (map[string]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.public != nil && time.Since(c.publicAt) < newsletters.ContentTTL {
		return c.public, nil
	}
	out := map[string]string{}
	cursor := ""
	for range 100 { // 5,000 spaces at most
		list, next, err := c.store.Spaces().SpaceDirectory(ctx, cursor, spaces.DirectoryPage)
		if err != nil {
			return nil, err
		}
		for _, sp := range list {
			if sp.Visibility == spaces.Public && !sp.Customer() {
				out[sp.ID] = sp.Name
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	c.public, c.publicAt = out, time.Now()
	return out, nil
}

// ReadableSpaces implements newsletters.Community.
func (c *newsletterCommunity) ReadableSpaces(ctx context.Context, memberID string) (map[string]string, error) {
	roles, found, err := c.rolesOf(ctx, memberID)
	if err != nil {
		return nil, err
	}
	if !found {
		return map[string]string{}, nil
	}
	public, err := c.publicSpaces(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(public))
	for id, name := range public {
		out[id] = name
	}
	mine, err := c.store.Spaces().MySpaces(ctx, memberID)
	if err != nil {
		return nil, err
	}
	svc := &spaces.Service{Store: c.store.Spaces(), Now: time.Now}
	actor := auth.Principal{MemberID: memberID, Roles: roles}
	for _, ms := range mine {
		if _, ok := out[ms.SpaceID]; ok || !ms.Active() {
			continue
		}
		acc, err := svc.AccessOf(ctx, actor, ms.SpaceID)
		if errors.Is(err, spaces.ErrNoSpace) || denied(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if acc.Read {
			out[ms.SpaceID] = acc.Space.Name
		}
	}
	return out, nil
}

// recentScored is how many of a space's newest posts the top posts block weighs.
const recentScored = 20

// SpaceContent implements newsletters.Community.
func (c *newsletterCommunity) SpaceContent(ctx context.Context, spaceID string, since, now time.Time) (newsletters.SpaceContent, error) {
	var out newsletters.SpaceContent
	recent, err := c.store.Posts().RecentInSpace(ctx, spaceID, recentScored, now)
	if err != nil {
		return out, err
	}
	item := func(s posts.Summary) newsletters.Item {
		return newsletters.Item{ID: s.ID, Title: title(s), Excerpt: s.Excerpt, SpaceID: s.SpaceID, At: s.CreatedAt,
			Votes: s.Votes, Status: s.IdeaStatus, Path: "/posts/" + s.ID}
	}
	for _, s := range recent {
		if s.PinnedUntil != nil && s.PinnedUntil.After(now) {
			if s.Kind == posts.KindAnnouncement {
				out.Announcements = append(out.Announcements, item(s))
			}
			continue
		}
		if s.CreatedAt.Before(since) {
			continue
		}
		p, err := c.store.Posts().GetPost(ctx, s.ID)
		if errors.Is(err, errs.ErrNotFound) || errs.Is(err, errs.ErrNotFound.Code) {
			continue
		}
		if err != nil {
			return out, err
		}
		if p.Hidden || p.Deleted || p.SpaceID != spaceID {
			continue
		}
		it := item(s)
		it.Score = p.Votes + p.Comments
		for _, n := range p.Reactions {
			it.Score += n
		}
		out.Posts = append(out.Posts, it)
	}
	questions, err := c.store.Posts().Unanswered(ctx, spaceID, "", 20)
	if err != nil {
		return out, err
	}
	for _, s := range questions.Posts {
		out.Unanswered = append(out.Unanswered, item(s))
	}
	ideas, err := c.store.Posts().TopIdeas(ctx, spaceID, "", 20)
	if err != nil {
		return out, err
	}
	for _, s := range ideas.Posts {
		out.Ideas = append(out.Ideas, item(s))
	}
	return out, nil
}

// title is a post's title, or the start of a status update's text.
func title(s posts.Summary) string {
	if strings.TrimSpace(s.Title) != "" {
		return s.Title
	}
	return s.Excerpt
}

// LiveCampaigns implements newsletters.Community: the campaigns live now whose
// audience holds the member.
func (c *newsletterCommunity) LiveCampaigns(ctx context.Context, memberID string) ([]newsletters.Item, error) {
	roles, found, err := c.rolesOf(ctx, memberID)
	if err != nil || !found {
		return nil, err
	}
	list, err := c.campaigns.Live(ctx, auth.Principal{MemberID: memberID, Roles: roles})
	if err != nil {
		return nil, err
	}
	var out []newsletters.Item
	for _, s := range list.Campaigns {
		if s.State != rewards.StateLive {
			continue
		}
		ends := s.EndsAt
		out = append(out, newsletters.Item{ID: s.ID, Title: s.Title, At: s.StartsAt, Ends: &ends, Path: "/campaigns/" + s.ID})
	}
	return out, nil
}
