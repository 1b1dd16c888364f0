package spaces

import "context"

// The rules below were written in the app's adapters before (issue 11); the spaces
// domain owns them.

// Active reports whether m is an active membership (not an invitation, a request or a
// membership that ended); nil is no membership.
func (m *Membership) Active() bool { return m != nil && m.Status == StatusActive }

// Moderates reports whether m makes its member a moderator of the space by a space
// role: the owner or a moderator, of an active membership (community roles aside).
func (m *Membership) Moderates() bool {
	return m.Active() && (m.Role == RoleOwner || m.Role == RoleModerator)
}

// Member reports whether the caller is an active member of the space.
func (a Access) Member() bool { return a.Membership.Active() }

// ModeratedSpaces picks, from a member's memberships, the spaces they moderate by a
// space role (Moderates).
func ModeratedSpaces(list []Membership) []string {
	var ids []string
	for i := range list {
		if list[i].Moderates() {
			ids = append(ids, list[i].SpaceID)
		}
	}
	return ids
}

// ModeratedBy lists the spaces a member moderates by a space role.
func (s *Service) ModeratedBy(ctx context.Context, memberID string) ([]string, error) {
	list, err := s.Store.MySpaces(ctx, memberID)
	if err != nil {
		return nil, err
	}
	return ModeratedSpaces(list), nil
}

// NotMemberOf is ErrNotMember naming the space, so the page offers to ask to join it:
// only for a caller who got as far as the space (a hidden space, or a customer space
// closed to them, answers 404 before), to whom it is no secret.
func NotMemberOf(spaceID string) error {
	e := *ErrNotMember
	e.SpaceID = spaceID
	return &e
}
