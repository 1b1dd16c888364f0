package notifications

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/locale"
	"tribune/shared/policy"
)

// Kinds of ticket notifications. Customers hear of their ticket (acknowledgement,
// public replies, status changes); agents of new, reopened, assigned and late tickets.
// No ticket event carries an internal note, so none can reach anyone from here.
const (
	KindTicketAck      = "ticket_ack"
	KindTicketOpened   = "ticket_opened"
	KindTicketReply    = "ticket_reply"
	KindTicketStatus   = "ticket_status"
	KindTicketReopened = "ticket_reopened"
	KindTicketAssigned = "ticket_assigned"
	KindTicketBreached = "ticket_breached"
)

// agentRoles are told of tickets nobody is assigned to.
var agentRoles = []string{"support", "admin"}

// agents returns the assignee, or every support agent when there is none or when the
// assignee is no longer an agent (the role was taken away, the account banned or
// deleted, until their tickets are unassigned): a ticket's news never reaches nobody.
func (a *Activity) agents(ctx context.Context, assigneeID string) ([]string, error) {
	if assigneeID != "" {
		to, err := a.Store.Recipient(ctx, assigneeID)
		if err != nil {
			return nil, err
		}
		if to.Active && policy.Allowed(to.Roles, policy.TicketsWork) {
			return []string{assigneeID}, nil
		}
	}
	return a.Store.RoleHolderIDs(ctx, agentRoles...)
}

// OnTicketOpened acknowledges the ticket to its requester (number and expected first
// response) and tells the support agents.
func (a *Activity) OnTicketOpened(ctx context.Context, evt eventtypes.TicketOpened) error {
	n := Notification{TicketID: evt.TicketID, TicketNumber: evt.Number, PostTitle: evt.Subject, ActorID: evt.RequesterID, ActorName: evt.RequesterName}
	ack := n
	// The expected first-response time, in seconds: each reader's language writes it.
	ack.Kind, ack.Detail = KindTicketAck, strconv.FormatInt(evt.FirstResponseTarget, 10)
	err := a.notify(ctx, evt.Meta, ack, evt.RequesterID)
	if err == nil {
		var agents []string
		if agents, err = a.agents(ctx, ""); err == nil {
			n.Kind = KindTicketOpened
			err = a.notify(ctx, evt.Meta, n, except(agents, evt.RequesterID)...)
		}
	}
	if err != nil {
		return fmt.Errorf("notifications.OnTicketOpened %s: %w", evt.EventID, err)
	}
	return nil
}

// OnTicketReplied tells the customer of an agent's public reply, and the assignee (or
// the agents) of the customer's.
func (a *Activity) OnTicketReplied(ctx context.Context, evt eventtypes.TicketReplied) error {
	n := Notification{Kind: KindTicketReply, TicketID: evt.TicketID, TicketNumber: evt.Number, PostTitle: evt.Subject,
		ActorID: evt.AuthorID, ActorName: evt.AuthorName, Detail: evt.Excerpt}
	var to []string
	var err error
	if evt.FromAgent {
		to = []string{evt.RequesterID}
	} else {
		to, err = a.agents(ctx, evt.AssigneeID)
	}
	if err == nil {
		err = a.notify(ctx, evt.Meta, n, except(to, evt.AuthorID)...)
	}
	if err != nil {
		return fmt.Errorf("notifications.OnTicketReplied %s: %w", evt.EventID, err)
	}
	return nil
}

// OnTicketStatusChanged tells the customer where their ticket stands, and the agents
// when a customer reopens one.
func (a *Activity) OnTicketStatusChanged(ctx context.Context, evt eventtypes.TicketStatusChanged) error {
	n := Notification{Kind: KindTicketStatus, TicketID: evt.TicketID, TicketNumber: evt.Number, PostTitle: evt.Subject, Detail: evt.To}
	err := a.notify(ctx, evt.Meta, n, except([]string{evt.RequesterID}, evt.ChangedBy)...)
	if err == nil && evt.Reopened {
		var agents []string
		if agents, err = a.agents(ctx, evt.AssigneeID); err == nil {
			// Agents hear who reopened it (the customer's reply, usually).
			n.Kind, n.ActorID = KindTicketReopened, evt.ChangedBy
			err = a.notify(ctx, evt.Meta, n, except(agents, evt.ChangedBy)...)
		}
	}
	if err != nil {
		return fmt.Errorf("notifications.OnTicketStatusChanged %s: %w", evt.EventID, err)
	}
	return nil
}

// OnTicketAssigned tells the new assignee (unless they took it themselves).
func (a *Activity) OnTicketAssigned(ctx context.Context, evt eventtypes.TicketAssigned) error {
	n := Notification{Kind: KindTicketAssigned, ActorID: evt.AssignedBy, TicketID: evt.TicketID, TicketNumber: evt.Number, PostTitle: evt.Subject}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.AssigneeID}, evt.AssignedBy)...); err != nil {
		return fmt.Errorf("notifications.OnTicketAssigned %s: %w", evt.EventID, err)
	}
	return nil
}

// OnTicketSLABreached tells the assignee, or every agent, that a target was missed.
func (a *Activity) OnTicketSLABreached(ctx context.Context, evt eventtypes.TicketSLABreached) error {
	agents, err := a.agents(ctx, evt.AssigneeID)
	if err == nil {
		err = a.notify(ctx, evt.Meta, Notification{Kind: KindTicketBreached, TicketID: evt.TicketID, TicketNumber: evt.Number,
			PostTitle: evt.Subject, Detail: evt.Target}, agents...)
	}
	if err != nil {
		return fmt.Errorf("notifications.OnTicketSLABreached %s: %w", evt.EventID, err)
	}
	return nil
}

// humanDuration writes a number of seconds as people say it, in a language.
func humanDuration(lang, seconds string) string {
	s, err := strconv.ParseInt(seconds, 10, 64)
	if err != nil {
		return seconds
	}
	return locale.Duration(lang, time.Duration(s)*time.Second)
}
