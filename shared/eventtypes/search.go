package eventtypes

// Events added for search (issue 15): changes to something searchable that had no
// event. Each is written by the store in the same transaction as the change.

// Detail types of search's events.
const (
	SpaceCreatedType         = "space.created"
	MemberProfileUpdatedType = "member.profile_updated"
	CommentUpdatedType       = "comment.updated"
)

// Changes of a comment that comment.updated tells.
const (
	CommentEdited   = "edited"
	CommentRestored = "restored"
)

// CommentUpdated: a comment's text was edited, or a hidden comment was shown again (same
// transaction as the change; hiding is content.hidden, deleting comment.deleted).
// Consumer: the search indexer (re-reads the comment's document).
type CommentUpdated struct {
	Meta
	PostID    string `json:"postId"`
	CommentID string `json:"commentId"`
	SpaceID   string `json:"spaceId"`
	Change    string `json:"change" schema:"enum=edited|restored"`
	By        string `json:"by"`
}

// EventType implements Payload.
func (CommentUpdated) EventType() Type { return Type{SourcePosts, CommentUpdatedType} }

// SpaceCreated: a space was created (same transaction as the space). Consumer: the
// search indexer (the space's name and description).
type SpaceCreated struct {
	Meta
	SpaceID    string `json:"spaceId"`
	Name       string `json:"name"`
	Kind       string `json:"kind" schema:"enum=general|customer|partner|project"`
	Visibility string `json:"visibility" schema:"enum=public|closed|hidden"`
	CreatedBy  string `json:"createdBy"`
}

// EventType implements Payload.
func (SpaceCreated) EventType() Type { return Type{SourceSpaces, SpaceCreatedType} }

// MemberProfileUpdated: a member changed their profile (name, bio, expertise, locale…;
// same transaction as the change; the same profile again writes nothing and publishes
// nothing). Consumer: the search indexer (the member's document).
type MemberProfileUpdated struct {
	Meta
	MemberID string `json:"memberId"`
}

// EventType implements Payload.
func (MemberProfileUpdated) EventType() Type { return Type{SourceMembers, MemberProfileUpdatedType} }

func init() {
	Catalog = append(Catalog,
		Define("A space was created (same transaction as the space). Consumer: searchindex (indexes its name and description; who may see it is decided when searching).",
			SpaceCreated{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYBDLS", OccurredAt: at("2026-11-20T09:00:00Z")},
				SpaceID: "s_k3v9q2m7x4w8c1zd", Name: "Data pipelines", Kind: "general", Visibility: "public",
				CreatedBy: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE"}),
		Define("A member changed their profile (same transaction as the change; an unchanged profile publishes nothing). Consumer: searchindex (re-reads the member's document).",
			MemberProfileUpdated{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYBDLP", OccurredAt: at("2026-11-21T09:00:00Z")},
				MemberID: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE"}),
		Define("A comment's text was edited, or a hidden comment shown again (same transaction as the change). Consumer: searchindex (re-reads the comment's document).",
			CommentUpdated{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYBDLQ", OccurredAt: at("2026-11-22T09:00:00Z")},
				PostID: "p_9ZK2M4Q7X3V8W1CD", CommentID: "c_4T7Q2M9XK3V8W1ZD", SpaceID: "s_k3v9q2m7x4w8c1zd", Change: "edited",
				By: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE"}),
	)
}
