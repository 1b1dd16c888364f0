package eventtypes

// Events of the knowledge base, documents and bookmarks (issue 16). Each is written by
// the store in the same transaction as the change it tells.

// Sources and detail types of the knowledge base.
const (
	SourceKnowledge = "tribune.knowledge"

	ArticlePublishedType = "article.published"
	ArticleUpdatedType   = "article.updated"
	DocumentUploadedType = "document.uploaded"
	DocumentDeletedType  = "document.deleted"
	BookmarkAddedType    = "bookmark.added"
)

// Actions that article.updated tells.
const (
	ArticleEdited      = "edited"
	ArticleRestored    = "restored"
	ArticleUnpublished = "unpublished"
)

// ArticlePublished: an article was published, for the first time (FirstTime) or again
// after being unpublished (same transaction as the article's new version). SpaceID is
// empty for a community-wide article. Consumers: notifications (followers of the article
// and of its category), metrics, searchindex.
type ArticlePublished struct {
	Meta
	ArticleID  string `json:"articleId"`
	Version    int    `json:"version"`
	CategoryID string `json:"categoryId"`
	SpaceID    string `json:"spaceId"`
	AuthorID   string `json:"authorId"`
	FirstTime  bool   `json:"firstTime"`
}

// EventType implements Payload.
func (ArticlePublished) EventType() Type { return Type{SourceKnowledge, ArticlePublishedType} }

// ArticleUpdated: an article that is or was published changed: a save (edited), a
// restore of an older version (restored) or an unpublish (same transaction as the new
// version). Drafts never published publish nothing. Consumers: notifications (followers,
// for edited and restored), searchindex (re-reads the article).
type ArticleUpdated struct {
	Meta
	ArticleID  string `json:"articleId"`
	Version    int    `json:"version"`
	CategoryID string `json:"categoryId"`
	SpaceID    string `json:"spaceId"`
	EditorID   string `json:"editorId"`
	Action     string `json:"action" schema:"enum=edited|restored|unpublished"`
}

// EventType implements Payload.
func (ArticleUpdated) EventType() Type { return Type{SourceKnowledge, ArticleUpdatedType} }

// DocumentUploaded: a document, or a new version of one, was uploaded into a space (same
// transaction as the document's item). Staff is true when the uploader is staff.
// Consumers: metrics, searchindex.
type DocumentUploaded struct {
	Meta
	DocumentID string `json:"documentId"`
	SpaceID    string `json:"spaceId"`
	Version    int    `json:"version"`
	UploadedBy string `json:"uploadedBy"`
	Staff      bool   `json:"staff"`
}

// EventType implements Payload.
func (DocumentUploaded) EventType() Type { return Type{SourceKnowledge, DocumentUploadedType} }

// DocumentDeleted: a document and its versions were deleted from a space (same
// transaction as the document's item). Consumer: searchindex (its entry goes).
type DocumentDeleted struct {
	Meta
	DocumentID string `json:"documentId"`
	SpaceID    string `json:"spaceId"`
	DeletedBy  string `json:"deletedBy"`
}

// EventType implements Payload.
func (DocumentDeleted) EventType() Type { return Type{SourceKnowledge, DocumentDeletedType} }

// BookmarkAdded: a member bookmarked a post, an article or a document (same transaction
// as the bookmark; bookmarking again publishes nothing). SpaceID is empty for
// community-wide content. Consumer: metrics.
type BookmarkAdded struct {
	Meta
	MemberID string `json:"memberId"`
	Kind     string `json:"kind" schema:"enum=post|article|document"`
	ID       string `json:"id"`
	SpaceID  string `json:"spaceId"`
}

// EventType implements Payload.
func (BookmarkAdded) EventType() Type { return Type{SourceKnowledge, BookmarkAddedType} }

func init() {
	Catalog = append(Catalog,
		Define("An article was published, for the first time (firstTime) or again after being unpublished (same transaction as its new version; spaceId empty for a community-wide article). Consumers: notifications (followers of the article and of its category who may read it now, never the author), metrics, searchindex (the article's document).",
			ArticlePublished{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYKB01", OccurredAt: at("2026-12-01T09:00:00Z")},
				ArticleID: "a_7QK2M9X4V3W8C1ZD", Version: 2, CategoryID: "k_3V9Q2M7X4W8C1ZDK", SpaceID: "s_k3v9q2m7x4w8c1zd",
				AuthorID: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE", FirstTime: true}),
		Define("An article that is or was published changed: edited, restored from an older version or unpublished (same transaction as its new version; drafts never published publish nothing). Consumers: notifications (followers, for edited and restored; never the editor; only readers who may see it now), searchindex (re-reads the article).",
			ArticleUpdated{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYKB02", OccurredAt: at("2026-12-01T10:00:00Z")},
				ArticleID: "a_7QK2M9X4V3W8C1ZD", Version: 3, CategoryID: "k_3V9Q2M7X4W8C1ZDK", SpaceID: "s_k3v9q2m7x4w8c1zd",
				EditorID: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE", Action: "edited"}),
		Define("A document, or a new version of one, was uploaded into a space (same transaction as the document). Consumers: metrics (documents produced), searchindex.",
			DocumentUploaded{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYKB03", OccurredAt: at("2026-12-01T11:00:00Z")},
				DocumentID: "d_2M9X4V3W8C1ZDQK7", SpaceID: "s_k3v9q2m7x4w8c1zd", Version: 1,
				UploadedBy: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE", Staff: false}),
		Define("A document and its versions were deleted from a space (same transaction as the document; their files stay in the bucket). Consumer: searchindex (the document's entry goes).",
			DocumentDeleted{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYKB05", OccurredAt: at("2026-12-01T13:00:00Z")},
				DocumentID: "d_2M9X4V3W8C1ZDQK7", SpaceID: "s_k3v9q2m7x4w8c1zd", DeletedBy: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE"}),
		Define("A member bookmarked a post, an article or a document (same transaction as the bookmark; again publishes nothing). Consumer: metrics (bookmarks).",
			BookmarkAdded{Meta: Meta{EventID: "4TN8Q2W7K9VXM3C6ZH8JRYKB04", OccurredAt: at("2026-12-01T12:00:00Z")},
				MemberID: "m_QK7V3M2NYF6TRJ4C5WZXH2B7LE", Kind: "article", ID: "a_7QK2M9X4V3W8C1ZD", SpaceID: "s_k3v9q2m7x4w8c1zd"}),
	)
}
