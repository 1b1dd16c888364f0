// Package spaces holds the places where the community talks: public, closed and hidden
// spaces, who belongs to them and with which space role.
package spaces

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Visibilities.
const (
	Public = "public" // anyone may read (visitors too, in hybrid mode); members join at once
	Closed = "closed" // listed; content for members; join by request or invitation
	Hidden = "hidden" // unlisted; by invitation only; 404 to everyone else
)

// Kinds of spaces. A customer space holds a customer's support tickets (package
// tickets): it is private by construction (see CheckPrivacy).
const (
	KindGeneral  = "general"
	KindCustomer = "customer"
	KindPartner  = "partner"
	KindProject  = "project"
)

// Kinds lists them.
var Kinds = []string{KindGeneral, KindCustomer, KindPartner, KindProject}

// Space roles and membership statuses.
const (
	RoleOwner     = "owner"
	RoleModerator = "moderator"
	RoleMember    = "member"
	// RoleExpert and RoleEditor write the space's knowledge-base articles and upload its
	// documents (issue 16); they do not moderate. An expert is shown as someone who
	// knows the subject, an editor as someone who keeps the space's content in order.
	RoleExpert    = "expert"
	RoleEditor    = "editor"
	StatusActive  = "active"
	StatusPending = "pending"
	// StatusInvited: a space moderator invited the member, who accepts by joining (the
	// only way into a hidden space).
	StatusInvited = "invited"
	// StatusDeclined: a request to join that the space's admitters declined; it is kept
	// DeclineKept so that a repeated or concurrent decline answers the same, and it lets
	// its author ask again at once (no cooldown: see docs/decisions.md, "Issue 10, round
	// 2: joining").
	StatusDeclined = "declined"
	// DeclineKept is how long the answer to a declined request is kept (then a decline
	// repeated answers join_request_not_found).
	DeclineKept = 30 * 24 * time.Hour
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

// Customer reports whether the space is a customer space.
func (sp Space) Customer() bool { return sp.Kind == KindCustomer }

// CheckPrivacy refuses a customer space that anyone could read or join without
// approval: customer spaces are closed (join by approved request) or hidden (by
// invitation). Every write of a space's kind or visibility goes through it, in this
// package and again in the store.
func CheckPrivacy(kind, visibility string) error {
	if kind == KindCustomer && visibility != Closed && visibility != Hidden {
		return ErrCustomerPrivate
	}
	return nil
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
	// InvitedBy is who invited the member (invitations only); ApprovedBy who approved
	// their request.
	InvitedBy  string `json:"invitedBy,omitempty"`
	ApprovedBy string `json:"approvedBy,omitempty"`
	// DeclinedBy is who declined the request, and DeclinedAt when (status declined only).
	DeclinedBy string    `json:"declinedBy,omitempty"`
	DeclinedAt time.Time `json:"declinedAt,omitzero"`
	// Space summary, copied so "my spaces" is one query.
	SpaceName       string `json:"spaceName"`
	SpaceVisibility string `json:"spaceVisibility"`
	// ByRole: a community role gave this membership, and it lasts only while the member
	// holds that role (see RoleGiven): the owner's membership of a space created under a
	// staff role, a support agent's membership of a customer space.
	ByRole bool `json:"-"`
}

// RoleGiven reports whether a membership of space sp came with a community role, and so
// ends when its member no longer holds that role: one marked ByRole, or (written before
// memberships were marked) the owner's of a space only staff create (every kind but a
// project group, which members create when the admins allow it).
func RoleGiven(sp Space, m Membership) bool {
	return m.ByRole || (m.Role == RoleOwner && sp.Kind != KindProject)
}

// HoldsRoleFor reports whether roles still give a role-given membership of sp: support
// agents' in customer spaces, any staff role's in community spaces.
func HoldsRoleFor(sp Space, roles []string) bool {
	if sp.Customer() {
		return policy.Allowed(roles, policy.TicketsWork)
	}
	return policy.Allowed(roles, policy.SpacesCreate)
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
	ErrCreate     = errs.New(errs.Forbidden, "space_create_forbidden", "Only staff create spaces (customer spaces: support agents); members create project groups when the admins allow it.")
	ErrSpaceRole  = errs.InvalidField("role", "invalid_space_role", "A space role is member, moderator, expert or editor.")
	ErrOwnerRole  = errs.New(errs.Conflict, "owner_role", "The owner's role does not change.")
	ErrNotOwner   = errs.New(errs.Forbidden, "not_space_owner", "Only the space's owner and staff change roles (in a customer space, support agents).")
	ErrNoMember   = errs.New(errs.NotFound, "member_not_found", "There is no such member.")
	ErrNotInSpace = errs.New(errs.NotFound, "space_member_not_found", "That member is not in this space.")
	// ErrCustomerPrivate: a customer space is never public (issue 9).
	ErrCustomerPrivate = errs.InvalidField("visibility", "customer_space_private", "A customer space is closed or hidden: only the people support admits see it.")
	// ErrKindFixed: a space never becomes a customer space nor stops being one.
	ErrKindFixed = errs.New(errs.Conflict, "customer_kind_fixed", "A space cannot become a customer space or stop being one; create a new space instead.")
	// ErrNotAdmitter: in a customer space, only support agents admit people.
	ErrNotAdmitter  = errs.New(errs.Forbidden, "customer_space_admission", "Only support agents bring people into a customer space.")
	ErrSettingsBy   = errs.New(errs.Forbidden, "space_settings_forbidden", "Only the space's owner and staff change its visibility; only staff change its kind.")
	ErrSpaceChanged = errs.New(errs.Conflict, "space_changed", "The space changed meanwhile; reload it and try again.")
	// ErrRequestApproved: declining a request someone approved first.
	ErrRequestApproved = errs.New(errs.Conflict, "join_request_approved", "This request was approved already: the member is in the space.")
	// ErrRequestDeclined: approving a request someone declined first.
	ErrRequestDeclined = errs.New(errs.Conflict, "join_request_declined", "This request was declined already; the member may ask again.")
)

// Settings are the community's rules about spaces.
type Settings struct {
	// MembersCreateGroups lets any member create project groups (kind "project").
	MembersCreateGroups bool `json:"membersCreateGroups"`
}

// ErrMembershipChanged is what a store answers when a membership is not as the service
// read it (another request joined, approved, invited or left meanwhile): nothing was
// written, and the service answers the membership as it now is.
var ErrMembershipChanged = errors.New("spaces: the membership changed meanwhile")

// Store is what spaces need from storage. Every count moves in the transaction of the
// membership that justifies it, conditioned on that membership's state, so repeated
// and concurrent requests count once.
type Store interface {
	// CreateSpace writes a space with its owner's membership (nil: a customer space,
	// which has no owner).
	CreateSpace(ctx context.Context, s Space, owner *Membership) error
	// SpaceAndMembership reads a space and (nil if none) a member's membership in one round trip.
	SpaceAndMembership(ctx context.Context, spaceID, memberID string) (Space, *Membership, error)
	// AddMember makes m an active member and adds one to the space's count, in place of
	// what it was: from is "" (nothing: joining a public space), StatusPending (an
	// approved request) or StatusInvited (an accepted invitation), which must still be
	// there. ErrMembershipChanged, writing nothing, when m is active already or what it
	// replaces is gone. The events (space.joined, and space.request_approved for an
	// approval) are written in the same transaction.
	AddMember(ctx context.Context, m Membership, from string, events ...eventtypes.Envelope) error
	// DeclineRequest replaces a pending request by its answer m (status declined, kept
	// DeclineKept) with the event, in one transaction (ErrMembershipChanged, writing
	// nothing, when the request is gone: approved, withdrawn, answered by an invitation,
	// or declined by someone else).
	DeclineRequest(ctx context.Context, m Membership, event eventtypes.Envelope) error
	// DeclinedRequest reads the answer to a member's declined request (nil when none, or
	// older than DeclineKept).
	DeclinedRequest(ctx context.Context, spaceID, memberID string) (*Membership, error)
	// RequestToJoin files a pending request (ErrMembershipChanged when the member
	// belongs, asked or is invited already).
	RequestToJoin(ctx context.Context, m Membership) error
	// SetMemberRole rewrites an active member's role (ErrMembershipChanged once they left).
	SetMemberRole(ctx context.Context, m Membership) error
	// DeleteMembership removes a member's membership, request and invitation, with
	// events (an active member leaving records space.left); the count goes down only when
	// an active membership was there to delete, and the store keeps the member's home
	// stream from showing the space from then on.
	DeleteMembership(ctx context.Context, spaceID, memberID string, wasActive bool, events ...eventtypes.Envelope) error
	// MySpaces lists a member's memberships (pending requests included).
	MySpaces(ctx context.Context, memberID string) ([]Membership, error)
	// JoinRequests lists the pending requests of a space.
	JoinRequests(ctx context.Context, spaceID string) ([]Membership, error)
	// SpaceMembers lists a space's active members and invitations.
	SpaceMembers(ctx context.Context, spaceID string) ([]Membership, error)
	// SpaceDirectory lists listed spaces (public and closed community spaces) by name.
	SpaceDirectory(ctx context.Context, cursor string, limit int) ([]Space, string, error)
	// CustomerSpaces lists the customer spaces by name.
	CustomerSpaces(ctx context.Context, cursor string, limit int) ([]Space, string, error)
	// DisplayName returns a member's name (errs.ErrNotFound for an unknown member).
	DisplayName(ctx context.Context, memberID string) (string, error)
	// SpaceSettings returns the settings (Settings{} when never saved).
	SpaceSettings(ctx context.Context) (Settings, error)
	SaveSpaceSettings(ctx context.Context, st Settings) error
	// SaveInvitation writes a space invitation with space.invited (ErrMembershipChanged,
	// writing nothing, when the member is active or invited already).
	SaveInvitation(ctx context.Context, m Membership, event eventtypes.Envelope) error
	// MemberRoles returns a member's community roles as they are now
	// (errs.ErrNotFound for an unknown member).
	MemberRoles(ctx context.Context, memberID string) ([]string, error)
	// UpdateSpace changes a space's visibility and kind (and its directory listing) with
	// the audit entry, if its kind is still old's (ErrSpaceChanged otherwise); it refuses
	// what CheckPrivacy refuses.
	UpdateSpace(ctx context.Context, old Space, visibility, kind string, entry audit.Entry) error
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
	var err error
	if r.Name, err = text.Line("name", r.Name); err != nil {
		return err
	}
	if r.Description, err = text.Line("description", r.Description); err != nil {
		return err
	}
	if r.Icon, err = text.Line("icon", r.Icon); err != nil {
		return err
	}
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
		r.Kind = KindGeneral
	}
	if !slices.Contains(Kinds, r.Kind) {
		return ErrKind
	}
	return nil
}

// Create makes a space owned by its creator: staff create any space, members a
// project group when the admins allow it. A customer space has no owner: support
// agents run it through their role, checked at each request, so nobody keeps it once
// the role is gone (issue 9, round 4); the owner's membership of a space created under
// a staff role is ByRole and ends with that role (OnMemberRolesChanged).
func (s *Service) Create(ctx context.Context, actor auth.Principal, req CreateRequest) (Space, error) {
	if err := req.validate(); err != nil {
		return Space{}, fmt.Errorf("spaces.Create: %w", err)
	}
	if !policy.Allowed(actor.Roles, policy.SpacesCreate) {
		st, err := s.Store.SpaceSettings(ctx)
		if err != nil {
			return Space{}, fmt.Errorf("spaces.Create: %w", err)
		}
		if !st.MembersCreateGroups || req.Kind != KindProject {
			return Space{}, fmt.Errorf("spaces.Create: %w", ErrCreate)
		}
	}
	// A customer space's owner admits its members: support agents create them.
	if req.Kind == KindCustomer && !policy.Allowed(actor.Roles, policy.TicketsWork) {
		return Space{}, fmt.Errorf("spaces.Create: %w", ErrCreate)
	}
	if err := CheckPrivacy(req.Kind, req.Visibility); err != nil {
		return Space{}, fmt.Errorf("spaces.Create: %w", err)
	}
	name, err := s.Store.DisplayName(ctx, actor.MemberID)
	if err != nil {
		return Space{}, fmt.Errorf("spaces.Create: %w", err)
	}
	now := s.Now().UTC()
	sp := Space{ID: "s_" + strings.ToLower(rand.Text()[:16]), Name: req.Name, Description: req.Description, Icon: req.Icon,
		Visibility: req.Visibility, Kind: req.Kind, CreatedBy: actor.MemberID, CreatedAt: now, Members: 1}
	owner := &Membership{SpaceID: sp.ID, MemberID: actor.MemberID, Role: RoleOwner, Status: StatusActive, JoinedAt: now,
		MemberName: name, SpaceName: sp.Name, SpaceVisibility: sp.Visibility, ByRole: policy.Allowed(actor.Roles, policy.SpacesCreate)}
	if sp.Customer() {
		owner, sp.Members = nil, 0
	}
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
	// Staff: the caller acts as staff in this space (every right, without belonging):
	// community admins and moderators in community spaces; in a customer space, only
	// those who are both (admins).
	Staff bool
	// Admit: the caller may invite people and approve requests to join: the space's
	// owner, moderators and staff; in a customer space, where whoever is admitted reads
	// every ticket, support agents (admin, support) only.
	Admit bool
	// Edit: the caller writes the space's knowledge-base articles and uploads and
	// changes its documents (issue 16): staff, and the active owner, moderators,
	// experts and editors of the space.
	Edit bool
}

// SpaceRoles are the roles SetRole gives (the owner's is not given, it is the
// creator's).
var SpaceRoles = []string{RoleMember, RoleModerator, RoleExpert, RoleEditor}

// Edits reports whether m makes its member an editor of the space's articles and
// documents: an active owner, moderator, expert or editor.
func (m *Membership) Edits() bool {
	return m.Active() && (m.Role == RoleOwner || m.Role == RoleModerator || m.Role == RoleExpert || m.Role == RoleEditor)
}

// staffIn reports whether roles act as staff in a space. In a customer space a
// community moderator role alone reads nothing, nor does a support role alone (agents
// work its tickets, not its posts).
func staffIn(sp Space, roles []string) bool {
	staff := policy.Allowed(roles, policy.SpacesModerateAll)
	if sp.Customer() {
		return staff && policy.Allowed(roles, policy.TicketsWork)
	}
	return staff
}

// AccessOf decides what actor may do in a space; a hidden space is "not found" to
// anyone who does not belong to it or is not invited, and a customer space, closed or
// hidden, to anyone but its members, the invited, those who asked to join before, and
// support agents: its name says who the customer is (support invites whoever needs in).
func (s *Service) AccessOf(ctx context.Context, actor auth.Principal, spaceID string) (Access, error) {
	sp, m, err := s.Store.SpaceAndMembership(ctx, spaceID, actor.MemberID)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoSpace
	}
	if err != nil {
		return Access{}, fmt.Errorf("spaces.AccessOf %s: %w", spaceID, err)
	}
	if sp.Customer() && sp.Visibility == Public {
		// Written before customer spaces were private by construction and not migrated
		// yet (store.MigrateCustomerSpaces): it behaves as closed all the same.
		sp.Visibility = Closed
	}
	active := m != nil && m.Status == StatusActive
	invited := m != nil && m.Status == StatusInvited
	pending := m != nil && m.Status == StatusPending
	staff := staffIn(sp, actor.Roles)
	agent := sp.Customer() && policy.Allowed(actor.Roles, policy.TicketsWork)
	a := Access{Space: sp, Membership: m, Staff: staff}
	a.Moderate = staff || (active && (m.Role == RoleOwner || m.Role == RoleModerator))
	a.Admit = a.Moderate
	if sp.Customer() {
		a.Admit = agent
	}
	a.Read = sp.Visibility == Public || active || staff
	a.Post = active || staff
	a.Edit = staff || m.Edits()
	// The invited see a hidden space's name (to accept), not its content; so do the
	// agents who admit people into a customer space. Nobody else learns that a customer
	// space exists, visitors included; a request filed before (or by the migration of
	// kind 1) stays visible to its author, who knows the name and may withdraw it.
	known := active || staff || invited || agent
	if (sp.Visibility == Hidden && !known) || (sp.Customer() && !known && !pending) {
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

// What a space offers a reader who is no member to join by (SpaceView.JoinOffer).
const (
	OfferJoin    = "join"
	OfferRequest = "request"
	OfferAccept  = "accept"
)

// JoinOffer is what actor may do to become a member: join (a public space, or one they
// admit people into: they would approve their own request), ask to join (a closed
// space), accept an invitation; "" for nothing (a member, a request waiting, a hidden
// space without invitation, a visitor). The web offers exactly this.
func (a Access) JoinOffer(actor auth.Principal) string {
	m := a.Membership
	switch {
	case actor.MemberID == "" || (m != nil && m.Status == StatusActive):
		return ""
	case m != nil && m.Status == StatusInvited:
		return OfferAccept
	case a.Admit || a.Space.Visibility == Public:
		return OfferJoin
	case m != nil && m.Status == StatusPending, a.Space.Visibility == Hidden:
		return ""
	}
	return OfferRequest
}

// Join adds a member to a public space, accepts an invitation, or files a request to
// join a closed one (a customer space is never joined without an approval). Whoever
// admits people into the space (in a customer space, its support agents) joins at once,
// approved by themselves: a request of theirs would wait for their own approval.
// Joining again, or at the same moment, changes nothing more: the membership is written,
// and counted, once.
func (s *Service) Join(ctx context.Context, actor auth.Principal, spaceID string) (Membership, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, err
	}
	now := s.Now().UTC()
	if cur := a.Membership; cur != nil {
		if cur.Status == StatusActive || (cur.Status == StatusPending && a.Space.Visibility != Public && !a.Admit) {
			return *cur, nil
		}
		// An invitation accepted, a request to a space that became public, or one its
		// author now approves themselves.
		m := *cur
		m.Status, m.JoinedAt = StatusActive, now
		m.ByRole = m.ByRole || agentIn(a.Space, actor.Roles)
		if cur.Status == StatusPending && a.Space.Visibility != Public {
			m.ApprovedBy = actor.MemberID
		}
		return s.add(ctx, m, cur.Status, "spaces.Join")
	}
	if a.Space.Visibility == Hidden && !a.Admit {
		return Membership{}, fmt.Errorf("spaces.Join: %w", ErrInviteOnly)
	}
	name, err := s.Store.DisplayName(ctx, actor.MemberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Join: %w", err)
	}
	m := Membership{SpaceID: spaceID, MemberID: actor.MemberID, Role: RoleMember, Status: StatusActive, JoinedAt: now,
		MemberName: name, SpaceName: a.Space.Name, SpaceVisibility: a.Space.Visibility, ByRole: agentIn(a.Space, actor.Roles)}
	if a.Space.Visibility != Public && a.Admit {
		m.ApprovedBy = actor.MemberID
	} else if a.Space.Visibility != Public {
		m.Status = StatusPending
		err := s.Store.RequestToJoin(ctx, m)
		if errors.Is(err, ErrMembershipChanged) {
			return s.membershipNow(ctx, spaceID, actor.MemberID, "spaces.Join")
		}
		if err != nil {
			return Membership{}, fmt.Errorf("spaces.Join: %w", err)
		}
		return m, nil
	}
	return s.add(ctx, m, "", "spaces.Join")
}

// agentIn reports whether someone holding roles enters a customer space as a support
// agent: the membership is then theirs only while they are one (ByRole).
func agentIn(sp Space, roles []string) bool {
	return sp.Customer() && policy.Allowed(roles, policy.TicketsWork)
}

// add makes m an active member in place of what it was (from: "" for nothing); when
// another request got there first, it answers the membership as it now is.
func (s *Service) add(ctx context.Context, m Membership, from, op string) (Membership, error) {
	joined, err := joinedEvent(m)
	if err != nil {
		return Membership{}, fmt.Errorf("%s: %w", op, err)
	}
	err = s.Store.AddMember(ctx, m, from, joined)
	if errors.Is(err, ErrMembershipChanged) {
		return s.membershipNow(ctx, m.SpaceID, m.MemberID, op)
	}
	if err != nil {
		return Membership{}, fmt.Errorf("%s: %w", op, err)
	}
	return m, nil
}

// joinedEvent is space.joined for a membership that becomes active: the feed consumer
// brings the space's recent posts into the member's home stream (docs/streams.md).
func joinedEvent(m Membership) (eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(m.JoinedAt)
	return eventtypes.Wrap(eventtypes.SpaceJoined{Meta: meta,
		SpaceID: m.SpaceID, MemberID: m.MemberID})
}

// membershipNow reads a member's membership after a concurrent change.
func (s *Service) membershipNow(ctx context.Context, spaceID, memberID, op string) (Membership, error) {
	_, m, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err == nil && m == nil {
		err = ErrSpaceChanged
	}
	if err != nil {
		return Membership{}, fmt.Errorf("%s: %w", op, err)
	}
	return *m, nil
}

// Approve turns a request to join into a membership (space owner, moderators, staff;
// in a customer space, support agents), recording space.request_approved (the member
// is told). Only one approval of a request counts; a request declined first is not
// approved (ErrRequestDeclined).
func (s *Service) Approve(ctx context.Context, actor auth.Principal, spaceID, memberID string) (Membership, error) {
	a, err := s.admitter(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	_, req, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	if req == nil || req.Status != StatusPending {
		// Approved already (a repeat, or another moderator): answered as the first
		// approval was, nothing written; declined first, or never asked: refused.
		return s.answered(ctx, "spaces.Approve", spaceID, memberID, req, true)
	}
	m := *req
	m.Status, m.JoinedAt, m.ApprovedBy = StatusActive, s.Now().UTC(), actor.MemberID
	event, err := s.answerEvent(eventtypes.SpaceRequestApprovedType, a.Space, memberID, actor.MemberID, m.JoinedAt)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	joined, err := joinedEvent(m)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	err = s.Store.AddMember(ctx, m, StatusPending, event, joined)
	if errors.Is(err, ErrMembershipChanged) {
		// Approved, declined or withdrawn by someone else meanwhile: the twin approval
		// answers as the one that wrote; a declined request is refused, a withdrawn one
		// is gone.
		return s.answeredNow(ctx, "spaces.Approve", spaceID, memberID, true)
	}
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Approve: %w", err)
	}
	return m, nil
}

// Decline answers no to a request to join (those who approve requests), recording
// space.request_declined (the member is told). The answer is kept DeclineKept: a
// decline repeated, or its twin at the same moment, answers it again and writes
// nothing; a request approved first is not declined (ErrRequestApproved); a request
// withdrawn (or never filed) is join_request_not_found and nothing is written. Its
// author may ask again at once.
func (s *Service) Decline(ctx context.Context, actor auth.Principal, spaceID, memberID string) (Membership, error) {
	a, err := s.admitter(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Decline: %w", err)
	}
	_, req, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Decline: %w", err)
	}
	if req == nil || req.Status != StatusPending {
		return s.answered(ctx, "spaces.Decline", spaceID, memberID, req, false)
	}
	m := *req
	// The answer keeps ids only: it is no list of names, and outlives no account.
	m.Status, m.DeclinedBy, m.DeclinedAt, m.MemberName = StatusDeclined, actor.MemberID, s.Now().UTC(), ""
	event, err := s.answerEvent(eventtypes.SpaceRequestDeclinedType, a.Space, memberID, actor.MemberID, m.DeclinedAt)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Decline: %w", err)
	}
	err = s.Store.DeclineRequest(ctx, m, event)
	if errors.Is(err, ErrMembershipChanged) {
		return s.answeredNow(ctx, "spaces.Decline", spaceID, memberID, false)
	}
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Decline: %w", err)
	}
	return m, nil
}

// answerEvent is space.request_approved or space.request_declined.
func (s *Service) answerEvent(detailType string, sp Space, memberID, by string, at time.Time) (eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(at)
	answer := eventtypes.SpaceRequestAnswered{Meta: meta, SpaceID: sp.ID, SpaceName: sp.Name, MemberID: memberID, By: by}
	if detailType == eventtypes.SpaceRequestDeclinedType {
		return eventtypes.Wrap(eventtypes.SpaceRequestDeclined(answer))
	}
	return eventtypes.Wrap(eventtypes.SpaceRequestApproved(answer))
}

// answeredNow is answered with the membership read again (after a concurrent change).
func (s *Service) answeredNow(ctx context.Context, op, spaceID, memberID string, approving bool) (Membership, error) {
	_, now, err := s.Store.SpaceAndMembership(ctx, spaceID, memberID)
	if err != nil {
		return Membership{}, fmt.Errorf("%s: %w", op, err)
	}
	if now != nil && now.Status == StatusPending {
		// Withdrawn and asked again in between: this answer was about the old request.
		return Membership{}, fmt.Errorf("%s: %w", op, ErrSpaceChanged)
	}
	return s.answered(ctx, op, spaceID, memberID, now, approving)
}

// answered is what approving (or declining) a request answers when there is no pending
// request: the answer already given, when it is the same (an approval repeated: the
// membership; a decline repeated: the kept answer); ErrRequestDeclined or
// ErrRequestApproved when the other answer was given; ErrNoRequest otherwise.
func (s *Service) answered(ctx context.Context, op, spaceID, memberID string, m *Membership, approving bool) (Membership, error) {
	if m != nil && m.Status == StatusActive && m.ApprovedBy != "" {
		if approving {
			return *m, nil
		}
		return Membership{}, fmt.Errorf("%s: %w", op, ErrRequestApproved)
	}
	if m == nil {
		declined, err := s.Store.DeclinedRequest(ctx, spaceID, memberID)
		if err != nil {
			return Membership{}, fmt.Errorf("%s: %w", op, err)
		}
		if declined != nil && !approving {
			return *declined, nil
		}
		if declined != nil {
			return Membership{}, fmt.Errorf("%s: %w", op, ErrRequestDeclined)
		}
	}
	return Membership{}, fmt.Errorf("%s: %w", op, ErrNoRequest)
}

// Leave removes the actor from a space (or withdraws their request). Leaving twice,
// or twice at once, counts once.
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
		event, err := eventtypes.Wrap(eventtypes.SpaceLeft{Meta: meta,
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

// Requests lists who asks to join a space (those who may approve them).
func (s *Service) Requests(ctx context.Context, actor auth.Principal, spaceID string) ([]Membership, error) {
	if _, err := s.admitter(ctx, actor, spaceID); err != nil {
		return nil, fmt.Errorf("spaces.Requests: %w", err)
	}
	list, err := s.Store.JoinRequests(ctx, spaceID)
	if err != nil {
		return nil, fmt.Errorf("spaces.Requests: %w", err)
	}
	return list, nil
}

// admitter returns the space's access if the actor may bring people into it: its
// owner, moderators and staff; in a customer space, support agents only.
func (s *Service) admitter(ctx context.Context, actor auth.Principal, spaceID string) (Access, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	switch {
	case err != nil:
		return Access{}, err
	case !a.Admit && a.Space.Customer() && a.Moderate:
		return Access{}, ErrNotAdmitter
	case !a.Admit:
		return Access{}, ErrNotManager
	}
	return a, nil
}

// Invite invites a member into a space (those who may approve requests); they are
// told and join by accepting. Inviting someone already in the space or invited, or
// twice at once, tells them once.
func (s *Service) Invite(ctx context.Context, actor auth.Principal, spaceID, memberID string) (Membership, error) {
	a, err := s.admitter(ctx, actor, spaceID)
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
	event, err := eventtypes.Wrap(eventtypes.SpaceInvited{Meta: meta,
		SpaceID: spaceID, SpaceName: a.Space.Name, MemberID: memberID, InviterID: actor.MemberID, InviterName: inviter})
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	err = s.Store.SaveInvitation(ctx, m, event)
	if errors.Is(err, ErrMembershipChanged) {
		return s.membershipNow(ctx, spaceID, memberID, "spaces.Invite")
	}
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.Invite: %w", err)
	}
	return m, nil
}

// Members lists a space's members and invitations (anyone who may read the space, and
// those who admit people into it).
func (s *Service) Members(ctx context.Context, actor auth.Principal, spaceID string) ([]Membership, error) {
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err == nil && !a.Read && !a.Admit {
		err = ErrNotMember
	}
	if err != nil {
		return nil, fmt.Errorf("spaces.Members: %w", err)
	}
	list, err := s.Store.SpaceMembers(ctx, spaceID)
	if err != nil {
		return nil, fmt.Errorf("spaces.Members: %w", err)
	}
	if !a.Moderate && !a.Admit {
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

// SetRole gives a member a space role (SpaceRoles: member, moderator, expert, editor),
// by the space's owner or staff; in a customer space, which has no owner, the support
// agents who run it.
func (s *Service) SetRole(ctx context.Context, actor auth.Principal, spaceID, memberID, role string) (Membership, error) {
	if !slices.Contains(SpaceRoles, role) {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", ErrSpaceRole)
	}
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", err)
	}
	if !a.MayChangeSettings() {
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
	// Only while they are still a member: a role never brings back someone who left.
	err = s.Store.SetMemberRole(ctx, *m)
	if errors.Is(err, ErrMembershipChanged) {
		err = ErrNotInSpace
	}
	if err != nil {
		return Membership{}, fmt.Errorf("spaces.SetRole: %w", err)
	}
	return *m, nil
}

// MayChangeSettings reports whether the caller changes the space's visibility: its
// owner and staff, and in a customer space the support agents who run it.
func (a Access) MayChangeSettings() bool {
	owner := a.Membership != nil && a.Membership.Status == StatusActive && a.Membership.Role == RoleOwner
	return owner || a.Staff || (a.Space.Customer() && a.Admit)
}

// SettingsChange is a space's new visibility and kind.
type SettingsChange struct {
	Visibility string `json:"visibility"`
	Kind       string `json:"kind"`
}

// ChangeSettings changes a space's visibility (its owner or staff) and kind (staff).
// A customer space stays closed or hidden, and no space becomes a customer space or
// stops being one: its members were admitted under other rules, and its tickets must
// stay private. The change is in the moderation log.
func (s *Service) ChangeSettings(ctx context.Context, actor auth.Principal, spaceID string, c SettingsChange) (Space, error) {
	if c.Visibility != Public && c.Visibility != Closed && c.Visibility != Hidden {
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", ErrVisibility)
	}
	if !slices.Contains(Kinds, c.Kind) {
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", ErrKind)
	}
	a, err := s.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", err)
	}
	sp := a.Space
	switch {
	case !a.MayChangeSettings(), c.Kind != sp.Kind && !policy.Allowed(actor.Roles, policy.SpacesCreate):
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", ErrSettingsBy)
	case (c.Kind == KindCustomer) != sp.Customer():
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", ErrKindFixed)
	}
	if err := CheckPrivacy(c.Kind, c.Visibility); err != nil {
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", err)
	}
	if c.Visibility == sp.Visibility && c.Kind == sp.Kind {
		return sp, nil
	}
	entry := audit.Entry{At: s.Now().UTC(), ActorID: actor.MemberID, Action: "space.settings", TargetType: "space", TargetID: spaceID,
		Reason: fmt.Sprintf("%s, %s → %s, %s", sp.Kind, sp.Visibility, c.Kind, c.Visibility)}
	if err := s.Store.UpdateSpace(ctx, sp, c.Visibility, c.Kind, entry); err != nil {
		return Space{}, fmt.Errorf("spaces.ChangeSettings: %w", err)
	}
	sp.Visibility, sp.Kind = c.Visibility, c.Kind
	return sp, nil
}

// Directory lists the spaces anyone may find (public and closed community spaces),
// by name. Customer spaces are never listed: their names say who the customers are.
func (s *Service) Directory(ctx context.Context, cursor string) ([]Space, string, error) {
	list, next, err := s.Store.SpaceDirectory(ctx, cursor, DirectoryPage)
	if err != nil {
		return nil, "", fmt.Errorf("spaces.Directory: %w", err)
	}
	// Spaces written before they were unlisted (not migrated yet) are left out too.
	list = slices.DeleteFunc(list, Space.Customer)
	return list, next, nil
}

// CustomerSpaces lists every customer space by name, a page at a time, for the support
// agents who run them (the route's policy: policy.TicketsWork): they belong to none, and
// the directory never lists them.
func (s *Service) CustomerSpaces(ctx context.Context, cursor string) ([]Space, string, error) {
	list, next, err := s.Store.CustomerSpaces(ctx, cursor, DirectoryPage)
	if err != nil {
		return nil, "", fmt.Errorf("spaces.CustomerSpaces: %w", err)
	}
	return list, next, nil
}

// OnMemberRolesChanged ends the memberships a member held by a community role they no
// longer hold (consumer of member.roles_changed; issue 9, round 4): a support agent's
// membership of a customer space once they are no agent, the owner's membership of a
// space created under a staff role once they are no staff. Such a member may come back
// as anyone else does (an invitation, a request, joining a public space). The member's
// roles and memberships are read as they are now, so a late or repeated delivery ends
// nothing more, and nothing once the role is back.
func (s *Service) OnMemberRolesChanged(ctx context.Context, evt eventtypes.MemberRolesChanged) error {
	roles, err := s.Store.MemberRoles(ctx, evt.MemberID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil // a deleted account's memberships go with its erasure
	}
	if err != nil {
		return fmt.Errorf("spaces.OnMemberRolesChanged %s: %w", evt.EventID, err)
	}
	if err := s.EndRoleMemberships(ctx, evt.MemberID, roles); err != nil {
		return fmt.Errorf("spaces.OnMemberRolesChanged %s: %w", evt.EventID, err)
	}
	return nil
}

// EndRoleMemberships ends every membership of a member that a community role gave
// (RoleGiven) and that roles no longer give (HoldsRoleFor).
func (s *Service) EndRoleMemberships(ctx context.Context, memberID string, roles []string) error {
	list, err := s.Store.MySpaces(ctx, memberID)
	if err != nil {
		return err
	}
	var failed []error
	for _, listed := range list {
		sp, m, err := s.Store.SpaceAndMembership(ctx, listed.SpaceID, memberID)
		if errors.Is(err, errs.ErrNotFound) {
			continue
		}
		if err != nil {
			failed = append(failed, err)
			continue
		}
		if m == nil || !RoleGiven(sp, *m) || HoldsRoleFor(sp, roles) {
			continue
		}
		active := m.Status == StatusActive
		var events []eventtypes.Envelope
		if active {
			// The space's posts leave the member's home stream, as when they leave.
			meta := eventtypes.NewMeta(s.now())
			event, err := eventtypes.Wrap(eventtypes.SpaceLeft{Meta: meta,
				SpaceID: sp.ID, MemberID: memberID})
			if err != nil {
				return err
			}
			events = append(events, event)
		}
		if err := s.Store.DeleteMembership(ctx, sp.ID, memberID, active, events...); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}
