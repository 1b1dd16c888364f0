package newsletters

import (
	"context"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Consent is a member's choice about one list, with when and how it was made
// (docs/newsletters.md, "Consent"). A member with no consent recorded for a list is
// not subscribed to it.
type Consent struct {
	List       string    `json:"list"`
	Subscribed bool      `json:"subscribed"`
	At         time.Time `json:"at"`
	// Source is how the choice was made (Source* constants).
	Source string `json:"source"`
	// NewsletterID is the newsletter whose unsubscribe link made the choice, if any.
	NewsletterID string `json:"newsletterId,omitempty"`
}

// Sources of a consent record.
const (
	// SourceSignUp: the list's default for new members when the member joined.
	SourceSignUp = "sign-up"
	// SourcePreferences: the member's own choice on their email preferences page.
	SourcePreferences = "preferences"
	// SourceOneClick: the mail client's one-click unsubscribe (RFC 8058).
	SourceOneClick = "one-click"
	// SourceUnsubscribePage: the unsubscribe link of a newsletter, confirmed on its page.
	SourceUnsubscribePage = "unsubscribe-page"
)

// ConsentSources are every source, for the API's enum.
var ConsentSources = []string{SourceSignUp, SourcePreferences, SourceOneClick, SourceUnsubscribePage}

// ListSettings are the admins' choices about the lists: each list's default for new
// members (the consent recorded when they join, source "sign-up").
type ListSettings struct {
	Defaults map[string]bool `json:"defaults"`
}

// DefaultListSettings are the lists' defaults until an admin changes them: the
// community digest on (what Discourse does: a digest of the community is what members
// joined for), product news and events off (marketing mail needs the member's own yes).
func DefaultListSettings() ListSettings {
	return ListSettings{Defaults: map[string]bool{ListDigest: true, ListProduct: false, ListEvents: false}}
}

// ErrListDefaults: the defaults name a list that does not exist, or miss one.
var ErrListDefaults = errs.InvalidField("defaults", "newsletter_list_defaults", "Give a default (on or off) for each list: community digest, product news, events.")

// Validate checks that settings give a default for every list and no other.
func (s ListSettings) Validate() error {
	if len(s.Defaults) != len(Lists) {
		return ErrListDefaults
	}
	for _, l := range Lists {
		if _, ok := s.Defaults[l]; !ok {
			return ErrListDefaults
		}
	}
	return nil
}

// Preferences are a member's consent to every list, in the order of Lists.
type Preferences struct {
	Lists []Consent `json:"lists"`
}

// PreferencesInput is what the email preferences page saves: the lists the member
// subscribes to (true) or not (false). Lists it leaves out stay as they are.
type PreferencesInput struct {
	Lists map[string]bool `json:"lists"`
}

// AudienceStore is what the audience reads and writes (shared/store implements it).
type AudienceStore interface {
	// EachCandidate calls page with the members who consent to list (spaceIDs empty),
	// or the members of at least one of spaceIDs (each once), a page of at most
	// AudiencePage at a time, with their profile, consent, suppression and (when
	// activity) last activity.
	EachCandidate(ctx context.Context, list string, spaceIDs []string, activity bool, page func([]Candidate) error) error
	// Candidate is one member as EachCandidate reads them (false: no such member).
	Candidate(ctx context.Context, list, memberID string) (Candidate, bool, error)
	// ReachAll is what MaySendAll reads, in one round trip for up to 33 recipients whose
	// frozen address is their current one: each one's profile, consent to list, and
	// whether their frozen (or current) address is suppressed, by member id (absent: no
	// such member).
	ReachAll(ctx context.Context, list string, rs []Recipient) (map[string]Candidate, error)
	// SpacesExist reports whether every one of ids is a space.
	SpacesExist(ctx context.Context, ids []string) (bool, error)

	// Consents are a member's recorded choices (any order, missing lists absent).
	Consents(ctx context.Context, memberID string) ([]Consent, error)
	// SetConsents records choices of a member, with an event for each change.
	SetConsents(ctx context.Context, memberID string, cs []Consent, events []eventtypes.Envelope) error
	// SignUpConsents records the defaults of a new member, for each list with no
	// choice yet (a choice made meanwhile is kept).
	SignUpConsents(ctx context.Context, memberID string, cs []Consent) error
	// ListSettings are the lists' settings (DefaultListSettings until saved).
	ListSettings(ctx context.Context) (ListSettings, error)
	SaveListSettings(ctx context.Context, s ListSettings) error

	// SpendUnsubscribe records a one-click unsubscribe token as used, with the consent
	// it records and its event, in one transaction; ErrUnsubscribeUsed if it was used.
	SpendUnsubscribe(ctx context.Context, nonce string, expires time.Time, memberID string, c Consent, event eventtypes.Envelope) error
	// UnsubscribeSpent reports whether a token was used.
	UnsubscribeSpent(ctx context.Context, nonce string) (bool, error)

	// Suppress puts an address on the suppression list (kept if there), with event.
	Suppress(ctx context.Context, s Suppression, event eventtypes.Envelope) error
	// Suppressions lists the suppression list, newest first, a page at a time.
	Suppressions(ctx context.Context, cursor string, limit int) (SuppressionPage, error)
	// Suppression is an address's entry on the suppression list (false: not on it).
	Suppression(ctx context.Context, email string) (Suppression, bool, error)
	// Unsuppress takes an address off the suppression list (errs.ErrNotFound if absent).
	Unsuppress(ctx context.Context, email string) error
	// MemberByEmail is the member holding an address ("" for none).
	MemberByEmail(ctx context.Context, email string) (string, error)
	// Publish records an event alone (the mail events consumer's delivery events),
	// once per id.
	Publish(ctx context.Context, event eventtypes.Envelope) error
}

// AudienceService implements the newsletters' Audience over a store: segments resolved
// against consent and the suppression list, and one-click unsubscribe with signed
// tokens.
type AudienceService struct {
	Store AudienceStore
	Now   func() time.Time
	// PublicURL is where members reach the web app (the unsubscribe links).
	PublicURL string
	// Key signs the unsubscribe tokens (Signer).
	Key func() ([]byte, error)
}

var _ Audience = (*AudienceService)(nil)

// Count implements the Audience interface.
func (a *AudienceService) Count(ctx context.Context, list string, seg Segment) (int, error) {
	n := 0
	err := a.Each(ctx, list, seg, func(rs []Recipient) error {
		n += len(rs)
		return nil
	})
	return n, err
}

// Check validates list and seg (its spaces exist) and returns seg normalised.
func (a *AudienceService) Check(ctx context.Context, list string, seg Segment) (Segment, error) {
	if !ValidList(list) {
		return Segment{}, ErrUnknownList
	}
	seg, err := seg.Validate(a.Now())
	if err != nil {
		return Segment{}, err
	}
	if len(seg.SpaceIDs) > 0 {
		ok, err := a.Store.SpacesExist(ctx, seg.SpaceIDs)
		if err != nil {
			return Segment{}, err
		}
		if !ok {
			return Segment{}, ErrSegmentSpace
		}
	}
	return seg, nil
}

// Each implements the Audience interface: the store's candidates, kept when reachable
// and matching, handed over a page at a time (pages of the store, so never more than
// AudiencePage, and memory stays flat however large the audience).
func (a *AudienceService) Each(ctx context.Context, list string, seg Segment, page func([]Recipient) error) error {
	seg, err := a.Check(ctx, list, seg)
	if err != nil {
		return err
	}
	now := a.Now()
	out := make([]Recipient, 0, AudiencePage)
	return a.Store.EachCandidate(ctx, list, seg.SpaceIDs, seg.NeedsActivity(), func(cs []Candidate) error {
		out = out[:0]
		for _, c := range cs {
			if c.Reachable() && seg.Matches(c, now) {
				out = append(out, c.Recipient())
			}
		}
		if len(out) == 0 {
			return nil
		}
		return page(out)
	})
}

// MaySend implements the Audience interface: the member still consents to the list,
// their account is active, and neither r's address (the one the audience froze) nor
// their current one is suppressed. One DynamoDB round trip (two when the member changed
// their address since the freeze).
func (a *AudienceService) MaySend(ctx context.Context, list string, r Recipient) (bool, error) {
	may, err := a.MaySendAll(ctx, list, []Recipient{r})
	return may[r.MemberID], err
}

// MaySendAll implements the Audience interface: MaySend for each of rs in one round
// trip (the sender asks for a claimed group of 10 at once), by member id.
func (a *AudienceService) MaySendAll(ctx context.Context, list string, rs []Recipient) (map[string]bool, error) {
	if !ValidList(list) {
		return nil, ErrUnknownList
	}
	cs, err := a.Store.ReachAll(ctx, list, rs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(rs))
	for _, r := range rs {
		c, ok := cs[r.MemberID]
		out[r.MemberID] = ok && c.Reachable()
	}
	return out, nil
}
