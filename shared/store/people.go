package store

import (
	"tribune/shared/auth"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/spaces"
)

// Per-domain stores of people, spaces and support (the pattern: domains.go). Tickets
// is in tickets.go with its methods. Members, Spaces and Invitations name the store
// each domain's service is handed and assert the interfaces it implements; their
// methods stay on the core for now because other domains' stores and the erasure,
// export and migrations call them (a member's name, a space's memberships, an
// invitation's inviter), and the store's own tests call them on the core
// (docs/decisions.md, "Issue 11: store for people, spaces and support").

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
