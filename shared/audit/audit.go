// Package audit is the shape of the moderation log: every moderator action (hide,
// restore, lock, move, warn, delete, suspend, ban) is kept as an Entry, written in the
// same transaction as the action, and staff read the log newest first.
package audit

import "time"

// Entry is one moderator action.
type Entry struct {
	At      time.Time `json:"at"`
	ActorID string    `json:"actorId"`
	// Action is "<target>.<verb>", e.g. post.hide, comment.delete, member.ban.
	Action     string `json:"action"`
	TargetType string `json:"targetType"`
	TargetID   string `json:"targetId"`
	// PostID locates the content; SubjectID is the member the action concerns.
	PostID    string `json:"postId,omitempty"`
	SubjectID string `json:"subjectId,omitempty"`
	Reason    string `json:"reason,omitempty"`
	// FromSpaceID and ToSpaceID are the spaces a moved post left and went to (its reason
	// names both); never shown, they decide who reads the entry.
	FromSpaceID string `json:"-"`
	ToSpaceID   string `json:"-"`
	// Redacted: the reader may not read the content the entry is about, so its ids and
	// reason are left out (never stored).
	Redacted bool `json:"redacted,omitempty"`
	// What the log shows around the ids, read with it as it is now and never stored (a
	// deleted member's name must not outlive them): the actor's and the subject's names
	// (Deleted once their account is deleted, the name then empty), the post's title
	// (PostDeleted once it is deleted) and the space's name of a space's entry. A
	// redacted entry keeps only the actor's name.
	ActorName      string `json:"actorName,omitempty"`
	ActorDeleted   bool   `json:"actorDeleted,omitempty"`
	SubjectName    string `json:"subjectName,omitempty"`
	SubjectDeleted bool   `json:"subjectDeleted,omitempty"`
	PostTitle      string `json:"postTitle,omitempty"`
	PostDeleted    bool   `json:"postDeleted,omitempty"`
	SpaceName      string `json:"spaceName,omitempty"`
}

// Page is a page of the log and the cursor of the next.
type Page struct {
	Entries []Entry `json:"entries"`
	Next    string  `json:"next,omitempty"`
}
