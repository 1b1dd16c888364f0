// Package app assembles services, routes and consumers from their parts. The Lambda
// mains and the local runtime both call it, so they run the very same handlers.
package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"tribune/shared/auth"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/invitations"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/posts"
	"tribune/shared/queue"
	"tribune/shared/schedule"
	"tribune/shared/social"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/tickets"
)

// Version is reported by the health route and the API document.
const Version = "0.1.0"

// Health is the answer of GET /api/health.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version"`
}

// Deps are what the HTTP functions are built from.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Mail   mail.Sender
	// Files holds avatars and post images (S3; locally an in-process S3 server).
	Files members.Files
	// Schedules sets one-time schedules (EventBridge Scheduler in AWS); nil: the local
	// scheduler in the table, which the local runtime ticks (rewards_campaigns.go).
	Schedules schedule.Scheduler
	// Queue is the newsletter-send function's queue (SQS in AWS); nil: the local durable
	// queue in the table, which the local runtime polls (newsletters_sending.go).
	Queue queue.Sender
	// SendTiming is the newsletters' sending timing; zero: DefaultSendTiming (in AWS,
	// always). The local runtime sets it from NEWSLETTER_SEND_VISIBILITY.
	SendTiming SendTiming
	// Search is the index the search routes read (the search function: the newest
	// version published to S3, SnapshotSearch); nil: the index attached to the table in
	// this process (AttachSearch: make run, tests), else the routes answer 503.
	Search SearchReader
}

// sessions resolves session cookies against the store; visitors read public content
// when the community's access mode allows it.
func sessions(st *store.Store) auth.Sessions {
	community := &members.Service{Store: st.Members()}
	return auth.Sessions{Store: st.Members(), Now: time.Now, VisitorsMayRead: func(ctx context.Context) (bool, error) {
		settings, err := community.Settings(ctx)
		return err == nil && settings.VisitorsMayRead(), err
	}}
}

// membersHTTP is the membership HTTP layer on a store.
func membersHTTP(cfg config.Config, st *store.Store, sender mail.Sender) members.HTTP {
	svc := members.NewService(st.Members(), sender, cfg.PublicURL)
	svc.AdminEmails = cfg.AdminEmails
	return members.HTTP{Service: svc, Sessions: sessions(st), CookieSecure: cfg.CookieSecure, TrustedProxies: cfg.TrustedProxies}
}

// platformRoutes are health and the API description.
func platformRoutes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/health", Tag: "platform", Summary: "Liveness of the API.",
			Responses: httpx.Answers(200, "Up", Health{}, nil),
			Handler: func(w http.ResponseWriter, r *http.Request) {
				httpx.WriteJSON(w, http.StatusOK, Health{Status: "ok", Version: Version})
			}},
		{Method: "GET", Pattern: "/api/openapi.json", Tag: "platform", Summary: "This API's OpenAPI 3.1 description.",
			Responses: httpx.Answers(200, "The OpenAPI document", nil, nil),
			Handler: func(w http.ResponseWriter, r *http.Request) {
				httpx.WriteJSON(w, http.StatusOK, OpenAPI())
			}},
	}
}

// RegistrationRoutes are the routes the registration function serves.
func RegistrationRoutes(d Deps) []httpx.Route {
	cfg, st := d.Config, d.Store
	h := membersHTTP(cfg, st, d.Mail)
	soc := members.SocialHTTP{HTTP: h, Social: &members.Social{Service: h.Service, Store: st.Members(),
		Providers: social.NewRegistry(cfg.PublicURL, cfg.SocialProviders)}}
	routes := append(h.Routes(), soc.Routes()...)
	routes = append(routes, members.PrivacyHTTP{HTTP: h, Store: st.Members(), Sections: exportSections(st)}.Routes()...)
	routes = append(routes, members.AvatarHTTP{Avatars: &members.Avatars{Service: h.Service, Store: st.Members(), Files: d.Files}}.Routes()...)
	return append(routes, platformRoutes()...)
}

// InvitationsRoutes are the routes the invitations function serves.
func InvitationsRoutes(d Deps) []httpx.Route {
	svc := &invitations.Service{Store: d.Store.Invitations(), PublicURL: d.Config.PublicURL, Now: time.Now}
	return invitations.HTTP{Service: svc, Names: d.Store.Invitations()}.Routes()
}

// InvitationsHandler is the invitations function's HTTP handler.
func InvitationsHandler(d Deps) (http.Handler, error) {
	return Handler(d.Config, sessions(d.Store), InvitationsRoutes(d))
}

// spaceAccess lets posts ask spaces what a member may do (the two domains do not
// import each other).
type spaceAccess struct {
	spaces *spaces.Service
	store  *store.Store
}

func (a spaceAccess) Access(ctx context.Context, actor auth.Principal, spaceID string) (posts.SpaceAccess, error) {
	acc, err := a.spaces.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return posts.SpaceAccess{}, err
	}
	return posts.SpaceAccess{Name: acc.Space.Name, Read: acc.Read, Post: acc.Post, Moderate: acc.Moderate,
		Public: acc.Space.Visibility == spaces.Public, Staff: acc.Staff, Manage: acc.MayChangeSettings(), Denied: spaces.NotMemberOf(spaceID),
		Tickets: tickets.Readable(ticketSpaceOf(acc), actor.Roles)}, nil
}

func (a spaceAccess) ModeratedSpaces(ctx context.Context, actor auth.Principal) ([]string, error) {
	return a.spaces.ModeratedBy(ctx, actor.MemberID)
}

func (a spaceAccess) Mentionable(ctx context.Context, memberID, spaceID string) (string, bool, error) {
	m, err := a.store.Members().GetMember(ctx, memberID)
	found := err == nil
	if errors.Is(err, errs.ErrNotFound) {
		err = nil
	}
	if err != nil {
		return "", false, err
	}
	if posts.Nobody(found, m.Status) {
		return "", false, nil
	}
	acc, err := a.spaces.AccessOf(ctx, auth.Principal{MemberID: memberID, Roles: m.Roles}, spaceID)
	if errors.Is(err, spaces.ErrNoSpace) {
		return m.DisplayName, false, nil
	}
	return m.DisplayName, err == nil && posts.MayBeMentioned(m.Status, acc.Read), err
}

// memberDirectory lets posts find the members the composer offers to mention, with
// the member directory's own search (so it finds whom the directory finds).
type memberDirectory struct{ members *members.Service }

func (d memberDirectory) FindMembers(ctx context.Context, q string, limit int) ([]posts.MentionChoice, error) {
	page, err := d.members.Directory(ctx, q, "", "", limit)
	if err != nil {
		return nil, err
	}
	out := make([]posts.MentionChoice, 0, len(page.Members))
	for _, m := range page.Members {
		out = append(out, posts.MentionChoice{ID: m.ID, DisplayName: m.DisplayName, Expertise: m.Expertise, HasAvatar: m.HasAvatar})
	}
	return out, nil
}

// PostingRoutes are the routes the posting function serves: spaces, posts, streams,
// moderation, the rules and the inbox.
func PostingRoutes(d Deps) []httpx.Route {
	sp := &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}
	ps := &posts.Service{Store: d.Store.Posts(), Spaces: spaceAccess{spaces: sp, store: d.Store}, Tickets: ticketLinks{d.Store, ticketSpaces{sp}}, Now: time.Now,
		Directory: memberDirectory{&members.Service{Store: d.Store.Members(), Now: time.Now}}}
	images := newImages(d, ps.Spaces, sp)
	ps.Images = images
	comments := &posts.Comments{Posts: ps, Store: d.Store.Comments()}
	h := posts.HTTP{Service: ps, Comments: comments, Votes: &posts.Votes{Posts: ps, Store: d.Store.Posts()},
		Editing: &posts.Editing{Posts: ps, Store: d.Store.Posts()}, Moderation: &posts.Moderation{Posts: ps, Comments: comments, Store: d.Store.Moderation()}}
	routes := append(spaces.HTTP{Service: sp}.Routes(), h.Routes()...)
	routes = append(routes, posts.ImagesHTTP{Images: images}.Routes()...)
	routes = append(routes, members.RulesHTTP{Service: &members.RulesService{Store: d.Store.Members(), Now: time.Now}}.Routes()...)
	return append(routes, notifications.InboxHTTP{Store: d.Store.Notifications(), Subjects: newNotificationSubjects(d.Store), Now: time.Now}.Routes()...)
}

// newImages is the images service on the files bucket (nil without one: texts then
// show no uploaded image).
func newImages(d Deps, access posts.Spaces, sp *spaces.Service) *posts.Images {
	if d.Files == nil {
		return nil
	}
	return &posts.Images{Files: d.Files, Store: d.Store.Images(), Spaces: access, Tickets: ticketLinks{d.Store, ticketSpaces{sp}}, Now: time.Now}
}

// ticketSpaces lets tickets ask spaces about customer spaces. Support agents work
// every customer space's tickets, hidden spaces included, without being members: the
// spaces domain lets them see every customer space (not its posts), and no other
// hidden space.
type ticketSpaces struct{ spaces *spaces.Service }

func (t ticketSpaces) Space(ctx context.Context, actor auth.Principal, spaceID string) (tickets.Space, error) {
	acc, err := t.spaces.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return tickets.Space{}, err
	}
	return ticketSpaceOf(acc), nil
}

// ticketSpaceOf is a space as tickets see it.
func ticketSpaceOf(acc spaces.Access) tickets.Space {
	return tickets.Space{Name: acc.Space.Name, Customer: acc.Space.Customer(), Member: acc.Member()}
}

// ticketLinks lets posts ask whether a member may read a ticket now (a question shows
// the ticket made from it only then): one read of the ticket, one of its space.
type ticketLinks struct {
	store  *store.Store
	spaces ticketSpaces
}

// MayReadTicketText implements posts.TicketReaders: the ticket's space as the caller
// sees it (tickets.Readable), internal notes for agents only.
func (l ticketLinks) MayReadTicketText(ctx context.Context, actor auth.Principal, spaceID string, internal bool) (bool, error) {
	if !tickets.MayReadTexts(actor, internal) {
		return false, nil
	}
	sp, err := l.spaces.Space(ctx, actor, spaceID)
	if denied(err) {
		return false, nil
	}
	return err == nil && tickets.Readable(sp, actor.Roles), err
}

func (l ticketLinks) MayReadTicket(ctx context.Context, actor auth.Principal, ticketID string) (bool, error) {
	t, err := l.store.Tickets().GetTicket(ctx, ticketID)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	sp, err := l.spaces.Space(ctx, actor, t.SpaceID)
	if denied(err) {
		return false, nil
	}
	return err == nil && tickets.Readable(sp, actor.Roles), err
}

// questions lets tickets read and mark community questions.
type questions struct {
	posts *posts.Service
	store *store.Store
}

func (q questions) Question(ctx context.Context, actor auth.Principal, postID string) (tickets.Question, error) {
	p, err := q.posts.Question(ctx, actor, postID)
	if err != nil {
		return tickets.Question{}, err
	}
	return tickets.Question{ID: p.ID, Title: p.Title, Body: p.Body, AuthorID: p.AuthorID, AuthorName: p.AuthorName}, nil
}

func (q questions) LinkTicket(ctx context.Context, postID, ticketID string, number int64) error {
	return q.store.Posts().LinkTicket(ctx, postID, ticketID, number)
}

// TicketingRoutes are the routes the ticketing function serves.
func TicketingRoutes(d Deps) []httpx.Route {
	sp := &spaces.Service{Store: d.Store.Spaces(), Now: time.Now}
	ps := &posts.Service{Store: d.Store.Posts(), Spaces: spaceAccess{spaces: sp, store: d.Store}, Tickets: ticketLinks{d.Store, ticketSpaces{sp}}, Now: time.Now}
	svc := &tickets.Service{Store: d.Store.Tickets(), Spaces: ticketSpaces{sp}, Now: time.Now}
	if d.Files != nil {
		svc.Files = d.Files
		svc.Images = newImages(d, ps.Spaces, sp)
	}
	routes := tickets.HTTP{Service: svc, Questions: questions{posts: ps, store: d.Store}}.Routes()
	return append(routes, metrics.HTTP{Service: &metrics.Service{Store: d.Store, Values: d.Store, Now: time.Now}}.Routes()...)
}

// TicketingHandler is the ticketing function's HTTP handler.
func TicketingHandler(d Deps) (http.Handler, error) {
	return Handler(d.Config, sessions(d.Store), TicketingRoutes(d))
}

// TicketSweep is the scheduled job: auto-close solved tickets, flag missed targets,
// and delete the image uploads no text showed within a day (files: the files bucket,
// nil to leave images alone).
func TicketSweep(st *store.Store, files members.Files) func(ctx context.Context) error {
	svc := &tickets.Service{Store: st.Tickets(), Now: time.Now}
	var images *posts.Images
	if files != nil {
		images = &posts.Images{Files: files, Store: st.Images(), Now: time.Now}
	}
	return func(ctx context.Context) error {
		_, _, err := svc.Sweep(ctx)
		if images != nil {
			_, swept := images.SweepUnused(ctx, UnusedImagesPerSweep)
			err = errors.Join(err, swept)
		}
		return err
	}
}

// UnusedImagesPerSweep bounds the expired uploads one sweep deletes (the next takes the
// rest: every 5 minutes in AWS, 12 × 200 = 2,400 an hour).
const UnusedImagesPerSweep = 200

// PostingHandler is the posting function's HTTP handler.
func PostingHandler(d Deps) (http.Handler, error) {
	return Handler(d.Config, sessions(d.Store), PostingRoutes(d))
}

// AllRoutes are every function's routes, in the catalogue's order: the local runtime
// mounts them on one mux.
func AllRoutes(d Deps) []httpx.Route {
	var routes []httpx.Route
	for _, f := range Catalogue() {
		if f.Routes != nil {
			routes = append(routes, f.Routes(d)...)
		}
	}
	return routes
}

// LocalHandler serves every function's routes in one process.
func LocalHandler(d Deps) (http.Handler, error) {
	return Handler(d.Config, sessions(d.Store), AllRoutes(d))
}

// OpenAPI describes every route of every function.
func OpenAPI() map[string]any {
	return httpx.OpenAPI("Tribune API", Version, AllRoutes(Deps{}))
}

// RegistrationHandler is the registration function's HTTP handler.
func RegistrationHandler(d Deps) (http.Handler, error) {
	return Handler(d.Config, sessions(d.Store), RegistrationRoutes(d))
}

// Handler mounts routes, each behind the policy guard, inside the shared middleware.
func Handler(cfg config.Config, guard auth.Sessions, routes []httpx.Route) (http.Handler, error) {
	mux := http.NewServeMux()
	var repeats httpx.RepeatStore
	if st, ok := guard.Store.(*store.Members); ok {
		// The table that holds sessions keeps the names of repeated requests too.
		repeats = st
	}
	httpx.Mount(mux, routes, guard.Guard, repeats)
	mux.HandleFunc("/api/", httpx.NoRoute(mux, errNoRoute))
	return httpx.Wrap(mux, httpx.Options{TrustedOrigins: trustedOrigins(cfg), MaxBodyBytes: bodyLimit(routes)})
}

func trustedOrigins(cfg config.Config) []string {
	if cfg.PublicURL == "" {
		return nil
	}
	return []string{cfg.PublicURL}
}

// Publisher is the outbox publisher function's handler.
func Publisher(putter bus.Putter) bus.StreamHandler {
	return bus.Publisher{Bus: putter}.HandleStream
}
