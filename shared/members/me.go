package members

import "tribune/shared/policy"

// Me is the answer of GET /api/me: the signed-in member, and the actions the
// community's permission table (package policy) allows them, so the web app shows what
// the API would allow without a copy of the role rules. Actions are community-wide;
// what a member may do in one space comes with that space (GET /api/spaces/{id}:
// canPost, canModerate, canAdmit, canChangeSettings; a post's canModerate).
type Me struct {
	Member
	Actions []policy.Action `json:"actions"`
}

// MeOf is m with the actions its roles allow.
func MeOf(m Member) Me { return Me{Member: m, Actions: policy.AllowedActions(m.Roles)} }
