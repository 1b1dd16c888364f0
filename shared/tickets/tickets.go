// Package tickets is customer support inside private customer spaces: customers open
// tickets, support agents work them in a queue across all customer spaces, talk to the
// customer in public replies and among themselves in internal notes, and the service
// keeps first-response and resolution targets per severity.
//
// An internal note never reaches a customer: customer reads filter them out, and no
// event ever carries one (internal notes publish no event at all).
package tickets

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/locale"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/text"
)

// Severities, most urgent last.
const (
	SeverityLow    = "low"
	SeverityNormal = "normal"
	SeverityHigh   = "high"
	SeverityUrgent = "urgent"
)

// Severities lists them.
var Severities = []string{SeverityLow, SeverityNormal, SeverityHigh, SeverityUrgent}

// Statuses.
const (
	StatusNew             = "new"
	StatusOpen            = "open"
	StatusPendingCustomer = "pending_customer"
	StatusOnHold          = "on_hold"
	StatusSolved          = "solved"
	StatusClosed          = "closed"
)

// Statuses lists them in workflow order.
var Statuses = []string{StatusNew, StatusOpen, StatusPendingCustomer, StatusOnHold, StatusSolved, StatusClosed}

// Unsolved are the statuses of a ticket that still needs work: what the agents' queue
// lists by default ("All open" on the page). Pending customer and on hold count: the
// ticket is not resolved and its resolution target still runs (nextDue).
var Unsolved = []string{StatusNew, StatusOpen, StatusPendingCustomer, StatusOnHold}

// QueueAll is the queue's status filter for every ticket it holds, solved ones included
// (closed tickets leave the queue).
const QueueAll = "all"

// Targets a ticket may miss (ticket.sla_breached's target).
const (
	TargetFirstResponse = "first_response"
	TargetResolution    = "resolution"
)

// SLATargets lists them.
var SLATargets = []string{TargetFirstResponse, TargetResolution}

// agentMoves is the workflow: the statuses an agent may move a ticket to from each.
// Closed is final; a customer reply reopens a solved ticket (see Reply).
var agentMoves = map[string][]string{
	StatusNew:             {StatusOpen, StatusPendingCustomer, StatusOnHold, StatusSolved},
	StatusOpen:            {StatusPendingCustomer, StatusOnHold, StatusSolved},
	StatusPendingCustomer: {StatusOpen, StatusOnHold, StatusSolved},
	StatusOnHold:          {StatusOpen, StatusPendingCustomer, StatusSolved},
	StatusSolved:          {StatusOpen, StatusClosed},
}

// customerMoves: a customer may mark their ticket solved, or reopen a solved one.
var customerMoves = map[string][]string{
	StatusNew:             {StatusSolved},
	StatusOpen:            {StatusSolved},
	StatusPendingCustomer: {StatusSolved},
	StatusOnHold:          {StatusSolved},
	StatusSolved:          {StatusOpen},
}

// Limits.
const (
	MaxSubjectRunes = 150
	MaxBodyRunes    = 20000
	MaxAttachments  = 5
	QueuePage       = 50
	ListPage        = 30
	// SoonShare is the part of a target left below which a ticket is "about to breach".
	SoonShare = 0.25
)

// Brakes on opening tickets, like posting's (each ticket emails every agent): a customer
// opens at most 10 an hour, 3 in their first week; support agents are exempt. Enforced
// in the ticket's own transaction (a refused ticket writes nothing, takes no number).
var (
	LimitTickets    = ratelimit.Rule{Name: "ticket-member", Limit: 10, Window: time.Hour}
	LimitNewTickets = ratelimit.Rule{Name: "ticket-new-member", Limit: 3, Window: time.Hour}
	NewMemberPeriod = 7 * 24 * time.Hour
)

// Targets are the first-response and resolution targets of a severity, in minutes.
type Targets struct {
	FirstResponseMinutes int `json:"firstResponseMinutes"`
	ResolutionMinutes    int `json:"resolutionMinutes"`
}

// FirstResponse is the first-response target.
func (t Targets) FirstResponse() time.Duration {
	return time.Duration(t.FirstResponseMinutes) * time.Minute
}

// Resolution is the resolution target.
func (t Targets) Resolution() time.Duration { return time.Duration(t.ResolutionMinutes) * time.Minute }

// Settings are what admins keep for support.
type Settings struct {
	Products []string           `json:"products"`
	Targets  map[string]Targets `json:"targets"`
	// AutoCloseDays closes a solved ticket after so many days without a reply.
	AutoCloseDays int `json:"autoCloseDays"`
}

// DefaultSettings hold until an admin saves others (calendar hours, not business hours).
var DefaultSettings = Settings{
	Products: []string{"General"},
	Targets: map[string]Targets{
		SeverityUrgent: {FirstResponseMinutes: 60, ResolutionMinutes: 8 * 60},
		SeverityHigh:   {FirstResponseMinutes: 4 * 60, ResolutionMinutes: 24 * 60},
		SeverityNormal: {FirstResponseMinutes: 8 * 60, ResolutionMinutes: 72 * 60},
		SeverityLow:    {FirstResponseMinutes: 24 * 60, ResolutionMinutes: 120 * 60},
	},
	AutoCloseDays: 7,
}

// Attachment is a file attached to a ticket or a reply.
type Attachment struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Rating is the customer's satisfaction with a solved ticket.
type Rating struct {
	Good    bool      `json:"good"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

// Ticket is one support request.
type Ticket struct {
	ID            string       `json:"id"`
	Number        int64        `json:"number"`
	SpaceID       string       `json:"spaceId"`
	SpaceName     string       `json:"spaceName"`
	Subject       string       `json:"subject"`
	Product       string       `json:"product"`
	Severity      string       `json:"severity"`
	Body          string       `json:"body"`
	HTML          string       `json:"html"`
	Status        string       `json:"status"`
	RequesterID   string       `json:"requesterId"`
	RequesterName string       `json:"requesterName"`
	AssigneeID    string       `json:"assigneeId,omitempty"`
	AssigneeName  string       `json:"assigneeName,omitempty"`
	Attachments   []Attachment `json:"attachments,omitempty"`
	CreatedAt     time.Time    `json:"createdAt"`
	UpdatedAt     time.Time    `json:"updatedAt"`
	// Targets, and when they were met.
	FirstResponseDue    time.Time  `json:"firstResponseDue"`
	ResolutionDue       time.Time  `json:"resolutionDue"`
	FirstResponseAt     *time.Time `json:"firstResponseAt,omitempty"`
	SolvedAt            *time.Time `json:"solvedAt,omitempty"`
	FirstResponseBreach bool       `json:"firstResponseBreached,omitempty"`
	ResolutionBreach    bool       `json:"resolutionBreached,omitempty"`
	// AutoCloseAt closes a solved ticket without a reply by then.
	AutoCloseAt *time.Time `json:"autoCloseAt,omitempty"`
	Rating      *Rating    `json:"rating,omitempty"`
	// QuestionID is the community question this ticket was made from.
	QuestionID string `json:"questionId,omitempty"`
	// RequesterDeleted and AssigneeDeleted: that member deleted their account (the name
	// is then auth.DeletedName, shown in the reader's language). Set by the erasure.
	RequesterDeleted bool `json:"requesterDeleted,omitempty"`
	AssigneeDeleted  bool `json:"assigneeDeleted,omitempty"`
	// Mentions are the names the body's mentions show, by member id ("" for a member
	// who no longer exists): stored as rendered, answered as they are now (names.go).
	Mentions map[string]string `json:"mentions,omitempty"`
	// SuggestionID is the composer's suggestion session, only while the ticket is
	// written (the store marks the session followed in the same transaction); never
	// stored with the ticket nor answered.
	SuggestionID string `json:"-"`
}

// Reply is a message in a ticket: public (the customer sees it) or an internal note
// (support agents and admins only).
type Reply struct {
	ID          string       `json:"id"`
	TicketID    string       `json:"ticketId"`
	Body        string       `json:"body"`
	HTML        string       `json:"html"`
	AuthorID    string       `json:"authorId,omitempty"`
	AuthorName  string       `json:"authorName"`
	Internal    bool         `json:"internal"`
	Automatic   bool         `json:"automatic,omitempty"`
	FromAgent   bool         `json:"fromAgent"`
	Attachments []Attachment `json:"attachments,omitempty"`
	CreatedAt   time.Time    `json:"createdAt"`
	// AuthorDeleted: as Ticket's RequesterDeleted.
	AuthorDeleted bool `json:"authorDeleted,omitempty"`
	// Mentions: as Ticket's.
	Mentions map[string]string `json:"mentions,omitempty"`
}

// Summary is a ticket as lists show it.
type Summary struct {
	ID            string    `json:"id"`
	Number        int64     `json:"number"`
	SpaceID       string    `json:"spaceId"`
	SpaceName     string    `json:"spaceName"`
	Subject       string    `json:"subject"`
	Severity      string    `json:"severity"`
	Status        string    `json:"status"`
	RequesterName string    `json:"requesterName"`
	AssigneeID    string    `json:"assigneeId,omitempty"`
	AssigneeName  string    `json:"assigneeName,omitempty"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	// NextDue is the next target still to meet; zero, and absent from the JSON, when
	// nothing is due (a solved or closed ticket). omitzero, not omitempty: a struct is
	// never "empty", and Go's zero time reached the page as "due 1 January 1".
	NextDue time.Time `json:"nextDue,omitzero"`
	// Breached and Soon flag the queue: a target missed, or less than a quarter left.
	Breached bool `json:"breached"`
	Soon     bool `json:"soon"`
	// RequesterDeleted and AssigneeDeleted: as Ticket's.
	RequesterDeleted bool `json:"requesterDeleted,omitempty"`
	AssigneeDeleted  bool `json:"assigneeDeleted,omitempty"`
}

// Summary returns the ticket as lists show it, flagged against now.
func (t Ticket) Summary(now time.Time) Summary {
	s := Summary{ID: t.ID, Number: t.Number, SpaceID: t.SpaceID, SpaceName: t.SpaceName, Subject: t.Subject, Severity: t.Severity,
		Status: t.Status, RequesterName: t.RequesterName, AssigneeID: t.AssigneeID, AssigneeName: t.AssigneeName,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Breached: t.FirstResponseBreach || t.ResolutionBreach,
		RequesterDeleted: t.RequesterDeleted, AssigneeDeleted: t.AssigneeDeleted}
	due, start := t.nextDue()
	if !due.IsZero() {
		s.NextDue = due
		s.Breached = s.Breached || !now.Before(due)
		s.Soon = !s.Breached && due.Sub(now) < time.Duration(SoonShare*float64(due.Sub(start)))
	}
	return s
}

// NextTarget is when the ticket's next target falls, while one is still to be met and
// not yet flagged as missed (the sweeper's index).
func (t Ticket) NextTarget() (time.Time, bool) {
	switch {
	case t.Status == StatusSolved || t.Status == StatusClosed:
		return time.Time{}, false
	case t.FirstResponseAt == nil && !t.FirstResponseBreach:
		return t.FirstResponseDue, true
	case !t.ResolutionBreach:
		return t.ResolutionDue, true
	}
	return time.Time{}, false
}

// nextDue is the next target to meet and when its clock started: the first response
// until there is one, then the resolution until the ticket is solved.
func (t Ticket) nextDue() (time.Time, time.Time) {
	switch {
	case t.Status == StatusSolved || t.Status == StatusClosed:
		return time.Time{}, time.Time{}
	case t.FirstResponseAt == nil:
		return t.FirstResponseDue, t.CreatedAt
	}
	return t.ResolutionDue, t.CreatedAt
}

// Errors.
var (
	// ErrSuggestionID: a suggestionId that cannot be one (an unknown, expired or used
	// one is ignored: the ticket is opened all the same, issue 15).
	ErrSuggestionID = errs.InvalidField("suggestionId", "invalid_suggestion_id", "A suggestionId is the id the suggestions answered.")
	// ErrSuggestionGone: the store could not mark the suggestion session followed (it
	// is unknown, expired, of another composer, or followed already); the ticket is
	// written again without it. Never answered.
	ErrSuggestionGone = errors.New("tickets: suggestion session not followable")
	ErrNoTicket       = errs.New(errs.NotFound, "ticket_not_found", "There is no such ticket.")
	ErrNotCustomer    = errs.New(errs.Conflict, "not_customer_space", "Tickets belong to customer spaces.")
	ErrSubject        = errs.InvalidField("subject", "invalid_subject", "A subject has 1 to 150 characters.")
	ErrBody           = errs.InvalidField("body", "invalid_ticket_body", "Describe the problem: 1 to 20,000 characters.")
	ErrSeverity       = errs.InvalidField("severity", "invalid_severity", "Severity is low, normal, high or urgent.")
	ErrProduct        = errs.InvalidField("product", "invalid_product", "Choose one of the products.")
	ErrStatus         = errs.InvalidField("status", "invalid_status", "Unknown status.")
	ErrMove           = errs.New(errs.Conflict, "status_not_allowed", "The ticket cannot move to that status from where it is.")
	ErrClosed         = errs.New(errs.Conflict, "ticket_closed", "This ticket is closed; open a new one.")
	ErrInternal       = errs.New(errs.Forbidden, "internal_notes_agents_only", "Only support agents write internal notes.")
	ErrAgentsOnly     = errs.New(errs.Forbidden, "support_agents_only", "Only support agents do this.")
	ErrNotAgent       = errs.InvalidField("assigneeId", "not_an_agent", "Tickets are assigned to support agents.")
	ErrNotSolved      = errs.New(errs.Conflict, "not_solved", "Only a solved ticket is rated.")
	ErrNotRequester   = errs.New(errs.Forbidden, "not_the_requester", "Only the person who opened the ticket rates it.")
	ErrRatingComment  = errs.InvalidField("comment", "invalid_rating_comment", "A comment has at most 1,000 characters.")
	ErrBusy           = errs.New(errs.Conflict, "tickets_busy", "Many tickets are being opened at this moment; try again.")
	ErrRateLimited    = errs.New(errs.RateLimited, "tickets_too_fast", "You have opened many tickets in a short time. Add to a ticket you opened, or wait an hour.")
	ErrImageNotHere   = errs.InvalidField("body", "image_other_space", "An uploaded image can be shown only in the space it was uploaded for: upload it again here.")
	ErrSettings       = errs.InvalidField("targets", "invalid_support_settings", "Give 1 to 50 products, targets for every severity (first response before resolution, at most 30 days) and 1 to 90 days before auto-closing.")
	// ErrReplyBody and ErrReplyStatus are a reply's own: its text, and a status sent
	// with it by a customer (who marks a ticket solved, or reopens it, with its status).
	ErrReplyBody   = errs.InvalidField("body", "invalid_reply_body", "Write a reply of 1 to 20,000 characters.")
	ErrReplyStatus = errs.New(errs.Forbidden, "reply_status_agents_only", "Only support agents change a ticket's status with a reply; mark it solved, or reopen it, from the ticket.")
)

// Space is what tickets need to know of a space and the caller's place in it.
type Space struct {
	Name     string
	Customer bool
	// Member: the caller is an active member of the space.
	Member bool
}

// Spaces answers questions about spaces (package spaces, through the app).
type Spaces interface {
	// Space returns a space as the caller sees it; errs.ErrNotFound when it does not
	// exist or is hidden from them.
	Space(ctx context.Context, actor auth.Principal, spaceID string) (Space, error)
}

// Store is what tickets need from storage.
type Store interface {
	// CreateTicket takes the next ticket number and writes the ticket, its
	// acknowledgement, its list and queue entries, its target clock and events, in one
	// transaction with the number (events is called with the number; called again with
	// the next one if another ticket took it first; ErrBusy when that keeps happening),
	// under the rate-limit hits (ErrRateLimited when one is over its limit; nothing
	// written).
	CreateTicket(ctx context.Context, t *Ticket, ack *Reply, events func(number int64) ([]eventtypes.Envelope, error), hits []ratelimit.Hit) error
	GetTicket(ctx context.Context, id string) (Ticket, error)
	// TicketAndReplies reads a ticket and its replies (oldest first, internal notes
	// included) in one read.
	TicketAndReplies(ctx context.Context, id string) (Ticket, []Reply, error)
	// Replies lists a ticket's replies, oldest first (internal notes included).
	Replies(ctx context.Context, ticketID string) ([]Reply, error)
	// SaveTicket writes a ticket's new state (and its list, queue, target and auto-close
	// entries) with a reply (or none) and events, in one transaction, if the ticket is
	// still as old was read (ErrConflict otherwise).
	SaveTicket(ctx context.Context, old, t Ticket, reply *Reply, events []eventtypes.Envelope) error
	// DueTickets lists tickets whose next target passed before now; AutoCloseDue the
	// solved tickets whose auto-close time passed.
	DueTickets(ctx context.Context, now time.Time) ([]string, error)
	AutoCloseDue(ctx context.Context, now time.Time) ([]string, error)
	SpaceTickets(ctx context.Context, spaceID, cursor string, limit int) ([]Summary, string, error)
	// Queue lists unclosed tickets oldest first, filtered (empty fields match all;
	// f.Statuses, not f.Status, filters the status): up to limit of them, reading on
	// past entries the filter drops (within a bound; the cursor goes on).
	Queue(ctx context.Context, f QueueFilter, cursor string, limit int) ([]Ticket, string, error)
	SupportSettings(ctx context.Context) (Settings, error)
	SaveSupportSettings(ctx context.Context, s Settings) error
	// MemberName returns a member's name and roles (errs.ErrNotFound if unknown).
	MemberName(ctx context.Context, memberID string) (string, []string, error)
	// Requester returns a member's name and when they joined (errs.ErrNotFound if unknown).
	Requester(ctx context.Context, memberID string) (string, time.Time, error)
	// RoleHolderIDs lists who holds any of the staff roles.
	RoleHolderIDs(ctx context.Context, roles ...string) ([]string, error)
	Names
	// AssignedTo lists the unclosed tickets assigned to a member.
	AssignedTo(ctx context.Context, memberID string) ([]string, error)
}

// Agent is someone tickets can be assigned to.
type Agent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Agents lists the support agents, for assigning.
func (s *Service) Agents(ctx context.Context) ([]Agent, error) {
	ids, err := s.Store.RoleHolderIDs(ctx, policy.RoleSupport, policy.RoleAdmin)
	if err != nil {
		return nil, fmt.Errorf("tickets.Agents: %w", err)
	}
	out := make([]Agent, 0, len(ids))
	for _, id := range ids {
		name, roles, err := s.Store.MemberName(ctx, id)
		if errs.Is(err, errs.ErrNotFound.Code) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("tickets.Agents: %w", err)
		}
		if IsAgent(roles) {
			out = append(out, Agent{ID: id, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b Agent) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// Images checks the uploaded images a ticket's text shows (package posts, through the
// app): each by its one address, uploaded for the ticket's customer space (what a text
// replaces, before, may keep its own), usable (posts.Images.Check).
type Images interface {
	Check(ctx context.Context, spaceID, text, before string) error
}

// Service is the ticketing use cases.
type Service struct {
	Store  Store
	Spaces Spaces
	Files  AttachmentFiles
	// Images checks the images a description or reply shows (nil: it may show none).
	Images Images
	Now    func() time.Time
}

// checkImages verifies the uploaded images a ticket's text shows: only images uploaded
// for the ticket's own customer space (issue 9, round 4), which its readers may load.
func (s *Service) checkImages(ctx context.Context, spaceID, text, before string) error {
	if s.Images == nil {
		for _, src := range content.ImageSources(text) {
			if content.PointsUnder(src, "/api/images/") {
				return ErrImageNotHere
			}
		}
		return nil
	}
	return s.Images.Check(ctx, spaceID, text, before)
}

// IsAgent reports whether the roles make someone a support agent.
func IsAgent(roles []string) bool { return policy.Allowed(roles, policy.TicketsWork) }

// Readable reports whether someone holding roles, whose place in a ticket's space is sp,
// may read the ticket now: a customer space's tickets are for its active members and
// support agents. Notifications about a ticket are checked with this at delivery and
// when the inbox is read.
func Readable(sp Space, roles []string) bool { return sp.Customer && (sp.Member || IsAgent(roles)) }

// Settings returns the support settings in force.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st, err := s.Store.SupportSettings(ctx)
	if err != nil {
		return Settings{}, fmt.Errorf("tickets.Settings: %w", err)
	}
	return st, nil
}

// SaveSettings replaces the support settings (admins; the route's policy decides).
func (s *Service) SaveSettings(ctx context.Context, st Settings) (Settings, error) {
	var products []string
	for _, raw := range st.Products {
		p, err := text.Line("products", raw)
		if err != nil {
			return Settings{}, fmt.Errorf("tickets.SaveSettings: %w", err)
		}
		if p != "" && utf8.RuneCountInString(p) <= 80 && !slices.Contains(products, p) {
			products = append(products, p)
		}
	}
	st.Products = products
	// The problem names the field that is wrong (the form shows it there): products,
	// autoCloseDays, targets, or one target of one severity.
	field := ""
	switch {
	case len(products) < 1 || len(products) > 50:
		field = "products"
	case st.AutoCloseDays < 1 || st.AutoCloseDays > 90:
		field = "autoCloseDays"
	case len(st.Targets) != len(Severities):
		field = "targets"
	}
	for _, sev := range Severities {
		t, found := st.Targets[sev]
		switch {
		case field != "":
		case !found:
			field = "targets"
		case t.FirstResponseMinutes < 1:
			field = "targets." + sev + ".firstResponseMinutes"
		case t.ResolutionMinutes < t.FirstResponseMinutes || t.ResolutionMinutes > 30*24*60:
			field = "targets." + sev + ".resolutionMinutes"
		}
	}
	if field != "" {
		return Settings{}, fmt.Errorf("tickets.SaveSettings: %w", errs.InvalidField(field, ErrSettings.Code, ErrSettings.Message))
	}
	if err := s.Store.SaveSupportSettings(ctx, st); err != nil {
		return Settings{}, fmt.Errorf("tickets.SaveSettings: %w", err)
	}
	return st, nil
}

// NewTicket is what the customer's form sends.
type NewTicket struct {
	Subject     string       `json:"subject"`
	Product     string       `json:"product"`
	Severity    string       `json:"severity"`
	Body        string       `json:"body"`
	Attachments []Attachment `json:"attachments,omitempty"`
	// SuggestionID is the suggestionId of the suggestions the composer showed
	// (GET /api/search/suggest?for=ticket), optional: a live one counts the ticket as
	// opened after suggestions (docs/kpis.md, "Before you ask"), once per session.
	SuggestionID string `json:"suggestionId,omitempty" format:"id"`
}

// access is the caller's right on a customer space's tickets: members of the space and
// agents; everyone else is told the space's tickets do not exist.
func (s *Service) access(ctx context.Context, actor auth.Principal, spaceID string) (Space, error) {
	sp, err := s.Spaces.Space(ctx, actor, spaceID)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.NotFound {
			return Space{}, ErrNoTicket
		}
		return Space{}, err
	}
	if !sp.Member && !IsAgent(actor.Roles) {
		return Space{}, ErrNoTicket
	}
	if !sp.Customer {
		return Space{}, ErrNotCustomer
	}
	return sp, nil
}

// Open opens a ticket in a customer space the actor belongs to (or, for an agent,
// on behalf of the space).
func (s *Service) Open(ctx context.Context, actor auth.Principal, spaceID string, n NewTicket) (Ticket, error) {
	name, joined, err := s.Store.Requester(ctx, actor.MemberID)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets.Open: %w", err)
	}
	var hits []ratelimit.Hit
	if !IsAgent(actor.Roles) {
		hits = append(hits, ratelimit.Hit{Rule: LimitTickets, Key: actor.MemberID})
		if s.Now().Sub(joined) < NewMemberPeriod {
			hits = append(hits, ratelimit.Hit{Rule: LimitNewTickets, Key: actor.MemberID})
		}
	}
	t, err := s.open(ctx, actor, name, spaceID, n, "", "", false, hits)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets.Open %s: %w", spaceID, err)
	}
	return t, nil
}

// open checks and writes a new ticket for its requester (checked already when an agent
// opens it from a question, whose text, before, it keeps with its images).
func (s *Service) open(ctx context.Context, requester auth.Principal, name, spaceID string, n NewTicket, questionID, before string, checked bool, hits []ratelimit.Hit) (Ticket, error) {
	var err error
	if n.Subject, err = text.Line("subject", n.Subject); err != nil {
		return Ticket{}, err
	}
	if n.Body, err = text.Body("body", n.Body); err != nil {
		return Ticket{}, err
	}
	if n.Product, err = text.Line("product", n.Product); err != nil {
		return Ticket{}, err
	}
	if l := utf8.RuneCountInString(n.Subject); l < 1 || l > MaxSubjectRunes {
		return Ticket{}, ErrSubject
	}
	if l := utf8.RuneCountInString(n.Body); l < 1 || l > MaxBodyRunes {
		return Ticket{}, ErrBody
	}
	if !slices.Contains(Severities, n.Severity) {
		return Ticket{}, ErrSeverity
	}
	if n.SuggestionID != "" && !httpx.ValidID(n.SuggestionID) {
		return Ticket{}, ErrSuggestionID
	}
	// The caller's rights were checked by the agent's route when checked is set; the
	// customer's are checked here.
	var sp Space
	if checked {
		sp, err = s.Spaces.Space(ctx, requester, spaceID)
		if err == nil && !sp.Customer {
			err = ErrNotCustomer
		}
	} else {
		sp, err = s.access(ctx, requester, spaceID)
	}
	if err != nil {
		return Ticket{}, err
	}
	settings, err := s.Settings(ctx)
	if err != nil {
		return Ticket{}, err
	}
	if !slices.Contains(settings.Products, n.Product) {
		return Ticket{}, ErrProduct
	}
	if err := s.checkAttachments(ctx, requester.MemberID, n.Attachments); err != nil {
		return Ticket{}, err
	}
	if err := s.checkImages(ctx, spaceID, n.Body, before); err != nil {
		return Ticket{}, err
	}
	html, names, err := s.render(ctx, n.Body)
	if err != nil {
		return Ticket{}, err
	}
	now := s.Now().UTC()
	targets := settings.Targets[n.Severity]
	t := Ticket{ID: "t_" + strings.ToLower(rand.Text()), SpaceID: spaceID, SpaceName: sp.Name, Subject: n.Subject, Product: n.Product,
		Severity: n.Severity, Body: n.Body, HTML: html, Mentions: names, Status: StatusNew, RequesterID: requester.MemberID, RequesterName: name,
		Attachments: n.Attachments, CreatedAt: now, UpdatedAt: now, QuestionID: questionID,
		FirstResponseDue: now.Add(targets.FirstResponse()), ResolutionDue: now.Add(targets.Resolution()),
		SuggestionID: n.SuggestionID}
	ack := Reply{ID: "r_" + strings.ToLower(rand.Text()), TicketID: t.ID, AuthorName: "Tribune Support", Automatic: true, FromAgent: true,
		CreatedAt: now}
	events := func(number int64) ([]eventtypes.Envelope, error) {
		t.Number = number
		ack.Body = Acknowledgement(number, targets.FirstResponse())
		if ack.HTML, err = content.Render(ack.Body); err != nil {
			return nil, err
		}
		meta := eventtypes.NewMeta(now)
		env, err := eventtypes.Wrap(eventtypes.TicketOpened{Meta: meta,
			TicketID: t.ID, Number: number, SpaceID: spaceID, SpaceName: sp.Name, Subject: t.Subject, Severity: t.Severity,
			RequesterID: t.RequesterID, RequesterName: name, FirstResponseDue: t.FirstResponseDue,
			FirstResponseTarget: int64(targets.FirstResponse() / time.Second), AfterSuggestions: t.SuggestionID != ""})
		return []eventtypes.Envelope{env}, err
	}
	err = s.Store.CreateTicket(ctx, &t, &ack, events, hits)
	if errors.Is(err, ErrSuggestionGone) {
		// Never blocks a ticket, never tells whether the id exists: opened without it.
		t.SuggestionID = ""
		err = s.Store.CreateTicket(ctx, &t, &ack, events, hits)
	}
	if err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// Acknowledgement is the automatic first reply: the number and the expected first
// response time.
func Acknowledgement(number int64, firstResponse time.Duration) string {
	return fmt.Sprintf("Thank you: your request is ticket **#%d**. Our support team will answer within **%s**.", number, locale.Duration("en", firstResponse))
}

// View is a ticket as the caller sees it: customers never get internal notes.
type View struct {
	Ticket  Ticket  `json:"ticket"`
	Replies []Reply `json:"replies"`
	// Agent: the caller works tickets (sees internal notes, assigns, changes status).
	Agent bool `json:"agent"`
	// Moves are the statuses the caller may move the ticket to.
	Moves []string `json:"moves"`
}

// load reads a ticket the caller may see.
func (s *Service) load(ctx context.Context, actor auth.Principal, id string) (Ticket, error) {
	t, err := s.Store.GetTicket(ctx, id)
	if err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			err = ErrNoTicket
		}
		return Ticket{}, err
	}
	if _, err := s.access(ctx, actor, t.SpaceID); err != nil {
		return Ticket{}, err
	}
	return t, nil
}

// Get returns a ticket with the replies the caller may read: the ticket and its
// replies in one read, then the caller's access to its space.
func (s *Service) Get(ctx context.Context, actor auth.Principal, id string) (View, error) {
	t, replies, err := s.Store.TicketAndReplies(ctx, id)
	if err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			err = ErrNoTicket
		}
		return View{}, fmt.Errorf("tickets.Get %s: %w", id, err)
	}
	if _, err := s.access(ctx, actor, t.SpaceID); err != nil {
		return View{}, fmt.Errorf("tickets.Get %s: %w", id, err)
	}
	return s.view(ctx, actor, t, replies)
}

// viewAfter is the view a change answers: the ticket as it saved it (its access
// checked by the change) with its replies read again.
func (s *Service) viewAfter(ctx context.Context, actor auth.Principal, t Ticket) (View, error) {
	replies, err := s.Store.Replies(ctx, t.ID)
	if err != nil {
		return View{}, fmt.Errorf("tickets.Get %s: %w", t.ID, err)
	}
	return s.view(ctx, actor, t, replies)
}

// view is a ticket and its replies as the caller sees them.
func (s *Service) view(ctx context.Context, actor auth.Principal, t Ticket, replies []Reply) (View, error) {
	id := t.ID
	agent := IsAgent(actor.Roles)
	v := View{Ticket: t, Agent: agent, Replies: VisibleReplies(replies, agent), Moves: moves(t.Status, agent, t.RequesterID == actor.MemberID)}
	if err := s.showNames(ctx, &v.Ticket, v.Replies); err != nil {
		return View{}, fmt.Errorf("tickets.Get %s: %w", id, err)
	}
	return v, nil
}

// VisibleReplies keeps the replies a reader may see: everything for agents, public
// replies only for everyone else.
func VisibleReplies(replies []Reply, agent bool) []Reply {
	out := make([]Reply, 0, len(replies))
	for _, r := range replies {
		if agent || !r.Internal {
			out = append(out, r)
		}
	}
	return out
}

func moves(status string, agent, requester bool) []string {
	var out []string
	if agent {
		out = append(out, agentMoves[status]...)
	}
	if requester || !agent {
		for _, m := range customerMoves[status] {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// Question is a community question as tickets need it.
type Question struct {
	ID         string
	Title      string
	Body       string
	AuthorID   string
	AuthorName string
}

// Questions reads and marks community questions (package posts, through the app).
type Questions interface {
	// Question returns a question the actor may read.
	Question(ctx context.Context, actor auth.Principal, postID string) (Question, error)
	// LinkTicket records on the question the ticket made from it.
	LinkTicket(ctx context.Context, postID, ticketID string, number int64) error
}

// FromQuestionRequest turns a community question into a ticket of a customer space.
type FromQuestionRequest struct {
	SpaceID  string `json:"spaceId" format:"id"`
	Product  string `json:"product"`
	Severity string `json:"severity"`
}

// ErrAskerNotCustomer refuses a ticket for someone outside the customer space.
var ErrAskerNotCustomer = errs.InvalidField("spaceId", "asker_not_in_space", "The person who asked is not a member of that customer space.")

// FromQuestion opens a ticket from a community question (agents), on behalf of the
// person who asked, keeping a link both ways.
func (s *Service) FromQuestion(ctx context.Context, actor auth.Principal, questions Questions, postID string, req FromQuestionRequest) (Ticket, error) {
	if !IsAgent(actor.Roles) {
		return Ticket{}, fmt.Errorf("tickets.FromQuestion: %w", ErrAgentsOnly)
	}
	q, err := questions.Question(ctx, actor, postID)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets.FromQuestion: %w", err)
	}
	asker, err := s.Spaces.Space(ctx, auth.Principal{MemberID: q.AuthorID}, req.SpaceID)
	if err == nil && !asker.Member {
		err = ErrAskerNotCustomer
	}
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.NotFound {
			err = ErrAskerNotCustomer
		}
		return Ticket{}, fmt.Errorf("tickets.FromQuestion: %w", err)
	}
	n := NewTicket{Subject: q.Title, Product: req.Product, Severity: req.Severity,
		Body: q.Body + "\n\n*Opened by the support team from a [community question](/posts/" + q.ID + ").*"}
	if utf8.RuneCountInString(n.Subject) > MaxSubjectRunes {
		n.Subject = string([]rune(n.Subject)[:MaxSubjectRunes])
	}
	// An agent opens it: no customer's brakes apply. The question's images come with its
	// text: the agent who may read the question shares both with the ticket's readers.
	t, err := s.open(ctx, auth.Principal{MemberID: q.AuthorID}, q.AuthorName, req.SpaceID, n, q.ID, q.Body, true, nil)
	if err != nil {
		return Ticket{}, fmt.Errorf("tickets.FromQuestion: %w", err)
	}
	if err := questions.LinkTicket(ctx, postID, t.ID, t.Number); err != nil {
		return Ticket{}, fmt.Errorf("tickets.FromQuestion: ticket %s opened, link not written: %w", t.ID, err)
	}
	return t, nil
}
