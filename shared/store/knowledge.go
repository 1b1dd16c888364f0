package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/knowledge"
)

// The knowledge base (docs/knowledge.md, "Knowledge base"; docs/data-model.md,
// patterns 340–353).

// Knowledge stores categories, articles, their versions, followers and feedback.
type Knowledge struct{ *Store }

// Knowledge is the store of the knowledge base over the core.
func (s *Store) Knowledge() *Knowledge { return &Knowledge{s} }

var _ knowledge.Store = (*Knowledge)(nil)

// Keys of the knowledge base (kept here with their items: 16A's own file).
const (
	skKBCategory  = "CATEGORY"
	skKBArticle   = "ARTICLE"
	skKBCount     = "COUNT"
	skKBAnswer    = "ANSWER"
	kbVersionPre  = "V#"
	kbFeedbackPre = "FB#"
	kbFollowerPre = "M#"
	// kbCommunity is the place of community-wide categories and articles.
	kbCommunity = "-"
)

func kbPlace(spaceID string) string {
	if spaceID == "" {
		return kbCommunity
	}
	return spaceID
}

func kbCategoryPK(id string) string        { return "KBCAT#" + id }
func kbCategoriesPK(spaceID string) string { return "KBCATS#" + kbPlace(spaceID) }
func kbCategorySK(position int, created time.Time, id string) string {
	return fmt.Sprintf("%05d#%s#%s", position, stamp(created), id)
}
func kbPlacePK(spaceID string) string                 { return "KBPLACE#" + kbPlace(spaceID) }
func kbArticlePK(id string) string                    { return "KBART#" + id }
func kbArticlesPK(spaceID string) string              { return "KBARTS#" + kbPlace(spaceID) }
func kbArticleSK(updated time.Time, id string) string { return stamp(updated) + "#" + id }
func kbVersionSK(v int) string                        { return fmt.Sprintf("%s%08d", kbVersionPre, v) }
func kbFeedbackSK(memberID string) string             { return kbFeedbackPre + memberID }
func kbFeedbacksPK(articleID string) string           { return "KBFB#" + articleID }
func kbFollowersPK(targetID string) string            { return "KBFOLLOW#" + targetID }
func kbFollowerSK(memberID string) string             { return kbFollowerPre + memberID }
func kbAnswerPK(commentID string) string              { return "KBANSWER#" + commentID }

// kbMinePK is a member's own knowledge-base records: their follows (GSI1) and pointers
// to their feedback (the table), for "download my data" and the account's deletion.
func kbMinePK(memberID string) string { return "KBMINE#" + memberID }

// Item types.
const (
	typeKBCategory = "KBCategory"
	typeKBArticle  = "KBArticle"
	typeKBVersion  = "KBVersion"
	typeKBPlace    = "KBPlaceCount"
	typeKBFollower = "KBFollower"
	typeKBFeedback = "KBFeedback"
	// typeKBMyFeedback points from a member to their feedback on an article.
	typeKBMyFeedback = "KBMyFeedback"
	typeKBAnswer     = "KBAnswerLink"
)

// Attribute names the knowledge base's expressions name (fields of the items below).
const (
	attrKBVersion    = "Version"
	attrKBArticles   = "Articles"
	attrKBCategories = "Categories"
	attrKBYes        = "Yes"
	attrKBNo         = "No"
	attrKBHelpful    = "Helpful"
	attrKBName       = "Name"
	attrKBDesc       = "Description"
	attrKBPosition   = "Position"
	attrKBCategoryID = "CategoryID"
	attrKBStatus     = "Status"
	attrKBTitleWords = "TitleWords"
	attrKBArticleID  = "ArticleID"
)

// Named conditions.
const (
	condKBBase     = "article at its base version"
	condKBPlace    = "place under its category limit"
	condKBCategory = "category exists"
	condKBAnswer   = "answer has no article"
	condKBComment  = "answer shown and unlinked"
	condKBAccepted = "answer accepted"
	condKBFeedback = "feedback as read"
)

// kbCategoryItem is a category: KBCAT#<id> / CATEGORY, in GSI1 KBCATS#<place> by
// position (pattern 340).
type kbCategoryItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ID             string
	Name           string
	Description    string
	Position       int
	SpaceID        string
	Articles       int
	CreatedAt      time.Time
}

func (it kbCategoryItem) category() knowledge.Category {
	return knowledge.Category{ID: it.ID, Name: it.Name, Description: it.Description, Position: it.Position, SpaceID: it.SpaceID,
		Articles: it.Articles, CreatedAt: it.CreatedAt}
}

// kbPlaceItem counts a place's categories: KBPLACE#<place> / COUNT (pattern 340).
type kbPlaceItem struct {
	PK, SK, Type string
	Categories   int
}

// kbArticleItem is an article's current state: KBART#<id> / ARTICLE, in GSI1
// KBARTS#<place> newest change first (patterns 343–345). Body is Markdown (≤ 100,000
// bytes); the HTML is rendered on read, so the item stays under 102 KB.
type kbArticleItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ID             string
	Title          string
	// TitleWords is " word word " of the title in lower case, for the picker's
	// prefix filter (contains " <prefix>").
	TitleWords      string
	Body            string
	CategoryID      string
	SpaceID         string
	Status          string
	Version         int
	AuthorID        string
	EditorID        string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	PublishedAt     *time.Time
	EverPublished   bool
	SourcePostID    string `dynamodbav:",omitempty"`
	SourceCommentID string `dynamodbav:",omitempty"`
	Yes             int
	No              int
}

func newKBArticleItem(a knowledge.Stored) kbArticleItem {
	it := kbArticleItem{PK: kbArticlePK(a.ID), SK: skKBArticle, Type: typeKBArticle, GSI1PK: kbArticlesPK(a.SpaceID),
		GSI1SK: kbArticleSK(a.UpdatedAt, a.ID), ID: a.ID, Title: a.Title, TitleWords: " " + strings.Join(strings.Fields(strings.ToLower(a.Title)), " ") + " ",
		Body: a.Body, CategoryID: a.CategoryID, SpaceID: a.SpaceID, Status: a.Status, Version: a.Version, AuthorID: a.AuthorID,
		EditorID: a.EditorID, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, PublishedAt: a.PublishedAt, EverPublished: a.EverPublished,
		Yes: a.Yes, No: a.No}
	if a.Source != nil {
		it.SourcePostID, it.SourceCommentID = a.Source.PostID, a.Source.CommentID
	}
	return it
}

func (it kbArticleItem) stored() knowledge.Stored {
	a := knowledge.Stored{ID: it.ID, Title: it.Title, Body: it.Body, CategoryID: it.CategoryID, SpaceID: it.SpaceID, Status: it.Status,
		Version: it.Version, AuthorID: it.AuthorID, EditorID: it.EditorID, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		PublishedAt: it.PublishedAt, EverPublished: it.EverPublished, Yes: it.Yes, No: it.No}
	if it.SourceCommentID != "" {
		a.Source = &knowledge.Source{PostID: it.SourcePostID, CommentID: it.SourceCommentID}
	}
	return a
}

// kbVersionItem is one saved version, immutable and complete (title and Markdown
// body, ≤ ~101 KB): KBART#<id> / V#<8 digits> (pattern 346).
type kbVersionItem struct {
	PK, SK, Type string
	ArticleID    string
	Version      int
	Title        string
	Body         string
	CategoryID   string
	EditorID     string
	At           time.Time
	Action       string
	RestoredFrom int `dynamodbav:",omitempty"`
}

func (it kbVersionItem) version() knowledge.Version {
	return knowledge.Version{Version: it.Version, Title: it.Title, Body: it.Body, CategoryID: it.CategoryID,
		Editor: knowledge.Person{ID: it.EditorID}, At: it.At, Action: it.Action, RestoredFrom: it.RestoredFrom}
}

// kbFollowerItem is a follower of an article or a category: KBFOLLOW#<target> /
// M#<member> (patterns 347, 348): the notifier lists a target's partition.
type kbFollowerItem struct {
	PK, SK, Type string
	// GSI1: KBMINE#<member> / F#<target>, the member's follows (pattern 353).
	GSI1PK, GSI1SK string
	TargetID       string
	MemberID       string
	At             time.Time
}

// kbMyFeedbackItem points from a member to their feedback on an article: KBMINE#<member>
// / FB#<article> (pattern 353), written in the feedback's transaction.
type kbMyFeedbackItem struct {
	PK, SK, Type string
	ArticleID    string
}

// kbFeedbackItem is one member's feedback on an article: KBART#<id> / FB#<member>, in
// GSI1 KBFB#<article> newest first (patterns 349, 350). The article's Yes and No move in
// the same transaction.
type kbFeedbackItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ArticleID      string
	MemberID       string
	Helpful        bool
	Comment        string
	At             time.Time
}

// kbAnswerItem marks an answer turned into an article: KBANSWER#<comment> / ANSWER
// (pattern 351), so one answer makes one article.
type kbAnswerItem struct {
	PK, SK, Type string
	ArticleID    string
	PostID       string
}

// CreateCategory implements knowledge.Store: the category and its place's count, under
// the limit, in one transaction.
func (s *Knowledge) CreateCategory(ctx context.Context, c knowledge.Category, limit int) error {
	it := kbCategoryItem{PK: kbCategoryPK(c.ID), SK: skKBCategory, Type: typeKBCategory, GSI1PK: kbCategoriesPK(c.SpaceID),
		GSI1SK: kbCategorySK(c.Position, c.CreatedAt, c.ID), ID: c.ID, Name: c.Name, Description: c.Description, Position: c.Position,
		SpaceID: c.SpaceID, CreatedAt: c.CreatedAt}
	count := s.update(key(kbPlacePK(c.SpaceID), skKBCount), "SET #Type = :type ADD #Categories :one",
		"attribute_not_exists(#Categories) OR #Categories < :max", named(AttrType, attrKBCategories),
		item{":type": avS(typeKBPlace), ":one": avN(1), ":max": avN(int64(limit))})
	err := s.txn().put("", it, itemAbsent).add(condKBPlace, count).run(ctx)
	if failed(err, condKBPlace) {
		return knowledge.ErrTooManyCategories
	}
	if err != nil {
		return fmt.Errorf("store.CreateCategory %s: %w", c.ID, err)
	}
	return nil
}

// Category implements knowledge.Store.
func (s *Knowledge) Category(ctx context.Context, id string) (knowledge.Category, error) {
	var it kbCategoryItem
	err := s.get(ctx, "store.Category", kbCategoryPK(id), skKBCategory, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return knowledge.Category{}, fmt.Errorf("store.Category %s: %w", id, knowledge.ErrNoCategory)
	}
	return it.category(), err
}

// Categories implements knowledge.Store: GSI1 KBCATS#<place>, by position (at most 200).
func (s *Knowledge) Categories(ctx context.Context, spaceID string) ([]knowledge.Category, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression: aws.String(gsi1Is), ExpressionAttributeValues: item{":pk": avS(kbCategoriesPK(spaceID))}})
	if err != nil {
		return nil, fmt.Errorf("store.Categories %s: %w", spaceID, err)
	}
	out := make([]knowledge.Category, 0, len(items))
	for _, av := range items {
		var it kbCategoryItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("store.Categories %s: %w", spaceID, err)
		}
		out = append(out, it.category())
	}
	return out, nil
}

// UpdateCategory implements knowledge.Store: name, description and position (and the
// index's sort key), only while the category exists.
func (s *Knowledge) UpdateCategory(ctx context.Context, c knowledge.Category) error {
	u := s.update(key(kbCategoryPK(c.ID), skKBCategory), "SET #Name = :n, #Description = :d, #Position = :p, #GSI1SK = :sk", itemExists,
		named(attrKBName, attrKBDesc, attrKBPosition, AttrGSI1SK),
		item{":n": avS(c.Name), ":d": avS(c.Description), ":p": avN(int64(c.Position)), ":sk": avS(kbCategorySK(c.Position, c.CreatedAt, c.ID))})
	err := s.txn().add(condKBCategory, u).run(ctx)
	if failed(err, condKBCategory) {
		return knowledge.ErrNoCategory
	}
	if err != nil {
		return fmt.Errorf("store.UpdateCategory %s: %w", c.ID, err)
	}
	return nil
}

// articleWrites are the writes of a new version: the article on condition of its base
// version, the version item, the categories' published counts (each category must
// still exist) and the events.
func (s *Knowledge) articleWrites(a knowledge.Stored, base int, v knowledge.Version, deltas map[string]int, events []eventtypes.Envelope) *txn {
	cond := itemAbsent
	values := item{}
	if base > 0 {
		cond = itemExists + " AND #Version = :base"
		values[":base"] = avN(int64(base))
	}
	art, err := s.put(newKBArticleItem(a), cond)
	if err == nil && base > 0 {
		art.Put.ExpressionAttributeNames = named(attrKBVersion)
		art.Put.ExpressionAttributeValues = values
	}
	t := s.txn().also(condKBBase, []types.TransactWriteItem{art}, err)
	t.put("", kbVersionItem{PK: kbArticlePK(a.ID), SK: kbVersionSK(v.Version), Type: typeKBVersion, ArticleID: a.ID, Version: v.Version,
		Title: v.Title, Body: v.Body, CategoryID: v.CategoryID, EditorID: v.Editor.ID, At: v.At, Action: v.Action, RestoredFrom: v.RestoredFrom}, itemAbsent)
	for id, d := range deltas {
		if d == 0 {
			continue
		}
		t.add(condKBCategory, s.update(key(kbCategoryPK(id), skKBCategory), "ADD #Articles :d", itemExists, named(attrKBArticles),
			item{":d": avN(int64(d))}))
	}
	if _, ok := deltas[a.CategoryID]; !ok || deltas[a.CategoryID] == 0 {
		// The article's category still exists (a category is never deleted today; this
		// keeps it true if one ever is).
		t.add(condKBCategory, s.check(key(kbCategoryPK(a.CategoryID), skKBCategory), itemExists, nil, nil))
	}
	return t.with(s.outboxPuts(events))
}

// SaveArticle implements knowledge.Store.
func (s *Knowledge) SaveArticle(ctx context.Context, a knowledge.Stored, base int, v knowledge.Version, deltas map[string]int, events []eventtypes.Envelope) error {
	err := s.articleWrites(a, base, v, deltas, events).run(ctx)
	switch {
	case failed(err, condKBBase):
		if base == 0 {
			return fmt.Errorf("store.SaveArticle %s: id taken: %w", a.ID, err)
		}
		return knowledge.ErrChanged
	case failed(err, condKBCategory):
		return knowledge.ErrNoCategory
	case err != nil:
		return fmt.Errorf("store.SaveArticle %s: %w", a.ID, err)
	}
	return nil
}

// Article implements knowledge.Store.
func (s *Knowledge) Article(ctx context.Context, id string) (knowledge.Stored, error) {
	var it kbArticleItem
	err := s.get(ctx, "store.Article", kbArticlePK(id), skKBArticle, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return knowledge.Stored{}, fmt.Errorf("store.Article %s: %w", id, knowledge.ErrNoArticle)
	}
	return it.stored(), err
}

// Articles implements knowledge.Store: a page of GSI1 KBARTS#<place>, newest change
// first, filtered by category, status and title words: a page is filled by up to
// kbListReads queries (a filter drops items DynamoDB counts), so a filtered page may
// hold fewer than limit only when those reads found no more (next goes on from there).
func (s *Knowledge) Articles(ctx context.Context, spaceID string, f knowledge.ListFilter, cursor string, limit int) ([]knowledge.Stored, string, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), ScanIndexForward: aws.Bool(false),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: item{":pk": avS(kbArticlesPK(spaceID))}}
	var filters []string
	names := map[string]string{}
	scope := "kb-articles-" + kbPlace(spaceID)
	if f.CategoryID != "" {
		filters = append(filters, "#CategoryID = :cat")
		names["#CategoryID"] = attrKBCategoryID
		in.ExpressionAttributeValues[":cat"] = avS(f.CategoryID)
		scope += "-c" + f.CategoryID
	}
	if f.Status != "" {
		filters = append(filters, "#Status = :status")
		names["#Status"] = attrKBStatus
		in.ExpressionAttributeValues[":status"] = avS(f.Status)
		scope += "-s" + f.Status
	}
	for i, w := range f.Words {
		p := ":w" + strconv.Itoa(i)
		filters = append(filters, "contains(#TitleWords, "+p+")")
		names["#TitleWords"] = attrKBTitleWords
		in.ExpressionAttributeValues[p] = avS(" " + w)
		scope += "-w" + w
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
		in.ExpressionAttributeNames = names
	}
	return fillPage(ctx, s.Store, thinList[knowledge.Stored]{op: "store.Articles", scope: scope,
		query: func(_ string, n int) *dynamodb.QueryInput {
			q := *in
			q.Limit = aws.Int32(int32(n))
			return &q
		},
		keyOf: keyOf(AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK),
		conv: func(av item) (knowledge.Stored, bool, error) {
			var it kbArticleItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.stored(), true, err
		}}, cursor, limit, kbListReads)
}

// kbListReads bounds the queries of one page of articles (each reads what the page
// still lacks; a filter leaves some out).
const kbListReads = 5

// Versions implements knowledge.Store: every version, oldest first.
func (s *Knowledge) Versions(ctx context.Context, articleID string) ([]knowledge.Version, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String(pkIs + " AND " + skBeginsWith(":v")),
		ExpressionAttributeValues: item{":pk": avS(kbArticlePK(articleID)), ":v": avS(kbVersionPre)}})
	if err != nil {
		return nil, fmt.Errorf("store.Versions %s: %w", articleID, err)
	}
	out := make([]knowledge.Version, 0, len(items))
	for _, av := range items {
		var it kbVersionItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("store.Versions %s: %w", articleID, err)
		}
		out = append(out, it.version())
	}
	return out, nil
}

// Version implements knowledge.Store.
func (s *Knowledge) Version(ctx context.Context, articleID string, v int) (knowledge.Version, error) {
	var it kbVersionItem
	err := s.get(ctx, "store.Version", kbArticlePK(articleID), kbVersionSK(v), time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return knowledge.Version{}, fmt.Errorf("store.Version %s %d: %w", articleID, v, knowledge.ErrNoVersion)
	}
	return it.version(), err
}

// Follow implements knowledge.Store (idempotent: a Put if absent, a follow already
// there kept as it is, with its date; or a Delete).
func (s *Knowledge) Follow(ctx context.Context, targetID, memberID string, on bool, now time.Time) error {
	var err error
	if on {
		var p types.TransactWriteItem
		if p, err = s.put(kbFollowerItem{PK: kbFollowersPK(targetID), SK: kbFollowerSK(memberID), Type: typeKBFollower,
			GSI1PK: kbMinePK(memberID), GSI1SK: "F#" + targetID, TargetID: targetID, MemberID: memberID, At: now}, itemAbsent); err == nil {
			var exists *types.ConditionalCheckFailedException
			if err = s.writeOne(ctx, p); errors.As(err, &exists) {
				err = nil
			}
		}
	} else {
		_, err = s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(kbFollowersPK(targetID), kbFollowerSK(memberID))})
	}
	if err != nil {
		return fmt.Errorf("store.Follow %s: %w", targetID, err)
	}
	return nil
}

// Following implements knowledge.Store: one BatchGetItem.
func (s *Knowledge) Following(ctx context.Context, memberID string, targets ...string) (map[string]bool, error) {
	keys := make([]item, len(targets))
	for i, t := range targets {
		keys[i] = key(kbFollowersPK(t), kbFollowerSK(memberID))
	}
	found, err := s.batchGet(ctx, "store.Following", keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(targets))
	for i, t := range targets {
		_, out[t] = found[keyName(keys[i])]
	}
	return out, nil
}

// ReaderState implements knowledge.Store: one BatchGetItem of the member's follower
// item and feedback item.
func (s *Knowledge) ReaderState(ctx context.Context, articleID, memberID string) (bool, *knowledge.Feedback, error) {
	follow, fb := key(kbFollowersPK(articleID), kbFollowerSK(memberID)), key(kbArticlePK(articleID), kbFeedbackSK(memberID))
	found, err := s.batchGet(ctx, "store.ReaderState", []item{follow, fb})
	if err != nil {
		return false, nil, err
	}
	_, following := found[keyName(follow)]
	av, ok := found[keyName(fb)]
	if !ok {
		return following, nil, nil
	}
	var it kbFeedbackItem
	if err := attributevalue.UnmarshalMap(av, &it); err != nil {
		return false, nil, fmt.Errorf("store.ReaderState %s: %w", articleID, err)
	}
	return following, &knowledge.Feedback{MemberID: it.MemberID, Helpful: it.Helpful, Comment: it.Comment, At: it.At}, nil
}

// Followers implements knowledge.Store: the target's partition.
func (s *Knowledge) Followers(ctx context.Context, targetID string) ([]string, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: item{":pk": avS(kbFollowersPK(targetID))}})
	if err != nil {
		return nil, fmt.Errorf("store.Followers %s: %w", targetID, err)
	}
	out := make([]string, 0, len(items))
	for _, av := range items {
		var it kbFollowerItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		out = append(out, it.MemberID)
	}
	return out, nil
}

// feedbackAttempts bounds the retries of a feedback that lost to a concurrent one of
// the same member (each attempt reads the member's feedback again).
const feedbackAttempts = 20

// SetFeedback implements knowledge.Store: the member's feedback item, on condition it
// is as read (absent, or the same helpful), and the article's Yes/No moved by the
// difference, in one transaction. Repeats and concurrent changes stay exact: a
// yes→no moves one count, a yes again moves none.
func (s *Knowledge) SetFeedback(ctx context.Context, articleID string, f knowledge.Feedback) error {
	for range feedbackAttempts {
		old, err := s.MyFeedback(ctx, articleID, f.MemberID)
		if err != nil {
			return err
		}
		if old != nil && old.Helpful == f.Helpful && (f.Comment == "" || f.Comment == old.Comment) {
			// The same answer again: nothing changes, not even its date (the staff's
			// list keeps its order).
			return nil
		}
		it := kbFeedbackItem{PK: kbArticlePK(articleID), SK: kbFeedbackSK(f.MemberID), Type: typeKBFeedback, GSI1PK: kbFeedbacksPK(articleID),
			GSI1SK: stamp(f.At) + "#" + f.MemberID, ArticleID: articleID, MemberID: f.MemberID, Helpful: f.Helpful, Comment: f.Comment, At: f.At}
		if f.Comment == "" && old != nil {
			// A change of yes or no alone keeps the comment given with the first (tester
			// 16, finding 6); a new comment replaces it.
			it.Comment = old.Comment
		}
		p, err := s.put(it, itemAbsent)
		if err != nil {
			return err
		}
		if old != nil {
			p.Put.ConditionExpression = aws.String(itemExists + " AND #Helpful = :was")
			p.Put.ExpressionAttributeNames = named(attrKBHelpful)
			p.Put.ExpressionAttributeValues = item{":was": &types.AttributeValueMemberBOOL{Value: old.Helpful}}
		}
		mine, err := s.put(kbMyFeedbackItem{PK: kbMinePK(f.MemberID), SK: kbFeedbackPre + articleID, Type: typeKBMyFeedback, ArticleID: articleID}, "")
		if err != nil {
			return err
		}
		t := s.txn().add(condKBFeedback, p).add("", mine)
		var yes, no int64
		switch {
		case old == nil && f.Helpful:
			yes = 1
		case old == nil:
			no = 1
		case old.Helpful != f.Helpful && f.Helpful:
			yes, no = 1, -1
		case old.Helpful != f.Helpful:
			yes, no = -1, 1
		}
		// The article must exist (and be as published: the service checked it).
		t.add(condKBBase, s.update(key(kbArticlePK(articleID), skKBArticle), "ADD #Yes :y, #No :n", itemExists, named(attrKBYes, attrKBNo),
			item{":y": avN(yes), ":n": avN(no)}))
		err = t.run(ctx)
		switch {
		case failed(err, condKBFeedback) || lostToConcurrent(err):
			continue
		case failed(err, condKBBase):
			return knowledge.ErrNoArticle
		case err != nil:
			return fmt.Errorf("store.SetFeedback %s: %w", articleID, err)
		}
		return nil
	}
	return fmt.Errorf("store.SetFeedback %s: %w", articleID, knowledge.ErrChanged)
}

// MyFeedback implements knowledge.Store (nil: none).
func (s *Knowledge) MyFeedback(ctx context.Context, articleID, memberID string) (*knowledge.Feedback, error) {
	var it kbFeedbackItem
	err := s.get(ctx, "store.MyFeedback", kbArticlePK(articleID), kbFeedbackSK(memberID), time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &knowledge.Feedback{MemberID: it.MemberID, Helpful: it.Helpful, Comment: it.Comment, At: it.At}, nil
}

// FeedbackPage implements knowledge.Store: GSI1 KBFB#<article>, newest first, the
// feedback with a comment.
func (s *Knowledge) FeedbackPage(ctx context.Context, articleID, cursor string, limit int) ([]knowledge.Feedback, string, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), ScanIndexForward: aws.Bool(false),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: item{":pk": avS(kbFeedbacksPK(articleID))}}
	list, next, err := pageOf(ctx, s.Store, "kb-feedback-"+articleID, cursor, in, func(av item) (knowledge.Feedback, bool, error) {
		var it kbFeedbackItem
		err := attributevalue.UnmarshalMap(av, &it)
		return knowledge.Feedback{MemberID: it.MemberID, Helpful: it.Helpful, Comment: it.Comment, At: it.At}, it.Comment != "", err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store.FeedbackPage %s: %w", articleID, err)
	}
	return list, next, nil
}

// FromAnswer implements knowledge.Store: the article (version 1), the answer's mark,
// the comment's ArticleID (shown, not deleted, not linked yet) and a check that it is
// still the question's accepted answer, with the events, in one transaction.
func (s *Knowledge) FromAnswer(ctx context.Context, a knowledge.Stored, v knowledge.Version, deltas map[string]int, events []eventtypes.Envelope) error {
	src := a.Source
	c, err := s.Comments().GetComment(ctx, src.PostID, src.CommentID)
	if errors.Is(err, errs.ErrNotFound) {
		return knowledge.ErrNoAnswer
	}
	if err != nil {
		return fmt.Errorf("store.FromAnswer %s: %w", src.CommentID, err)
	}
	t := s.articleWrites(a, 0, v, deltas, events)
	t.put(condKBAnswer, kbAnswerItem{PK: kbAnswerPK(src.CommentID), SK: skKBAnswer, Type: typeKBAnswer, ArticleID: a.ID, PostID: src.PostID}, itemAbsent)
	t.add(condKBComment, s.update(key(postPK(src.PostID), commentSK(c)), "SET #ArticleID = :a",
		itemExists+" AND attribute_not_exists(#ArticleID) AND NOT #Hidden = :true AND NOT #Deleted = :true",
		named(attrKBArticleID, nameHidden, nameDeleted), item{":a": avS(a.ID), ":true": &types.AttributeValueMemberBOOL{Value: true}}))
	t.add(condKBAccepted, s.check(postKey(src.PostID), itemExists+" AND #AcceptedAnswer = :c AND NOT #Deleted = :true",
		named(nameAcceptedAnswer, nameDeleted), item{":c": avS(src.CommentID), ":true": &types.AttributeValueMemberBOOL{Value: true}}))
	err = t.run(ctx)
	switch {
	case failed(err, condKBAnswer):
		var mark kbAnswerItem
		_ = attributevalue.UnmarshalMap(failedItem(err, condKBAnswer), &mark)
		return knowledge.AnswerHasArticle(mark.ArticleID)
	case failed(err, condKBComment):
		if again, gerr := s.Comments().GetComment(ctx, src.PostID, src.CommentID); gerr == nil && again.ArticleID != "" {
			return knowledge.AnswerHasArticle(again.ArticleID)
		}
		return knowledge.ErrNotAccepted
	case failed(err, condKBAccepted):
		return knowledge.ErrNotAccepted
	case failed(err, condKBCategory):
		return knowledge.ErrNoCategory
	case err != nil:
		return fmt.Errorf("store.FromAnswer %s: %w", src.CommentID, err)
	}
	return nil
}

// ExportKnowledge implements the knowledge base's part of "download my data" (pattern
// 353): the member's follows (Query GSI1 KBMINE#<member>) and their feedback (Query
// KBMINE#<member>, then BatchGetItem of each feedback item), oldest follow first.
func (s *Knowledge) ExportKnowledge(ctx context.Context, memberID string) (knowledge.MemberRecords, error) {
	out := knowledge.MemberRecords{Follows: []knowledge.Followed{}, Feedback: []knowledge.GivenFeedback{}}
	follows, mine, err := s.memberRecords(ctx, memberID)
	if err != nil {
		return out, fmt.Errorf("store.ExportKnowledge %s: %w", memberID, err)
	}
	for _, av := range follows {
		var it kbFollowerItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return out, fmt.Errorf("store.ExportKnowledge %s: %w", memberID, err)
		}
		out.Follows = append(out.Follows, knowledge.Followed{Kind: knowledge.KindOf(it.TargetID), ID: it.TargetID, At: it.At})
	}
	slices.SortFunc(out.Follows, func(a, b knowledge.Followed) int { return a.At.Compare(b.At) })
	keys := make([]item, 0, len(mine))
	for _, av := range mine {
		var it kbMyFeedbackItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return out, fmt.Errorf("store.ExportKnowledge %s: %w", memberID, err)
		}
		keys = append(keys, key(kbArticlePK(it.ArticleID), kbFeedbackSK(memberID)))
	}
	found, err := s.batchGet(ctx, "store.ExportKnowledge", keys)
	if err != nil {
		return out, err
	}
	for _, k := range keys {
		av, ok := found[keyName(k)]
		if !ok {
			continue
		}
		var it kbFeedbackItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return out, fmt.Errorf("store.ExportKnowledge %s: %w", memberID, err)
		}
		out.Feedback = append(out.Feedback, knowledge.GivenFeedback{ArticleID: it.ArticleID, Helpful: it.Helpful, Comment: it.Comment, At: it.At})
	}
	slices.SortFunc(out.Feedback, func(a, b knowledge.GivenFeedback) int { return a.At.Compare(b.At) })
	return out, nil
}

// ForgetMember implements knowledge.Store (pattern 353): a deleted member's follows and
// the pointers to their feedback, deleted (BatchWriteItem); the feedback itself stays,
// counted and shown to staff without a name, as the member's other content stays.
func (s *Knowledge) ForgetMember(ctx context.Context, memberID string) error {
	follows, mine, err := s.memberRecords(ctx, memberID)
	if err != nil {
		return fmt.Errorf("store.ForgetMember %s: %w", memberID, err)
	}
	keys := make([]item, 0, len(follows)+len(mine))
	for _, av := range append(follows, mine...) {
		keys = append(keys, item{AttrPK: av[AttrPK], AttrSK: av[AttrSK]})
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.ForgetMember %s: %w", memberID, err)
	}
	return nil
}

// memberRecords reads a member's own knowledge-base items (pattern 353): their follows
// (Query GSI1 KBMINE#<member>, whole items) and the pointers to their feedback (Query
// KBMINE#<member>), every page of each.
func (s *Knowledge) memberRecords(ctx context.Context, memberID string) (follows, pointers []item, err error) {
	follows, err = s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression: aws.String(gsi1Is), ExpressionAttributeValues: item{":pk": avS(kbMinePK(memberID))}})
	if err == nil {
		pointers, err = s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), KeyConditionExpression: aws.String(pkIs),
			ExpressionAttributeValues: item{":pk": avS(kbMinePK(memberID))}})
	}
	return follows, pointers, err
}
