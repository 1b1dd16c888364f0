// Package newsletters is the community's newsletters (issue 13): marketers write a
// newsletter (one version per language, community blocks that fill themselves per
// recipient), choose a segment of the members who consent to its list, schedule it, and
// the sending path delivers it to each recipient exactly once, through SQS, throttled;
// members choose their lists, unsubscribe in one click, and read the archive. The model,
// states, the delivery guarantee and consent are in docs/newsletters.md.
//
// Three parts, each with files of its own (docs/newsletters.md has a section each):
//   - writing: newsletter*.go, blocks*.go, render*.go, digest*.go, archive*.go;
//   - audience and consent: segment*.go, consent*.go, suppression*.go, unsubscribe*.go;
//   - scheduling, sending and results: send*.go, delivery*.go, results*.go, calendar*.go.
//
// Like every domain package it imports no AWS SDK and no sibling domain: its stores are
// interfaces that shared/store implements, and shared/app wires it.
package newsletters

import (
	"context"
	"time"
)

// Lists a member chooses in their email preferences (docs/newsletters.md, "Consent").
const (
	ListDigest  = "digest"  // the community digest: recurring, built from the blocks
	ListProduct = "product" // product news
	ListEvents  = "events"  // events
)

// Lists are every list, in the order the preferences page shows them.
var Lists = []string{ListDigest, ListProduct, ListEvents}

// States of a newsletter (docs/newsletters.md, "States").
const (
	StateDraft     = "draft"
	StateScheduled = "scheduled"
	StateSending   = "sending"
	StatePaused    = "paused"
	StateCancelled = "cancelled"
	StateSent      = "sent"
)

// Segment chooses members from community data, with no query language: every condition
// set must hold (AND); an empty segment is everyone. Consent to the newsletter's list
// and the suppression list are applied on top, always.
type Segment struct {
	// SpaceIDs: members of at least one of these spaces.
	SpaceIDs []string `json:"spaceIds"`
	// Roles: holders of at least one of these roles (policy.Roles).
	Roles []string `json:"roles"`
	// Languages: members whose language is one of these (locale codes).
	Languages []string `json:"languages"`
	// ActiveDays > 0: active (seen) in the last N days; InactiveDays > 0: not seen in
	// the last N days. At most one of the two.
	ActiveDays   int `json:"activeDays,omitzero"`
	InactiveDays int `json:"inactiveDays,omitzero"`
	// JoinedAfter: members who joined after this time.
	JoinedAfter *time.Time `json:"joinedAfter,omitempty"`
}

// Recipient is one member a newsletter goes to, as the audience froze it when sending
// started.
type Recipient struct {
	MemberID string `json:"memberId"`
	Email    string `json:"email"`
	// Name is the member's display name; Lang their language (picks the version).
	Name string `json:"name"`
	Lang string `json:"lang"`
}

// Rendered is one recipient's newsletter, ready to hand to the mail transport.
type Rendered struct {
	Subject   string
	Preheader string
	HTML      string
	Text      string
	// Headers are extra mail headers (List-Unsubscribe, List-Unsubscribe-Post, ...).
	Headers map[string]string
}

// Renderer (writing) renders newsletter n for recipient r: the version in r's language
// (fallback documented), the personalisation, and the community blocks filled with what
// r may read at the moment of the call.
type Renderer interface {
	Render(ctx context.Context, n Newsletter, r Recipient) (Rendered, error)
}

// Audience (audience and consent) resolves segments against consent and the
// suppression list.
type Audience interface {
	// Count is how many members of seg consent to list and are not suppressed (the live
	// count while a marketer builds the segment).
	Count(ctx context.Context, list string, seg Segment) (int, error)
	// Each calls page with the members of seg who consent to list and are not
	// suppressed, a page (at most 100) at a time: what the sender freezes.
	Each(ctx context.Context, list string, seg Segment, page func([]Recipient) error) error
	// MaySend reports whether r still consents to list and is not suppressed, right
	// before their mail is handed over (an unsubscribe takes effect at once).
	MaySend(ctx context.Context, list string, r Recipient) (bool, error)
	// MaySendAll is MaySend for each of rs at once (at most a claimed group), by member
	// id: one round trip where MaySend would take one each.
	MaySendAll(ctx context.Context, list string, rs []Recipient) (map[string]bool, error)
	// Unsubscribe is the signed one-click unsubscribe link of r from list and the RFC
	// 8058 headers (List-Unsubscribe, List-Unsubscribe-Post) that carry it; the token
	// names newsletterID, so the newsletter's results count the unsubscribe.
	Unsubscribe(r Recipient, list, newsletterID string) (link string, headers map[string]string)
}

// Newsletter is one newsletter (or one issue of a recurring digest). Each part adds its
// fields in its own block below, and nowhere else.
type Newsletter struct {
	ID        string    `json:"id"`
	List      string    `json:"list"`
	State     string    `json:"state"`
	CreatedBy string    `json:"createdBy,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`

	// ---- writing ----
	// Writing is what the editor wrote (newsletter.go); DigestID names the recurring
	// digest this newsletter is an issue of ("" for one written by hand).
	Writing
	DigestID string `json:"digestId,omitempty"`

	// ---- audience and consent ----
	Segment Segment `json:"segment"`

	// ---- scheduling, sending and results ----
	SendAt *time.Time `json:"sendAt,omitempty"`
	// Sending is the schedule and progress of its sending (send.go): nil until the
	// sending part reads it in.
	Sending *SendingStatus `json:"sending,omitempty"`
}
