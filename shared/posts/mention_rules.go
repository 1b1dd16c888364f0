package posts

import "tribune/shared/auth"

// The mention rule (who may be mentioned), written in the app's adapter before issue 11.

// Nobody reports whether a mentioned id names no one: no such member, or a deleted one
// (whose name is gone). Such a mention shows no name and tells no one.
func Nobody(found bool, status string) bool { return !found || status == auth.StatusDeleted }

// MayBeMentioned reports whether a member of this status, who may (or may not) read the
// space of a text, is mentioned by it and told: only while they may read the space, and
// never a banned or deleted member.
func MayBeMentioned(status string, readsSpace bool) bool {
	return readsSpace && status != auth.StatusBanned && status != auth.StatusDeleted
}
