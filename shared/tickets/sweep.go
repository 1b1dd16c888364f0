package tickets

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Sweep is the scheduled job: it closes solved tickets nobody answered within the
// auto-close delay, and flags (once) each target a ticket missed, with
// ticket.sla_breached. Runs every few minutes; running it twice changes nothing more.
func (s *Service) Sweep(ctx context.Context) (closed, breached int, err error) {
	now := s.Now().UTC()
	var failed []error
	ids, err := s.Store.AutoCloseDue(ctx, now)
	if err != nil {
		return 0, 0, fmt.Errorf("tickets.Sweep: %w", err)
	}
	for _, id := range ids {
		_, err := s.changeLoaded(ctx, func() (Ticket, error) { return s.Store.GetTicket(ctx, id) }, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
			if t.Status != StatusSolved || t.AutoCloseAt == nil || t.AutoCloseAt.After(now) {
				return nil, nil, errNothingToDo
			}
			t.Status, t.AutoCloseAt, t.UpdatedAt = StatusClosed, nil, now
			ev, err := statusEvent(*t, StatusSolved, "", now)
			return nil, ev, err
		})
		switch {
		case err == nil:
			closed++
		case !errors.Is(err, errNothingToDo):
			failed = append(failed, err)
		}
	}
	ids, err = s.Store.DueTickets(ctx, now)
	if err != nil {
		return closed, 0, fmt.Errorf("tickets.Sweep: %w", err)
	}
	for _, id := range ids {
		_, err := s.changeLoaded(ctx, func() (Ticket, error) { return s.Store.GetTicket(ctx, id) }, func(t *Ticket) (*Reply, []eventtypes.Envelope, error) {
			due, ok := t.NextTarget()
			target := TargetResolution
			switch {
			case !ok || due.After(now):
				return nil, nil, errNothingToDo
			case t.FirstResponseAt == nil && !t.FirstResponseBreach:
				t.FirstResponseBreach, target = true, TargetFirstResponse
			default:
				t.ResolutionBreach = true
			}
			meta := eventtypes.NewMeta(now)
			env, err := eventtypes.Wrap(eventtypes.TicketSLABreached{
				Meta: meta, TicketID: t.ID, Number: t.Number, SpaceID: t.SpaceID, Subject: t.Subject, Severity: t.Severity,
				Target: target, Due: due, AssigneeID: t.AssigneeID})
			return nil, []eventtypes.Envelope{env}, err
		})
		switch {
		case err == nil:
			breached++
		case !errors.Is(err, errNothingToDo):
			failed = append(failed, err)
		}
	}
	if closed+breached > 0 {
		slog.InfoContext(ctx, "tickets swept", "closed", closed, "breached", breached)
	}
	return closed, breached, errors.Join(failed...)
}

// errNothingToDo ends a sweep step whose ticket changed meanwhile.
var errNothingToDo = errs.New(errs.Conflict, "nothing_to_do", "The ticket needs nothing.")
