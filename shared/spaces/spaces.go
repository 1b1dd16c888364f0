// Package spaces holds the places where the community talks: public, closed and hidden
// spaces, who belongs to them and with which space role.
package spaces

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
)

// Visibilities.
const (
	Public = "public" // anyone may read (visitors too, in hybrid mode); members join at once
	Closed = "closed" // listed; content for members; join by request or invitation
	Hidden = "hidden" // unlisted; by invitation only; 404 to everyone else
)

// Kinds of spaces.
var Kinds = []string{"general", "customer", "partner", "project"}

// Space roles and membership statuses.
const (
	RoleOwner     = "owner"
	RoleModerator = "moderator"
	RoleMember    = "member"
	StatusActive  = "active"
	StatusPending = "pending"
	// StatusInvited: a space moderator invited the member, who accepts by joining (the
	// only way into a hidden space).
	StatusInvited = "invited"
	// DirectoryPage is how many spaces a page of the directory lists.
	DirectoryPage = 50
)

// Space is a place to talk.
type Space struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Icon        string    `json:"icon"`
	Visibility  string    `json:"visibility"`
	Kind        string    `json:"kind"`
	CreatedBy   string    `json:"createdBy"`
	CreatedAt   time.Time `json:"createdAt"`
	Members     int       `json:"members"`
}

// Membership is one member in one space.
type Membership struct {
	SpaceID  string    `json:"spaceId"`
	MemberID string    `json:"memberId"`
	Role     string    `json:"role"`
	Status   string    `json:"status"`
	JoinedAt time.Time `json:"joinedAt"`
	// MemberName is the member's display name when they joined, for member lists.
	MemberName string `json:"memberName,omitempty"`
	// InvitedBy is who invited the member (invitations only).
	InvitedBy string `json:"invitedBy,omitempty"`
	// Space summary, copied so "my spaces" is one query.
	SpaceName       string `json:"spaceName"`
	SpaceVisibility string `json:"spaceVisibility"`
}

// Errors.
var (
	ErrNoSpace    = errs.New(errs.NotFound, "space_not_found", "There is no such space.")
	ErrName       = errs.InvalidField("name", "invalid_space_name", "A space name has 1 to 80 characters.")
	ErrDesc       = errs.InvalidField("description", "invalid_space_description", "A description has at most 500 characters.")
	ErrIcon       = errs.InvalidField("icon", "invalid_space_icon", "An icon is one emoji or up to 4 characters.")
	ErrVisibility = errs.InvalidField("visibility", "invalid_visibility", "Visibility is public, closed or hidden.")
	ErrKind       = errs.InvalidField("kind", "invalid_space_kind", "Kind is general, customer, partner or project.")
	ErrNotMember  = errs.New(errs.Forbidden, "not_space_member", "Join this space first.")
	ErrInviteOnly = errs.New(errs.Forbidden, "space_invite_only", "This space is by invitation only.")
	ErrNotManager = errs.New(errs.Forbidden, "not_space_moderator", "Only the space's owner and moderators can do this.")
	ErrNoRequest  = errs.New(errs.NotFound, "join_request_not_found", "There is no such request to join.")
	ErrOwnerLeave = errs.New(errs.Conflict, "owner_cannot_leave", "The owner cannot leave the space; hand it over first.")
	ErrCreate     = errs.New(errs.Forbidden, "space_create_forbidden", "Only staff create spaces; members create project groups when the admins allow it.")
	ErrSpaceRole  = errs.InvalidField("role", "invalid_space_role", "A space role is member or moderator.")
	ErrOwnerRole  = errs.New(errs.Conflict, "owner_role", "The owner's role does not change.")
	ErrNotOwner   = errs.New(errs.Forbidden, "not_space_owner", "Only the space's owner and staff change roles.")
	ErrNoMember   = errs.New(errs.NotFound, "member_not_found", "There is no such member.")
	ErrNotInSpace = errs.New(errs.NotFound, "space_member_not_found", "That member is not in this space.")
)

// Settings are the community's rules about spaces.
type Settings struct {
	// MembersCreateGroups lets any member create project groups (kind "project").
	MembersCreateGroups bool `json:"membersCreateGroups"`
}

// Store is what spaces need from storage.
type Store interface {
	// CreateSpace writes a space with its owner's membership.
	CreateSpace(ctx context.Context, s Space, owner Membership) error
	// SpaceAndMembership reads a space and (nil if none) a member's membership in one round trip.
	SpaceAndMembership(ctx context.Context, spaceID, memberID string) (Space, *Membership, error)
	// SaveMembership writes a membership; becoming active adds one to the space's count.
	SaveMembership(ctx context.Context, m Membership, countsAsNew bool) error
	// DeleteMembership removes a membership, request or invitation, with events (an
	// active member leaving records space.left); the store keeps the member's home
	// stream from showing the space from then on.
	DeleteMembership(ctx context.Context, spaceID, memberID string, wasActive bool, events ...eventtypes.Envelope) error
	// MySpaces lists a member's memberships (pending requests included).
	MySpaces(ctx context.Context, memberID string) ([]Membership, error)
	// JoinRequests lists the pending requests of a space.
	JoinRequests(ctx context.Context, spaceID string) ([]Membership, error)
	// SpaceMembers lists a space's active members and invitations.
	SpaceMembers(ctx context.Context, spaceID string) ([]Membership, error)
	// SpaceDirectory lists public and closed spaces by name.
	SpaceDirectory(ctx context.Context, cursor string, limit int) ([]Space, string, error)
	// DisplayName returns a member's name (errs.ErrNotFound for an unknown member).
	DisplayName(ctx context.Context, memberID string) (string, error)
	// SpaceSettings returns the settings (Settings{} when never saved).
	SpaceSettings(ctx context.Context) (Settings, error)
	SaveSpaceSettings(ctx context.Context, st Settings) error
	// SaveInvitation writes a space invitation with space.invited.
	SaveInvitation(ctx context.Context, m Membership, event eventtypes.Envelope) error
}

// Service is the spaces use cases.
type Service struct {
	Store Store
	Now   func() time.Time
}

// CreateRequest describes a new space.
type CreateRequest struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon,omitempty"`
	Visibility  string `json:"visibility"`
	Kind        string `json:"kind,omitempty"`
}

func (r *CreateRequest) validate() error {
	r.Name, r.Description, r.Icon = strings.TrimSpace(r.Name), strings.TrimSpace(r.Description), strings.TrimSpace(r.Icon)
	if n := utf8.RuneCountInString(r.Name); n < 1 || n > 80 {
		return ErrName
	}
	if utf8.RuneCountInString(r.Description) > 500 {
		return ErrDesc
	}
	if utf8.RuneCountInString(r.Icon) > 4 {
		return ErrIcon
	}
	if r.Visibility != Public && r.Visibility != Closed && r.Visibility != Hidden {
		return ErrVisibility
	}
	if r.Kind == "" {
		r.Kind = "general"
	}
	for _, k := range Kinds {
		if k == r.Kind {
			return nil
		}
	}
	return ErrKind
}

// Create makes a space owned by its creator: staff create any space, members a
// project group when the admins allow it.
func (s *Service) Create(ctx context.Context, actor auth.Principal, req CreateRequest) (Space, error) {
	if err := req.validate(); err != nil {
		return Space{}, fmt.Errorf("spaces.Create: %w", err)
	}
	if !policy.Allowed(actor.Roles, policy.SpacesCreate) {
		st, err := s.Store.SpaceSettings(ctx)
		if err != nil {
			return Space{}, fmt.Errorf("spaces.Create: %w", err)
		}
		if !st.MembersCreateGroups || req.Kind != "project" {
			return Space{}, fmt.Errorf("spaces.Create: %w", ErrCreate)
		}
	}
	name, err := s.Store.DisplayName(ctx, actor.MemberID)
	if err != nil {
		return Space{}, fmt.Errorf("spaces.Create: %w", err)
	}
	now := s.Now().UTC()
	sp := Space{ID: "s_" + strings.ToLower(rand.Text()[:16]), Name: req.Name, Description: req.Description, Icon: req.Icon,
		Visibility: req.Visibility, Kind: req.Kind, CreatedBy: actor.MemberID, CreatedAt: now, Members: 1}
	owner := Membership{SpaceID: sp.ID, MemberID: actor.MemberID, Role: RoleOwner, Status: StatusActive, JoinedAt: now,
		MemberName: name, SpaceName: sp.Name, SpaceVisibility: sp.Visibility}
	if err := s.Store.CreateSpace(ctx, sp, owner); err != nil {
		return Space{}, fmt.Errorf("spaces.Create: %w", err)
	}
	return sp, nil
}

// Access is what a member may do in a space.
type Access struct {
	Space      Space
	Membership *Membership
	Read       bool
	Post       bool
	Moderate   bool
}

// AccessOf decides what actor may do in a space; a hidden space is "not found" to
// anyone who does not belong to it.
func (s *Service) AccessOf(ctx context.Context, actor auth.Principal, spaceID string) (Access, error) {
	sp, m, err := s.Store.SpaceAndMembership(ctx, spaceID, actor.MemberID)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoSpace
	}
	if err != nil {
		return Access{}, fmt.Errorf("spaces.AccessOf %s: %w", spaceID, err)
	}
	active := m != nil && m.Status == StatusActive
	invited := m != nil && m.Status == StatusInvited
	staff := policy.Allowed(actor.Roles, policy.SpacesModerateAll)
	a := Access{Space: sp, Membership: m}
	a.Moderate = staff || (active && (m.Role == RoleOwner || m.Role == RoleModerator))
	a.Read = sp.Visibility == Public || active || staff
	a.Post = active || staff
	// The invited see a hidden space's name (to accept), not its content.
	if sp.Visibility == Hidden && !active && !staff && !invited {
		return Access{}, fmt.Errorf("spaces.AccessOf %s: %w", spaceID, ErrNoSpace)
	}
	return a, nil
}

// now is the service's clock (the real one when Now is unset).
func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Join adds a member to a public space, or files a request to join a closed one.
func (s *Service) Join(ctx context.Context, actor auth.Principal, spaceID string) (Membership, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, err
	}
	if a.Membership != nil && a.Membership.Status == StatusInvited {
		m := *a.Membership
		m.Status, m.JoinedAt = StatusActive, s.Now().UTC()
		if err := s.Store.SaveMembership(ctx, m, true); err != nil {
			return Membership{}, fmt.Errorf("spaces.Join: %w", err)
		}
		return m, nil
	}
	if a.Membership != nil {
		return *a.Membership, nil
	}
	if a.Space.Visibility == Hidden {
		return Membership{}, fmt.Errorf("spaces.Join: %w", ErrInviteOnly)
	}
	name, err := s.Store.DisplayName(ctx, actor.MemberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Join: %w", err)
	}
	m := Membership{SpaceID: spaceID, MemberID: actor.MemberID, Role: RoleMember, Status: StatusActive, JoinedAt: s.Now().UTC(),
		MemberName: name, SpaceName: a.Space.Name, SpaceVisibility: a.Space.Visibility}
	if a.Space.Visibility == Closed {
		m.Status = StatusPending
	}
	if err := s.Store.SaveMembership(ctx, m, m.Status == StatusActive); err != nil {
		return Membership{}, fmt.Errorf("spaces.Join: %w", err)
	}
	return m, nil
}

// Approve turns a request to join into a membership (space owner, moderators, staff).
func (s *Service) Approve(ctx context.Context, actor auth.Principal, spaceID, memberID string) (Membership, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, err
	}
	if !a.Moderate {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", ErrNotManager)
	}
	_, req, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	if req == nil || req.Status != StatusPending {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", ErrNoRequest)
	}
	req.Status, req.JoinedAt = StatusActive, s.Now().UTC()
	if err := s.Store.SaveMembership(ctx, *req, true); err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	return *req, nil
}

// Leave removes the actor from a space (or withdraws their request).
func (s *Service) Leave(ctx context.Context, actor auth.Principal, spaceID string) error {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return err
	}
	if a.Membership == nil {
		return nil
	}
	if a.Membership.Role == RoleOwner {
		return fmt.Errorf("spaces.Leave: %w", ErrOwnerLeave)
	}
	active := a.Membership.Status == StatusActive
	var events []eventtypes.Envelope
	if active {
		// The space's posts leave the member's home stream (feed consumer).
		meta := eventtypes.NewMeta(s.now())
		event, err := eventtypes.NewEnvelope(eventtypes.SourceSpaces, eventtypes.SpaceLeftType, meta, eventtypes.SpaceLeft{Meta: meta,
			SpaceID: spaceID, MemberID: actor.MemberID})
		if err != nil {
			return fmt.Errorf("spaces.Leave: %w", err)
		}
		events = append(events, event)
	}
	if err := s.Store.DeleteMembership(ctx, spaceID, actor.MemberID, active, events...); err != nil {
		return fmt.Errorf("spaces.Leave: %w", err)
	}
	return nil
}

// Requests lists who asks to join a space (space owner, moderators, staff).
func (s *Service) Requests(ctx context.Context, actor auth.Principal, spaceID string) ([]Membership, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return nil, err
	}
	if !a.Moderate {
		return nil, fmt.Errorf("spaces.Requests: %w", ErrNotManager)
	}
	list, err := s.Store.JoinRequests(ctx, spaceID)
	if err != nil {
		return nil, fmt.Errorf("spaces.Requests: %w", err)
	}
	return list, nil
}

// moderated returns the space's access if the actor moderates it.
func (s *Service) moderated(ctx context.Context, actor auth.Principal, spaceID string) (Access, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Access{}, err
	}
	if !a.Moderate {
		return Access{}, ErrNotManager
	}
	return a, nil
}

// Invite invites a member into a space (its owner, moderators, staff); they are told
// and join by accepting. Inviting someone already in the space changes nothing.
func (s *Service) Invite(ctx context.Context, actor auth.Principal, spaceID, memberID string) (Membership, error) {
	a, err := s.moderated(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	name, err := s.Store.DisplayName(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoMember
	}
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	_, current, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	if current != nil && current.Status != StatusPending {
		return *current, nil
	}
	inviter, err := s.Store.DisplayName(ctx, actor.MemberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	now := s.Now().UTC()
	m := Membership{SpaceID: spaceID, MemberID: memberID, Role: RoleMember, Status: StatusInvited, JoinedAt: now, MemberName: name,
		InvitedBy: actor.MemberID, SpaceName: a.Space.Name, SpaceVisibility: a.Space.Visibility}
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.NewEnvelope(eventtypes.SourceSpaces, eventtypes.SpaceInvitedType, meta, eventtypes.SpaceInvited{Meta: meta,
		SpaceID: spaceID, SpaceName: a.Space.Name, MemberID: memberID, InviterID: actor.MemberID, InviterName: inviter})
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	if err := s.Store.SaveInvitation(ctx, m, event); err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	return m, nil
}

// Members lists a space's members and invitations (anyone who may read the space).
func (s *Service) Members(ctx context.Context, actor auth.Principal, spaceID string) ([]Membership, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err == nil && !a.Read {
		err = ErrNotMember
	}
	if err != nil {
		return nil, fmt.Errorf("spaces.Members: %w", err)
	}
	list, err := s.Store.SpaceMembers(ctx, spaceID)
	if err != nil {
		return nil, fmt.Errorf("spaces.Members: %w", err)
	}
	if !a.Moderate {
		// Only moderators see who is invited.
		kept := list[:0]
		for _, m := range list {
			if m.Status == StatusActive {
				kept = append(kept, m)
			}
		}
		list = kept
	}
	return list, nil
}

// SetRole makes a member a space moderator or a plain member again (the space's owner
// or staff).
func (s *Service) SetRole(ctx context.Context, actor auth.Principal, spaceID, memberID, role string) (Membership, error) {
	if role != RoleMember && role != RoleModerator {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", ErrSpaceRole)
	}
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", err)
	}
	owner := a.Membership != nil && a.Membership.Status == StatusActive && a.Membership.Role == RoleOwner
	if !owner && !policy.Allowed(actor.Roles, policy.SpacesModerateAll) {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", ErrNotOwner)
	}
	_, m, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", err)
	}
	if m == nil || m.Status != StatusActive {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", ErrNotInSpace)
	}
	if m.Role == RoleOwner {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", ErrOwnerRole)
	}
	m.Role = role
	if err := s.Store.SaveMembership(ctx, *m, false); err != nil {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", err)
	}
	return *m, nil
}

// Directory lists the spaces anyone may find (public and closed), by name.
func (s *Service) Directory(ctx context.Context, cursor string) ([]Space, string, error) {
	list, next, err := s.Store.SpaceDirectory(ctx, cursor, DirectoryPage)
	if err != nil {
		return nil, "", fmt.Errorf("spaces.Directory: %w", err)
	}
	return list, next, nil
}
