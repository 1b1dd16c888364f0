package newsletters

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/text"
)

// Suppression is an address on the suppression list: no newsletter of any list goes
// to it again (docs/newsletters.md, "Suppression list"). A hard (permanent) bounce or a
// complaint puts it there; an admin may take it off (the member fixed their mailbox).
type Suppression struct {
	Email  string    `json:"email"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	// MemberID is the member who held the address then, if any.
	MemberID string `json:"memberId,omitempty"`
	// NewsletterID is the newsletter whose mail bounced or was complained about.
	NewsletterID string `json:"newsletterId,omitempty"`
	// Detail is the receiving server's diagnostic or the complaint's feedback type.
	Detail string `json:"detail,omitempty"`
}

// Reasons an address is suppressed.
const (
	ReasonBounce    = "bounce"
	ReasonComplaint = "complaint"
)

// SuppressionReasons are every reason, for the API's enum.
var SuppressionReasons = []string{ReasonBounce, ReasonComplaint}

// SuppressionPage is a page of the suppression list.
type SuppressionPage struct {
	Items []Suppression `json:"items"`
	Next  string        `json:"next,omitempty"`
}

// OpenAPIEnums documents the suppression reasons.
func (Suppression) OpenAPIEnums() map[string][]string {
	return map[string][]string{"reason": SuppressionReasons}
}

// MaxDetailBytes bounds a suppression's diagnostic text.
const MaxDetailBytes = 300

// ---- mail events: SES v2 configuration set events, as EventBridge carries them ----

// SESEvent is the detail of an SES v2 configuration set event on EventBridge (source
// aws.ses; detail types "Email Bounced", "Email Complaint Received", "Email Delivered"):
// the fields the audience and the results read. The same JSON comes from the
// development route that simulates a bounce and a complaint under make run.
type SESEvent struct {
	EventType string `json:"eventType"`
	Mail      struct {
		MessageID   string              `json:"messageId"`
		Timestamp   time.Time           `json:"timestamp"`
		Destination []string            `json:"destination"`
		Tags        map[string][]string `json:"tags"`
		Headers     []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"headers"`
	} `json:"mail"`
	Bounce *struct {
		BounceType        string `json:"bounceType"`
		BounceSubType     string `json:"bounceSubType"`
		BouncedRecipients []struct {
			EmailAddress   string `json:"emailAddress"`
			DiagnosticCode string `json:"diagnosticCode"`
		} `json:"bouncedRecipients"`
		Timestamp time.Time `json:"timestamp"`
	} `json:"bounce,omitempty"`
	Complaint *struct {
		ComplainedRecipients []struct {
			EmailAddress string `json:"emailAddress"`
		} `json:"complainedRecipients"`
		ComplaintFeedbackType string    `json:"complaintFeedbackType"`
		Timestamp             time.Time `json:"timestamp"`
	} `json:"complaint,omitempty"`
	Delivery *struct {
		Recipients []string  `json:"recipients"`
		Timestamp  time.Time `json:"timestamp"`
	} `json:"delivery,omitempty"`
}

// SES event types (eventType) and their EventBridge detail types.
const (
	SESBounce    = "Bounce"
	SESComplaint = "Complaint"
	SESDelivery  = "Delivery"

	SESSource              = "aws.ses"
	SESBouncedDetail       = "Email Bounced"
	SESComplaintDetail     = "Email Complaint Received"
	SESDeliveredDetail     = "Email Delivered"
	NewsletterHeader       = "X-Tribune-Newsletter"
	NewsletterTag          = "newsletter"
	permanentBounce        = "Permanent"
	maxRecipientsPerSESEvt = 50
)

// NewsletterID is the newsletter a mail belonged to: its message tag "newsletter" (SES
// EmailTags) or its X-Tribune-Newsletter header ("" for other mail).
func (e SESEvent) NewsletterID() string {
	if v := e.Mail.Tags[NewsletterTag]; len(v) > 0 {
		return v[0]
	}
	for _, h := range e.Mail.Headers {
		if strings.EqualFold(h.Name, NewsletterHeader) {
			return h.Value
		}
	}
	return ""
}

// MailEvents turns SES's configuration set events into the suppression list and the
// domain's mail events (mail.bounced, mail.complained, mail.delivered), which the
// results count per newsletter.
type MailEvents struct {
	Store AudienceStore
	Now   func() time.Time
}

// ErrBadMailEvent: a mail event the consumer cannot read (dropped, logged by the caller).
var ErrBadMailEvent = errs.New(errs.Invalid, "mail_event_invalid", "This mail event cannot be read.")

// Handle handles one SES event whose EventBridge id is eventID: each hard-bounced or
// complaining address is suppressed (for every list) with its event, in one
// transaction per address; a soft bounce and a delivery are only told. Event ids are
// derived from eventID, so a redelivered SES event writes nothing twice.
func (m *MailEvents) Handle(ctx context.Context, eventID string, e SESEvent) error {
	if eventID == "" {
		return ErrBadMailEvent
	}
	nl := e.NewsletterID()
	at := m.Now().UTC()
	meta := func(i int, kind string) eventtypes.Meta {
		return eventtypes.Meta{EventID: derivedID(eventID, kind, i), OccurredAt: at}
	}
	switch e.EventType {
	case SESBounce:
		if e.Bounce == nil {
			return ErrBadMailEvent
		}
		permanent := e.Bounce.BounceType == permanentBounce
		for i, r := range e.Bounce.BouncedRecipients {
			if i == maxRecipientsPerSESEvt {
				break
			}
			email, ok := text.NormalizeEmail(r.EmailAddress)
			if !ok {
				continue
			}
			member, err := m.Store.MemberByEmail(ctx, email)
			if err != nil {
				return err
			}
			env, err := eventtypes.Wrap(eventtypes.MailBounced{Meta: meta(i, "b"), Email: email, MemberID: member, NewsletterID: nl,
				MessageID: e.Mail.MessageID, Permanent: permanent, BounceType: e.Bounce.BounceType, BounceSubType: e.Bounce.BounceSubType})
			if err != nil {
				return err
			}
			if !permanent {
				if err := m.Store.Publish(ctx, env); err != nil {
					return err
				}
				continue
			}
			s := Suppression{Email: email, Reason: ReasonBounce, At: at, MemberID: member, NewsletterID: nl, Detail: clip(r.DiagnosticCode)}
			if err := m.Store.Suppress(ctx, s, env); err != nil {
				return err
			}
		}
	case SESComplaint:
		if e.Complaint == nil {
			return ErrBadMailEvent
		}
		for i, r := range e.Complaint.ComplainedRecipients {
			if i == maxRecipientsPerSESEvt {
				break
			}
			email, ok := text.NormalizeEmail(r.EmailAddress)
			if !ok {
				continue
			}
			member, err := m.Store.MemberByEmail(ctx, email)
			if err != nil {
				return err
			}
			env, err := eventtypes.Wrap(eventtypes.MailComplained{Meta: meta(i, "c"), Email: email, MemberID: member, NewsletterID: nl,
				MessageID: e.Mail.MessageID, FeedbackType: e.Complaint.ComplaintFeedbackType})
			if err != nil {
				return err
			}
			s := Suppression{Email: email, Reason: ReasonComplaint, At: at, MemberID: member, NewsletterID: nl, Detail: clip(e.Complaint.ComplaintFeedbackType)}
			if err := m.Store.Suppress(ctx, s, env); err != nil {
				return err
			}
		}
	case SESDelivery:
		n := 1
		if e.Delivery != nil && len(e.Delivery.Recipients) > 0 {
			n = len(e.Delivery.Recipients)
		}
		env, err := eventtypes.Wrap(eventtypes.MailDelivered{Meta: meta(0, "d"), NewsletterID: nl, MessageID: e.Mail.MessageID, Recipients: n})
		if err != nil {
			return err
		}
		return m.Store.Publish(ctx, env)
	default:
		// Other SES events (send, open, click, reject...) are not routed here.
		return nil
	}
	return nil
}

// DecodeSES reads an SES event detail.
func DecodeSES(detail []byte) (SESEvent, error) {
	var e SESEvent
	if err := json.Unmarshal(detail, &e); err != nil {
		return SESEvent{}, ErrBadMailEvent
	}
	return e, nil
}

// derivedID is the id of the i-th event of kind an SES event leads to.
func derivedID(eventID, kind string, i int) string {
	return "ses-" + eventID + "-" + kind + string(rune('0'+i/10)) + string(rune('0'+i%10))
}

func clip(s string) string {
	if len(s) <= MaxDetailBytes {
		return s
	}
	return strings.ToValidUTF8(s[:MaxDetailBytes], "")
}
