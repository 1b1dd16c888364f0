package newsletters

import (
	"slices"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/locale"
	"tribune/shared/policy"
)

// Limits of a segment (docs/newsletters.md, "Audience and consent").
const (
	// MaxSegmentSpaces bounds the spaces of a segment: each is read on its own, and a
	// member in several of them is counted once.
	MaxSegmentSpaces = 20
	// MaxSegmentDays bounds "active" and "inactive in the last N days" (ten years).
	MaxSegmentDays = 3650
	// AudiencePage is how many recipients Each hands over at a time.
	AudiencePage = 100
)

// Errors of segments and lists.
var (
	ErrUnknownList   = errs.InvalidField("list", "newsletter_list_unknown", "Choose one of the lists: community digest, product news, events.")
	ErrSegmentSpaces = errs.InvalidField("segment.spaceIds", "segment_spaces", "Choose at most 20 spaces, each once.")
	ErrSegmentSpace  = errs.InvalidField("segment.spaceIds", "segment_space_unknown", "One of the chosen spaces does not exist any more.")
	ErrSegmentRoles  = errs.InvalidField("segment.roles", "segment_roles", "Roles must be among: admin, moderator, support, marketer, member.")
	ErrSegmentLangs  = errs.InvalidField("segment.languages", "segment_languages", "Languages must be among: English, French.")
	ErrSegmentDays   = errs.InvalidField("segment.activeDays", "segment_days", "The number of days must be between 1 and 3650, and a segment is either active or inactive, not both.")
	ErrSegmentJoined = errs.InvalidField("segment.joinedAfter", "segment_joined_after", "The date members joined after must not be in the future.")
	ErrEmptyAudience = errs.InvalidField("segment", "audience_empty", "Nobody in this audience would receive the newsletter: widen the segment.")
)

// ValidList reports whether list is one of Lists.
func ValidList(list string) bool { return slices.Contains(Lists, list) }

// Validate checks a segment's conditions (not that its spaces exist: the Audience
// does, it reads them) and returns it normalised: lists sorted, each value once. Every
// wrong condition is reported at once (errs.Fields).
func (s Segment) Validate(now time.Time) (Segment, error) {
	norm := func(in []string) []string {
		out := slices.Clone(in)
		slices.Sort(out)
		return slices.Compact(out)
	}
	var problems []error
	out := s
	out.SpaceIDs, out.Roles, out.Languages = norm(s.SpaceIDs), norm(s.Roles), norm(s.Languages)
	if len(out.SpaceIDs) != len(s.SpaceIDs) || len(out.SpaceIDs) > MaxSegmentSpaces || slices.Contains(out.SpaceIDs, "") ||
		slices.ContainsFunc(out.SpaceIDs, func(id string) bool { return len(id) > 64 }) {
		problems = append(problems, ErrSegmentSpaces)
	}
	if slices.ContainsFunc(out.Roles, func(r string) bool { return !policy.ValidRole(r) }) {
		problems = append(problems, ErrSegmentRoles)
	}
	if slices.ContainsFunc(out.Languages, func(l string) bool { return !locale.Valid(l) }) {
		problems = append(problems, ErrSegmentLangs)
	}
	if out.ActiveDays < 0 || out.InactiveDays < 0 || out.ActiveDays > MaxSegmentDays || out.InactiveDays > MaxSegmentDays ||
		(out.ActiveDays > 0 && out.InactiveDays > 0) {
		problems = append(problems, ErrSegmentDays)
	}
	if out.JoinedAfter != nil {
		if out.JoinedAfter.After(now) {
			problems = append(problems, ErrSegmentJoined)
		}
		t := out.JoinedAfter.UTC()
		out.JoinedAfter = &t
	}
	if err := errs.Fields(problems); err != nil {
		return Segment{}, err
	}
	if out.SpaceIDs == nil {
		out.SpaceIDs = []string{}
	}
	if out.Roles == nil {
		out.Roles = []string{}
	}
	if out.Languages == nil {
		out.Languages = []string{}
	}
	return out, nil
}

// NeedsActivity reports whether the segment reads members' last activity.
func (s Segment) NeedsActivity() bool { return s.ActiveDays > 0 || s.InactiveDays > 0 }

// Candidate is a member as the audience store reads them for a list: their profile,
// their consent to the list, whether their address is on the suppression list, and
// when they were last active (zero: never, as far as the audience knows).
type Candidate struct {
	MemberID     string
	Email        string
	Name         string
	Lang         string
	Roles        []string
	Status       string
	JoinedAt     time.Time
	LastActiveAt time.Time
	// Consents: the member's consent to the list stands (subscribed).
	Consents bool
	// Suppressed: the address is on the suppression list (a hard bounce or a complaint).
	Suppressed bool
}

// Reachable reports whether a newsletter of the list may go to c at all: an active
// account that consents to the list, at an address not suppressed.
func (c Candidate) Reachable() bool {
	return c.Status == auth.StatusActive && c.Consents && !c.Suppressed && c.Email != ""
}

// Matches reports whether c meets every condition of s at now (spaces are the
// store's: it reads only members of the segment's spaces).
func (s Segment) Matches(c Candidate, now time.Time) bool {
	if len(s.Roles) > 0 && !slices.ContainsFunc(s.Roles, func(r string) bool { return slices.Contains(c.Roles, r) }) {
		return false
	}
	if len(s.Languages) > 0 && !slices.Contains(s.Languages, langOf(c.Lang)) {
		return false
	}
	if s.ActiveDays > 0 && c.LastActiveAt.Before(now.AddDate(0, 0, -s.ActiveDays)) {
		return false
	}
	if s.InactiveDays > 0 && !c.LastActiveAt.Before(now.AddDate(0, 0, -s.InactiveDays)) {
		return false
	}
	if s.JoinedAfter != nil && !c.JoinedAt.After(*s.JoinedAfter) {
		return false
	}
	return true
}

// langOf is a member's language as segments name it (the default for none).
func langOf(l string) string {
	if locale.Valid(l) {
		return l
	}
	return locale.Default
}

// Recipient is the candidate as the sender sees them.
func (c Candidate) Recipient() Recipient {
	return Recipient{MemberID: c.MemberID, Email: c.Email, Name: c.Name, Lang: langOf(c.Lang)}
}
