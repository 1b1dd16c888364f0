package newsletters

import "time"

// Delivery records (docs/newsletters.md, "The delivery guarantee"): when sending
// starts, the audience is frozen into one delivery record per recipient. The sender
// claims a record with a conditional write before the recipient's mail is handed to the
// mail transport, and marks it done after, with the newsletter's counter in the same
// transaction:
//
//	pending --claim--> claimed --done--> sent | skipped | failed
//
// A claim whose sender died (no mark within ClaimLease) may be claimed again by the
// redelivered queue message: the mail is then handed over again with the same message
// id, which the outbox folder and SMTP (Message-ID) deduplicate. Nobody is skipped
// (a pending or abandoned record is always picked up again) and nobody is sent twice
// by a live sender (a claim is exclusive).

// Statuses of a delivery record.
const (
	DeliveryPending = "pending"
	DeliveryClaimed = "claimed"
	DeliverySent    = "sent"
	DeliverySkipped = "skipped" // unsubscribed or suppressed since the audience froze
	DeliveryFailed  = "failed"  // the mail transport refused it
)

// Delivery is one recipient's delivery record.
type Delivery struct {
	NewsletterID string
	Recipient    Recipient
	Status       string
	// Attempts counts the claims (more than one: a sender died holding it).
	Attempts  int
	ClaimedAt *time.Time
	DoneAt    *time.Time
	// Error is the transport's refusal (failed), in English for staff.
	Error string
}

// ClaimLease is how long a claim holds: a sender that has not marked its record
// within it is taken for dead, and a redelivered message may claim the record again.
// A claim covers one group of 10 mails, seconds at any usable rate; it is shorter than
// the queue's visibility timeout (6 min), so a message that comes again after its
// sender died finds that sender's claims run out, unless the claim was made late in a
// long invocation: then the batch leaves its message on the queue (ErrHeld) and the
// next delivery takes them.
const ClaimLease = 2 * time.Minute

// MessageID is the mail message id of a recipient's newsletter: the same for every
// attempt, so a transport that deduplicates keeps a second attempt from arriving.
func MessageID(newsletterID, memberID string) string {
	return "newsletter-" + newsletterID + "-" + memberID
}

// HeaderNewsletter names the newsletter in every mail it sends, so the mail events
// that come back (bounces, complaints) find it (and the SES message tag "newsletter").
const HeaderNewsletter = "X-Tribune-Newsletter"

// Progress are a newsletter's sending counters: exact, each moved in the delivery
// record's own transaction. Remaining is Total less what is done.
type Progress struct {
	Total     int `json:"total"`
	Sent      int `json:"sent"`
	Skipped   int `json:"skipped"`
	Errors    int `json:"errors"`
	Remaining int `json:"remaining"`
}

// Done is how many records are done.
func (p Progress) Done() int { return p.Sent + p.Skipped + p.Errors }
