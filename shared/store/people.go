package store

import (
	"tribune/shared/auth"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/spaces"
)

// Per-domain stores of people, spaces and support (the pattern: domains.go). Members,
// Spaces and Invitations hold their domain's methods (members.go, profiles.go,
// social.go, rules.go, activity.go and erasure.go; spaces.go; invitations.go); Tickets
// is in tickets.go. What one of them reads or writes of another's items goes through
// that one's store (s.Spaces().MySpaces in the erasure) or is in crossdomain.go.

// Members stores members: registration, sign-in, sessions, profiles and the
// directory, social identities, privacy (export, deletion), the rules, avatars.
type Members struct{ *Store }

// Spaces stores spaces, their memberships, requests, invitations and settings.
type Spaces struct{ *Store }

// Invitations stores invitations to the community and the claims of their addresses.
type Invitations struct{ *Store }

var (
	_ members.Store        = (*Members)(nil)
	_ members.SocialStore  = (*Members)(nil)
	_ members.PrivacyStore = (*Members)(nil)
	_ members.ErasureStore = (*Members)(nil)
	_ members.RulesStore   = (*Members)(nil)
	_ members.AvatarStore  = (*Members)(nil)
	_ auth.SessionStore    = (*Members)(nil)
	_ spaces.Store         = (*Spaces)(nil)
	_ invitations.Store    = (*Invitations)(nil)
	_ invitations.Names    = (*Invitations)(nil)
)

// Members is the store of members over the core.
func (s *Store) Members() *Members { return &Members{s} }

// Spaces is the store of spaces over the core.
func (s *Store) Spaces() *Spaces { return &Spaces{s} }

// Invitations is the store of invitations over the core.
func (s *Store) Invitations() *Invitations { return &Invitations{s} }

// Tickets is the store of tickets over the core.
func (s *Store) Tickets() *Tickets { return &Tickets{s} }
