package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/knowledge"
	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/search"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Search documents (issue 15, docs/search.md): what the index holds of an entity is
// always read from the table as it is now, never taken from an event's payload, so the
// indexer may apply events twice or out of order and still end where the table is.

// Kinds of SearchRef (the entity read, not the document's kind: a question is a "post").
const (
	SearchPost    = "post"
	SearchComment = "comment"
	SearchMember  = "member"
	SearchSpace   = "space"
	SearchTicket  = "ticket"
	// SearchArticle and SearchDocument: the knowledge base's articles and the spaces'
	// documents (issue 16).
	SearchArticle  = "article"
	SearchDocument = SearchKindDocument
)

// SearchRef names one searchable entity: Kind is one of the Search… constants; a
// comment also needs its PostID (comments live in their post's partition).
type SearchRef struct {
	Kind, ID, PostID string
}

// DocID is the index document id of the entity (search.DocID).
func (r SearchRef) DocID() string { return search.DocID(r.Kind, r.ID) }

// SearchDocs are the search documents of refs as the table holds them now: Docs to put,
// and Absent, the document ids to delete (the entity is gone, hidden, deleted, or not to
// be indexed). Each ref is either in Docs or in Absent.
type SearchDocs struct {
	Docs   []search.Doc
	Absent []string
}

// SearchDocs reads the current search document of each ref: a post (GetItem of the post
// and of its author, for the language), a comment (its pointer, the comment, its post
// and its author), a member (GetItem), a space (GetItem), a ticket (one Query of its
// partition: the ticket and its replies, then its requester). Pattern 310.
//
// What is absent: a post hidden or deleted; a comment hidden or deleted, or on such a
// post; a member deleted or banned; a ticket's internal notes are never part of its
// document, nor are automatic replies (the acknowledgement says nothing of the issue).
func (s *Store) SearchDocs(ctx context.Context, refs []SearchRef) (SearchDocs, error) {
	var out SearchDocs
	authors := map[string]*members.Member{}
	author := func(id string) (*members.Member, error) {
		if id == "" {
			return nil, nil
		}
		if m, ok := authors[id]; ok {
			return m, nil
		}
		m, err := s.Members().GetMember(ctx, id)
		if errors.Is(err, errs.ErrNotFound) {
			authors[id] = nil
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		authors[id] = &m
		return &m, nil
	}
	for _, r := range refs {
		doc, ok, err := s.searchDoc(ctx, r, author)
		if err != nil {
			return SearchDocs{}, fmt.Errorf("store.SearchDocs %s: %w", r.DocID(), err)
		}
		if ok {
			out.Docs = append(out.Docs, doc)
		} else {
			out.Absent = append(out.Absent, r.DocID())
		}
	}
	return out, nil
}

// searchDoc reads one entity's document; ok is false when it is absent.
func (s *Store) searchDoc(ctx context.Context, r SearchRef, author func(string) (*members.Member, error)) (search.Doc, bool, error) {
	switch r.Kind {
	case SearchPost:
		p, err := s.Posts().GetPost(ctx, r.ID)
		if absent(err) || (err == nil && (p.Hidden || p.Deleted)) {
			return search.Doc{}, false, nil
		}
		if err != nil {
			return search.Doc{}, false, err
		}
		a, err := author(p.AuthorID)
		if err != nil {
			return search.Doc{}, false, err
		}
		return PostSearchDoc(p, a), true, nil
	case SearchComment:
		c, err := s.Comments().GetComment(ctx, r.PostID, r.ID)
		if absent(err) || (err == nil && (c.Hidden || c.Deleted)) {
			return search.Doc{}, false, nil
		}
		if err != nil {
			return search.Doc{}, false, err
		}
		p, err := s.Posts().GetPost(ctx, r.PostID)
		if absent(err) || (err == nil && (p.Hidden || p.Deleted)) {
			return search.Doc{}, false, nil
		}
		if err != nil {
			return search.Doc{}, false, err
		}
		a, err := author(c.AuthorID)
		if err != nil {
			return search.Doc{}, false, err
		}
		return CommentSearchDoc(p, c, a), true, nil
	case SearchMember:
		m, err := author(r.ID)
		if err != nil || m == nil || !SearchableMember(*m) {
			return search.Doc{}, false, err
		}
		return MemberSearchDoc(*m), true, nil
	case SearchSpace:
		sp, _, err := s.Spaces().SpaceAndMembership(ctx, r.ID, "")
		if absent(err) {
			return search.Doc{}, false, nil
		}
		if err != nil {
			return search.Doc{}, false, err
		}
		return search.Doc{ID: r.DocID(), Kind: search.KindSpace, SpaceID: sp.ID, AuthorID: sp.CreatedBy, Title: sp.Name,
			Body: sp.Description, Lang: searchLang(""), Created: sp.CreatedAt, Updated: sp.CreatedAt}, true, nil
	case SearchTicket:
		t, replies, err := s.Tickets().TicketAndReplies(ctx, r.ID)
		if absent(err) {
			return search.Doc{}, false, nil
		}
		if err != nil {
			return search.Doc{}, false, err
		}
		a, err := author(t.RequesterID)
		if err != nil {
			return search.Doc{}, false, err
		}
		return TicketSearchDoc(t, replies, a), true, nil
	case SearchArticle:
		a, err := s.Knowledge().Article(ctx, r.ID)
		if absent(err) || errs.Is(err, "article_not_found") || (err == nil && a.Status != knowledge.StatusPublished) {
			return search.Doc{}, false, nil
		}
		if err != nil {
			return search.Doc{}, false, err
		}
		m, err := author(a.AuthorID)
		if err != nil {
			return search.Doc{}, false, err
		}
		return ArticleSearchDoc(a, m), true, nil
	case SearchDocument:
		return s.Documents().SearchDoc(ctx, r.ID)
	}
	return search.Doc{}, false, fmt.Errorf("unknown kind %q", r.Kind)
}

func absent(err error) bool { return errors.Is(err, errs.ErrNotFound) }

// ArticleSearchDoc is a published knowledge-base article's document: its title and its
// text without Markdown, in its space, or in search.CommunitySpace when community-wide;
// ranked by when it was first published (pattern 352).
func ArticleSearchDoc(a knowledge.Stored, author *members.Member) search.Doc {
	spaceID := a.SpaceID
	if spaceID == "" {
		spaceID = search.CommunitySpace
	}
	created := a.CreatedAt
	if a.PublishedAt != nil {
		created = *a.PublishedAt
	}
	html, err := content.Render(a.Body)
	body := a.Body
	if err == nil {
		body = content.PlainText(html)
	}
	return search.Doc{ID: search.DocID(SearchArticle, a.ID), Kind: search.KindArticle, SpaceID: spaceID, AuthorID: a.AuthorID,
		Title: a.Title, Body: body, Lang: searchLang(localeOf(author)), Created: created, Updated: a.UpdatedAt, Staff: staffNow(author, false)}
}

// SearchableMember reports whether a member has a document: not deleted, not banned
// (the directory leaves both out).
func SearchableMember(m members.Member) bool {
	return m.Status != members.StatusDeleted && m.Status != members.StatusBanned
}

// searchLang is the analyser of a text: its author's locale when it is French, else
// English. Tribune records each member's locale (chosen at sign-up, changed in the
// profile), so no detection runs; a text whose author is gone is analysed as English.
func searchLang(locale string) string {
	if strings.HasPrefix(strings.ToLower(locale), "fr") {
		return "fr"
	}
	return "en"
}

func localeOf(m *members.Member) string {
	if m == nil {
		return ""
	}
	return m.Locale
}

// staffNow reports whether the author holds a staff role now (their current roles);
// without the member (deleted), whether they were staff when they wrote it.
func staffNow(m *members.Member, wroteAsStaff bool) bool {
	if m == nil || m.Status == members.StatusDeleted {
		return wroteAsStaff
	}
	return policy.IsStaff(m.Roles)
}

// searchKind is the document kind of a post kind: questions and ideas keep theirs; the
// others (discussion, poll, announcement, status) are discussions.
func searchKind(kind string) string {
	switch kind {
	case posts.KindQuestion:
		return search.KindQuestion
	case posts.KindIdea:
		return search.KindIdea
	}
	return search.KindDiscussion
}

// PostSearchDoc is a post's document: its title, its page as plain text (Markdown
// rendered and read back by content.PlainText: what the reader sees, mentions by name).
func PostSearchDoc(p posts.Post, a *members.Member) search.Doc {
	d := search.Doc{ID: search.DocID(SearchPost, p.ID), Kind: searchKind(p.Kind), SpaceID: p.SpaceID, PostID: p.ID,
		AuthorID: p.AuthorID, Title: p.Title, Body: content.PlainText(p.HTML), Lang: searchLang(localeOf(a)),
		Created: p.CreatedAt, Updated: p.CreatedAt, Staff: staffNow(a, p.AuthorStaff)}
	if p.EditedAt != nil {
		d.Updated = *p.EditedAt
	}
	if p.Kind == posts.KindQuestion {
		d.Solved = p.AcceptedAnswer != ""
	}
	if p.Kind == posts.KindIdea {
		d.IdeaStatus = p.IdeaStatus
	}
	return d
}

// CommentSearchDoc is a comment's document (no title: results show its post's); an
// accepted answer is flagged, and it is in its post's space.
func CommentSearchDoc(p posts.Post, c posts.Comment, a *members.Member) search.Doc {
	d := search.Doc{ID: search.DocID(SearchComment, c.ID), Kind: search.KindComment, SpaceID: p.SpaceID, PostID: p.ID,
		AuthorID: c.AuthorID, Body: content.PlainText(c.HTML), Lang: searchLang(localeOf(a)), Created: c.CreatedAt,
		Updated: c.CreatedAt, Accepted: p.AcceptedAnswer == c.ID, Staff: staffNow(a, c.AuthorStaff)}
	if c.EditedAt != nil {
		d.Updated = *c.EditedAt
	}
	return d
}

// MemberSearchDoc is a member's document as the directory shows them: their name, their
// bio and their expertise tags.
func MemberSearchDoc(m members.Member) search.Doc {
	body := m.Bio
	if len(m.Expertise) > 0 {
		body = strings.TrimSpace(body + " " + strings.Join(m.Expertise, " "))
	}
	return search.Doc{ID: search.DocID(SearchMember, m.ID), Kind: search.KindMember, AuthorID: m.ID, Title: m.DisplayName,
		Body: body, Lang: searchLang(m.Locale), Created: m.CreatedAt, Updated: m.CreatedAt, Staff: m.IsStaff()}
}

// TicketSearchDoc is a ticket's document: its subject, its text and its public replies
// (never an internal note, never an automatic reply); solved or closed tickets are solved.
func TicketSearchDoc(t tickets.Ticket, replies []tickets.Reply, a *members.Member) search.Doc {
	texts := []string{content.PlainText(t.HTML)}
	for _, r := range replies {
		if !r.Internal && !r.Automatic {
			texts = append(texts, content.PlainText(r.HTML))
		}
	}
	return search.Doc{ID: search.DocID(SearchTicket, t.ID), Kind: search.KindTicket, SpaceID: t.SpaceID, AuthorID: t.RequesterID,
		Title: t.Subject, Body: strings.Join(texts, "\n"), Lang: searchLang(localeOf(a)), Created: t.CreatedAt, Updated: t.UpdatedAt,
		Solved: t.Status == tickets.StatusSolved || t.Status == tickets.StatusClosed}
}

// PostCommentRefs are the comments of a post (their pointers' keys: one Query, keys
// only), for the indexer when a post moves, is hidden or deleted: its comments follow.
// Pattern 311.
func (s *Store) PostCommentRefs(ctx context.Context, postID string) ([]SearchRef, error) {
	in := queryPrefix(s.Table, postPK(postID), commentPointerSK(""), keysOnly)
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("store.PostCommentRefs %s: %w", postID, err)
	}
	out := make([]SearchRef, 0, len(items))
	for _, item := range items {
		if sk, ok := item[AttrSK].(*types.AttributeValueMemberS); ok {
			out = append(out, SearchRef{Kind: SearchComment, ID: strings.TrimPrefix(sk.Value, commentPointerSK("")), PostID: postID})
		}
	}
	return out, nil
}

// searchTypes are the item types that have a search document, by their ref kind.
var searchTypes = map[string]string{typePost: SearchPost, typeComment: SearchComment, typeMember: SearchMember,
	typeSpace: SearchSpace, typeTicket: SearchTicket, typeKBArticle: SearchArticle, typeDocument: SearchDocument}

// EachSearchRef lists every entity that may have a search document, a page at a time
// (the ops rebuild: docs/operations.md): a Scan filtered on Type, projecting the ids
// only. Never on a request path. Pattern 312.
func (s *Store) EachSearchRef(ctx context.Context, page func([]SearchRef) error) error {
	values := map[string]types.AttributeValue{}
	var names []string
	for t := range searchTypes {
		name := fmt.Sprintf(":t%d", len(names))
		values[name] = &types.AttributeValueMemberS{Value: t}
		names = append(names, name)
	}
	in := &dynamodb.ScanInput{
		FilterExpression:          aws.String("#t IN (" + strings.Join(names, ", ") + ")"),
		ProjectionExpression:      aws.String("#t, #id, #post"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType, "#id": "ID", "#post": "PostID"},
		ExpressionAttributeValues: values}
	return s.scanEach(ctx, "store.EachSearchRef", in, func(items []item) error {
		refs := make([]SearchRef, 0, len(items))
		for _, it := range items {
			var v struct{ Type, ID, PostID string }
			if err := attributevalue.UnmarshalMap(it, &v); err != nil {
				return fmt.Errorf("store.EachSearchRef: %w", err)
			}
			if kind := searchTypes[v.Type]; kind != "" && v.ID != "" && (kind != SearchComment || v.PostID != "") {
				refs = append(refs, SearchRef{Kind: kind, ID: v.ID, PostID: v.PostID})
			}
		}
		if len(refs) == 0 {
			return nil
		}
		return page(refs)
	})
}

// SpacesByID reads spaces by id (one BatchGetItem per 100; absent ids are left out):
// the search routes read the spaces a reader belongs to that no listing names (hidden
// ones). Pattern 313.
func (s *Store) SpacesByID(ctx context.Context, ids []string) (map[string]spaces.Space, error) {
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, key(spacePK(id), skSpace))
	}
	out := make(map[string]spaces.Space, len(ids))
	if len(keys) == 0 {
		return out, nil
	}
	found, err := s.batchGet(ctx, "store.SpacesByID", keys)
	if err != nil {
		return nil, err
	}
	for _, item := range found {
		var it spaceItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.SpacesByID: %w", err)
		}
		out[it.ID] = it.space()
	}
	return out, nil
}
