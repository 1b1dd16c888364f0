package tickets

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/text"
)

// ReplyRequest is a message in a ticket: agents may make it an internal note and move
// the ticket at the same time.
type ReplyRequest struct {
	Body        string       `json:"body"`
	Internal    bool         `json:"internal,omitempty"`
	Status      string       `json:"status,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// retries and retryBudget bound the attempts of a change that lost a race with others:
// enough for dozens of replies at once on one ticket (each attempt after a loss waits a
// random while, longer each time and at least as long as an attempt takes: retryWait),
// so concurrent replies all land, well before API Gateway gives up (29 s).
const (
	retries     = 100
	retryBudget = 20 * time.Second
)

// retryWait is the pause before attempt n (from 1) of a change that lost a race, the last
// attempt having taken took: random up to the larger of 5 ms doubled each time and took
// times the attempt's number (both capped), at most 2 s, so the racers spread out
// whatever a write costs at the moment.
func retryWait(n int, took time.Duration) time.Duration {
	ceiling := min(max(5*time.Millisecond<<min(n-1, 8), took*time.Duration(min(n, 8))), 2*time.Second)
	return time.Duration(mathrand.Int64N(int64(ceiling))) + time.Millisecond
}

// ErrConflict is what a store returns when a ticket changed since it was read.
var ErrConflict = errs.New(errs.Conflict, "ticket_changed", "The ticket changed meanwhile; reload it.")

// errNoChange is what a change answers when the ticket is already as asked (a repeated
// request, or the same one twice at once): nothing is saved, no event is published.
var errNoChange = errors.New("tickets: nothing to change")

// change loads a ticket, applies f and saves it, retrying when someone else changed the
// ticket in between (f is run again on the fresh ticket).
// Changes of one ticket within this process take turns (ticketTurns): at once, they
// would only conflict and retry.
func (s *Service) change(ctx context.Context, actor auth.Principal, id string, f func(t *Ticket) (*Reply, []eventtypes.Envelope, error)) (Ticket, error) {
	defer ticketTurns.take(id)()
	return s.changeLoaded(ctx, func() (Ticket, error) { return s.load(ctx, actor, id) }, f)
}

// ticketTurns makes the changes of one ticket within a process one at a time: a burst of
// replies on a ticket then writes each at its first attempt instead of colliding over and
// over. Across processes (Lambda instances, one request each) the retries do it.
var ticketTurns = turns{waiting: map[string]*turn{}}

type turns struct {
	mu      sync.Mutex
	waiting map[string]*turn
}

type turn struct {
	mu    sync.Mutex
	count int
}

// take waits for key's turn and returns what ends it.
func (t *turns) take(key string) func() {
	t.mu.Lock()
	e := t.waiting[key]
	if e == nil {
		e = &turn{}
		t.waiting[key] = e
	}
	e.count++
	t.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		t.mu.Lock()
		if e.count--; e.count == 0 {
			delete(t.waiting, key)
		}
		t.mu.Unlock()
	}
}

// changeLoaded is change with its own way to read the ticket (the sweeper reads
// without a caller).
func (s *Service) changeLoaded(ctx context.Context, load func() (Ticket, error), f func(t *Ticket) (*Reply, []eventtypes.Envelope, error)) (Ticket, error) {
	began := time.Now()
	var took time.Duration
	for n := range retries {
		if n > 0 {
			if time.Since(began) > retryBudget {
				break
			}
			select {
			case <-ctx.Done():
				return Ticket{}, ctx.Err()
			case <-time.After(retryWait(n, took)):
			}
		}
		start := time.Now()
		t, err := load()
		if err != nil {
			return Ticket{}, err
		}
		old := t
		reply, events, err := f(&t)
		if errors.Is(err, errNoChange) {
			return old, nil
		}
		if err != nil {
			return Ticket{}, err
		}
		err = s.Store.SaveTicket(ctx, old, t, reply, events)
		if errs.Is(err, ErrConflict.Code) {
			took = time.Since(start)
			continue
		}
		return t, err
	}
	return Ticket{}, ErrConflict
}

// Reply adds a public reply or an internal note. A customer's reply reopens a solved
// ticket and answers a pending one; an agent's first public reply is the first response.
func (s *Service) Reply(ctx context.Context, actor auth.Principal, id string, req ReplyRequest) (View, error) {
	body, err := text.Body("body", req.Body)
	if err != nil {
		return View{}, fmt.Errorf("tickets.Reply: %w", err)
	}
	req.Body = body
	if l := utf8.RuneCountInString(req.Body); l < 1 || l > MaxBodyRunes {
		return View{}, fmt.Errorf("tickets.Reply: %w", ErrReplyBody)
	}
	agent := IsAgent(actor.Roles)
	if req.Internal && !agent {
		return View{}, fmt.Errorf("tickets.Reply: %w", ErrInternal)
	}
	if req.Status != "" && !agent {
		return View{}, fmt.Errorf("tickets.Reply: %w", ErrReplyStatus)
	}
	if req.Status != "" && !slices.Contains(Statuses, req.Status) {
		return View{}, fmt.Errorf("tickets.Reply: %w", ErrStatus)
	}
	if err := s.checkAttachments(ctx, actor.MemberID, req.Attachments); err != nil {
		return View{}, fmt.Errorf("tickets.Reply: %w", err)
	}
	html, names, err := s.render(ctx, req.Body)
	if err != nil {
		return View{}, fmt.Errorf("tickets.Reply: %w", err)
	}
	name, _, err := s.Store.MemberName(ctx, actor.MemberID)
	if err != nil {
		return View{}, fmt.Errorf("tickets.Reply: %w", err)
	}
	// The settings matter only to a reply that moves the ticket (its auto-close time).
	settings := DefaultSettings
	if req.Status != "" {
		if settings, err = s.Settings(ctx); err != nil {
			return View{}, err
		}
	}
	saved, err := s.change(ctx, actor, id, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
		if t.Status == StatusClosed {
			return nil, nil, ErrClosed
		}
		if err := s.checkImages(ctx, t.SpaceID, req.Body, ""); err != nil {
			return nil, nil, err
		}
		now := s.Now().UTC()
		r := &Reply{ID: "r_" + strings.ToLower(rand.Text()), TicketID: t.ID, Body: req.Body, HTML: html, Mentions: names, AuthorID: actor.MemberID,
			AuthorName: name, Internal: req.Internal, FromAgent: agent, Attachments: req.Attachments, CreatedAt: now}
		from := t.Status
		if req.Internal {
			// An internal note changes nothing the customer sees (not even the ticket's
			// update time) and publishes no event.
			if req.Status != "" {
				t.UpdatedAt = now
				if err := move(t, req.Status, true, false, now, settings.AutoCloseDays); err != nil {
					return nil, nil, err
				}
				ev, err := statusEvent(*t, from, actor.MemberID, now)
				return r, ev, err
			}
			return r, nil, nil
		}
		t.UpdatedAt = now
		var firstResponse time.Duration
		switch {
		case agent && t.RequesterID != actor.MemberID:
			if t.FirstResponseAt == nil {
				t.FirstResponseAt = &now
				firstResponse = now.Sub(t.CreatedAt)
			}
			if t.Status == StatusNew {
				t.Status = StatusOpen
			}
		case t.Status == StatusSolved || t.Status == StatusPendingCustomer:
			// The customer answers: the ticket needs support again.
			t.Status, t.SolvedAt, t.AutoCloseAt = StatusOpen, nil, nil
		}
		if req.Status != "" && req.Status != t.Status {
			if err := move(t, req.Status, true, false, now, settings.AutoCloseDays); err != nil {
				return nil, nil, err
			}
		}
		meta := eventtypes.NewMeta(now)
		replied, err := eventtypes.Wrap(eventtypes.TicketReplied{Meta: meta,
			TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject, ReplyID: r.ID, AuthorID: actor.MemberID,
			AuthorName: name, FromAgent: agent, RequesterID: t.RequesterID, AssigneeID: t.AssigneeID, Excerpt: content.PageExcerpt(html, ExcerptRunes),
			FirstResponseSeconds: firstResponse.Seconds()})
		if err != nil {
			return nil, nil, err
		}
		events := []eventtypes.Envelope{replied}
		if t.Status != from {
			ev, err := statusEvent(*t, from, actor.MemberID, now)
			if err != nil {
				return nil, nil, err
			}
			events = append(events, ev...)
		}
		return r, events, nil
	})
	if err != nil {
		return View{}, fmt.Errorf("tickets.Reply %s: %w", id, err)
	}
	return s.viewAfter(ctx, actor, saved)
}

// move changes a ticket's status along the workflow, for an agent or a customer; a
// solved ticket closes itself after autoCloseDays without a reply.
func move(t *Ticket, to string, agent, requester bool, now time.Time, autoCloseDays int) error {
	if !slices.Contains(moves(t.Status, agent, requester), to) {
		return ErrMove
	}
	t.Status = to
	switch to {
	case StatusSolved:
		t.SolvedAt = &now
		closeAt := now.Add(time.Duration(autoCloseDays) * 24 * time.Hour)
		t.AutoCloseAt = &closeAt
	case StatusOpen:
		t.SolvedAt, t.AutoCloseAt = nil, nil
	case StatusClosed:
		t.AutoCloseAt = nil
	}
	return nil
}

// statusEvent records a status change; solving carries the resolution time.
func statusEvent(t Ticket, from, by string, now time.Time) ([]eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(now)
	evt := eventtypes.TicketStatusChanged{Meta: meta, TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject,
		From: from, To: t.Status, ChangedBy: by, RequesterID: t.RequesterID, AssigneeID: t.AssigneeID,
		Reopened: from == StatusSolved && t.Status == StatusOpen}
	if t.Status == StatusSolved {
		evt.ResolutionSeconds = now.Sub(t.CreatedAt).Seconds()
	}
	env, err := eventtypes.Wrap(evt)
	return []eventtypes.Envelope{env}, err
}

// StatusRequest moves a ticket.
type StatusRequest struct {
	Status string `json:"status"`
}

// SetStatus moves a ticket along the workflow: agents between working statuses,
// customers to solved (or back to open).
func (s *Service) SetStatus(ctx context.Context, actor auth.Principal, id string, req StatusRequest) (View, error) {
	if !slices.Contains(Statuses, req.Status) {
		return View{}, fmt.Errorf("tickets.SetStatus: %w", ErrStatus)
	}
	agent := IsAgent(actor.Roles)
	settings, err := s.Settings(ctx)
	if err != nil {
		return View{}, err
	}
	saved, err := s.change(ctx, actor, id, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
		if t.Status == StatusClosed {
			return nil, nil, ErrClosed
		}
		if t.Status == req.Status {
			return nil, nil, errNoChange
		}
		from, now := t.Status, s.Now().UTC()
		if err := move(t, req.Status, agent, t.RequesterID == actor.MemberID, now, settings.AutoCloseDays); err != nil {
			return nil, nil, err
		}
		t.UpdatedAt = now
		ev, err := statusEvent(*t, from, actor.MemberID, now)
		return nil, ev, err
	})
	if err != nil {
		return View{}, fmt.Errorf("tickets.SetStatus %s: %w", id, err)
	}
	return s.viewAfter(ctx, actor, saved)
}

// AssignRequest names the agent (empty: unassign).
type AssignRequest struct {
	AssigneeID string `json:"assigneeId" format:"id"`
}

// Assign gives a ticket to an agent (agents; to themselves or another agent).
func (s *Service) Assign(ctx context.Context, actor auth.Principal, id string, req AssignRequest) (View, error) {
	if !IsAgent(actor.Roles) {
		return View{}, fmt.Errorf("tickets.Assign: %w", ErrAgentsOnly)
	}
	name := ""
	if req.AssigneeID != "" {
		var roles []string
		var err error
		name, roles, err = s.Store.MemberName(ctx, req.AssigneeID)
		if err != nil || !IsAgent(roles) {
			return View{}, fmt.Errorf("tickets.Assign: %w", ErrNotAgent)
		}
	}
	saved, err := s.change(ctx, actor, id, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
		if t.Status == StatusClosed {
			return nil, nil, ErrClosed
		}
		if t.AssigneeID == req.AssigneeID {
			// The assignee is told once.
			return nil, nil, errNoChange
		}
		now := s.Now().UTC()
		t.AssigneeID, t.AssigneeName, t.AssigneeDeleted, t.UpdatedAt = req.AssigneeID, name, false, now
		meta := eventtypes.NewMeta(now)
		env, err := eventtypes.Wrap(eventtypes.TicketAssigned{Meta: meta,
			TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject, AssigneeID: req.AssigneeID, AssigneeName: name,
			AssignedBy: actor.MemberID})
		return nil, []eventtypes.Envelope{env}, err
	})
	if err != nil {
		return View{}, fmt.Errorf("tickets.Assign %s: %w", id, err)
	}
	return s.viewAfter(ctx, actor, saved)
}

// OnMemberRolesChanged takes a member who is no longer a support agent off the tickets
// assigned to them (consumer of member.roles_changed): their tickets go back to the
// queue unassigned, so their customers' replies, reopenings and missed targets reach
// every agent again. The member's roles are read as they are now, so a late or
// repeated delivery changes nothing once they are an agent again or nothing is left.
func (s *Service) OnMemberRolesChanged(ctx context.Context, evt eventtypes.MemberRolesChanged) error {
	_, roles, err := s.Store.MemberName(ctx, evt.MemberID)
	if err != nil && !errs.Is(err, errs.ErrNotFound.Code) {
		return fmt.Errorf("tickets.OnMemberRolesChanged %s: %w", evt.EventID, err)
	}
	if err == nil && IsAgent(roles) {
		return nil
	}
	if err := s.UnassignFrom(ctx, evt.MemberID); err != nil {
		return fmt.Errorf("tickets.OnMemberRolesChanged %s: %w", evt.EventID, err)
	}
	return nil
}

// UnassignFrom takes a member off every unclosed ticket assigned to them; each change
// is the usual conditional save with a ticket.assigned event (assignee and assignedBy
// empty: Tribune did it).
func (s *Service) UnassignFrom(ctx context.Context, memberID string) error {
	ids, err := s.Store.AssignedTo(ctx, memberID)
	if err != nil {
		return err
	}
	var failed []error
	for _, id := range ids {
		_, err := s.changeLoaded(ctx, func() (Ticket, error) { return s.Store.GetTicket(ctx, id) }, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
			if t.AssigneeID != memberID || t.Status == StatusClosed {
				return nil, nil, errNoChange
			}
			now := s.Now().UTC()
			t.AssigneeID, t.AssigneeName, t.UpdatedAt = "", "", now
			meta := eventtypes.NewMeta(now)
			env, err := eventtypes.Wrap(eventtypes.TicketAssigned{Meta: meta,
				TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject})
			return nil, []eventtypes.Envelope{env}, err
		})
		if err != nil && !errs.Is(err, errs.ErrNotFound.Code) {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// RateRequest is the requester's satisfaction with a solved ticket.
type RateRequest struct {
	Good    bool   `json:"good"`
	Comment string `json:"comment,omitempty"`
}

// Rate records the requester's satisfaction (solved or closed tickets; a new rating
// replaces the last).
func (s *Service) Rate(ctx context.Context, actor auth.Principal, id string, req RateRequest) (View, error) {
	comment, err := text.Body("comment", req.Comment)
	if err != nil {
		return View{}, fmt.Errorf("tickets.Rate: %w", err)
	}
	req.Comment = comment
	if utf8.RuneCountInString(req.Comment) > 1000 {
		return View{}, fmt.Errorf("tickets.Rate: %w", ErrRatingComment)
	}
	saved, err := s.change(ctx, actor, id, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
		if t.RequesterID != actor.MemberID {
			return nil, nil, ErrNotRequester
		}
		if t.Status != StatusSolved && t.Status != StatusClosed {
			return nil, nil, ErrNotSolved
		}
		if t.Rating != nil && t.Rating.Good == req.Good && t.Rating.Comment == req.Comment {
			return nil, nil, errNoChange
		}
		// A rating's time orders the ratings of a ticket (the satisfaction metric keeps
		// the latest): it is after the ticket's last change, whatever the clock says.
		now := s.Now().UTC()
		if !now.After(t.UpdatedAt) {
			now = t.UpdatedAt.Add(time.Microsecond)
		}
		t.Rating, t.UpdatedAt = &Rating{Good: req.Good, Comment: req.Comment, At: now}, now
		meta := eventtypes.NewMeta(now)
		env, err := eventtypes.Wrap(eventtypes.TicketRated{Meta: meta,
			TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Good: req.Good, AssigneeID: t.AssigneeID})
		return nil, []eventtypes.Envelope{env}, err
	})
	if err != nil {
		return View{}, fmt.Errorf("tickets.Rate %s: %w", id, err)
	}
	return s.viewAfter(ctx, actor, saved)
}

// Page is a page of ticket summaries.
type Page struct {
	Tickets []Summary `json:"tickets"`
	Next    string    `json:"next,omitempty"`
}

// SpaceTickets lists a customer space's tickets, newest first (its members and agents).
func (s *Service) SpaceTickets(ctx context.Context, actor auth.Principal, spaceID, cursor string) (Page, error) {
	if _, err := s.access(ctx, actor, spaceID); err != nil {
		return Page{}, fmt.Errorf("tickets.SpaceTickets %s: %w", spaceID, err)
	}
	list, next, err := s.Store.SpaceTickets(ctx, spaceID, cursor, ListPage)
	if err != nil {
		return Page{}, fmt.Errorf("tickets.SpaceTickets: %w", err)
	}
	now := s.Now()
	for i := range list {
		list[i] = list[i].refresh(now)
	}
	return Page{Tickets: nonNil(list), Next: next}, nil
}

// refresh recomputes a stored summary's flags against now.
func (s Summary) refresh(now time.Time) Summary {
	if !s.NextDue.IsZero() && !s.Breached {
		s.Breached = !now.Before(s.NextDue)
	}
	return s
}

func nonNil(list []Summary) []Summary {
	if list == nil {
		return []Summary{}
	}
	return list
}

// QueueFilter narrows the agents' queue; empty fields match everything, except Status.
type QueueFilter struct {
	// Status is the filter asked for: "" for the unsolved tickets (Unsolved), QueueAll
	// for every queued ticket, or one status other than closed.
	Status     string
	Severity   string
	AssigneeID string
	SpaceID    string
	// Statuses are the statuses listed (any of; nil: all), set by Service.Queue from
	// Status: the store reads these, not Status.
	Statuses []string
}

// Queue is the agents' queue across every customer space: by default the tickets that
// still need work (Unsolved), oldest first, flagged when a target is missed or about to
// be; status=all adds the solved ones. ErrStatus for closed or an unknown status.
func (s *Service) Queue(ctx context.Context, actor auth.Principal, f QueueFilter, cursor string) (Page, error) {
	if !IsAgent(actor.Roles) {
		return Page{}, fmt.Errorf("tickets.Queue: %w", ErrAgentsOnly)
	}
	switch {
	case f.Status == "":
		f.Statuses = Unsolved
	case f.Status == QueueAll:
		f.Statuses = nil
	case slices.Contains(Statuses, f.Status) && f.Status != StatusClosed:
		f.Statuses = []string{f.Status}
	default:
		return Page{}, fmt.Errorf("tickets.Queue: %w", ErrStatus)
	}
	if f.Severity != "" && !slices.Contains(Severities, f.Severity) {
		return Page{}, fmt.Errorf("tickets.Queue: %w", ErrSeverity)
	}
	list, next, err := s.Store.Queue(ctx, f, cursor, QueuePage)
	if err != nil {
		return Page{}, fmt.Errorf("tickets.Queue: %w", err)
	}
	now := s.Now()
	out := make([]Summary, 0, len(list))
	for _, t := range list {
		out = append(out, t.Summary(now))
	}
	return Page{Tickets: out, Next: next}, nil
}
