package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/newsletters"
	"tribune/shared/ratelimit"
)

// Newsletters, writing (issue 13, n1): the newsletter item and its writing fields, the
// branding, the recurring digests (docs/newsletters.md, docs/data-model.md).

const (
	typeNewsletter         = "Newsletter"
	typeNewsletterBranding = "NewsletterBranding"
	typeNewsletterDigest   = "NewsletterDigest"
)

// Attribute names that the newsletter expressions name: fields of newsletterItem
// (TestNewsletterAttributesAreItemFields). Sending and results read and update State
// and their own attributes by these names too.
const (
	NewsletterAttrState       = "State"
	NewsletterAttrUpdatedAt   = "UpdatedAt"
	NewsletterAttrList        = "List"
	NewsletterAttrSegment     = "Segment"
	NewsletterAttrSendAt      = "SendAt"
	nlName                    = "Name"
	nlDefaultLang             = "DefaultLang"
	nlVersions                = "Versions"
	nlBlocks                  = "Blocks"
	nlPeriodDays              = "PeriodDays"
	nlArchive                 = "Archive"
	condNewsletterEditable    = "newsletter editable"
	condNewsletterDraft       = "newsletter draft"
	condNewsletterIssueIsNew  = "digest issue new"
	newsletterUnchangedAndEdt = "#UpdatedAt = :old AND #State = :draft"
)

// versionItem, blockItem, segmentItem: a newsletter's parts as the item stores them.
type versionItem struct {
	Lang, Subject, Preheader, Body, FirstNameFallback string
}

type blockItem struct {
	Kind  string
	Limit int
}

type segmentItem struct {
	SpaceIDs, Roles, Languages []string
	ActiveDays, InactiveDays   int
	JoinedAfter                *time.Time
}

func newSegmentItem(s newsletters.Segment) segmentItem {
	return segmentItem{SpaceIDs: s.SpaceIDs, Roles: s.Roles, Languages: s.Languages, ActiveDays: s.ActiveDays,
		InactiveDays: s.InactiveDays, JoinedAfter: s.JoinedAfter}
}

func (it segmentItem) segment() newsletters.Segment {
	return newsletters.Segment{SpaceIDs: nonNilStrings(it.SpaceIDs), Roles: nonNilStrings(it.Roles), Languages: nonNilStrings(it.Languages),
		ActiveDays: it.ActiveDays, InactiveDays: it.InactiveDays, JoinedAfter: it.JoinedAfter}
}

// writingItem is Newsletter's writing fields as items store them (a newsletter's and a
// digest's).
type writingItem struct {
	Name        string
	DefaultLang string
	Versions    []versionItem
	Blocks      []blockItem
	PeriodDays  int
	Archive     bool
}

func newWritingItem(w newsletters.Writing) writingItem {
	it := writingItem{Name: w.Name, DefaultLang: w.DefaultLang, PeriodDays: w.PeriodDays, Archive: w.Archive,
		Versions: make([]versionItem, len(w.Versions)), Blocks: make([]blockItem, len(w.Blocks))}
	for i, v := range w.Versions {
		it.Versions[i] = versionItem{Lang: v.Lang, Subject: v.Subject, Preheader: v.Preheader, Body: v.Body, FirstNameFallback: v.FirstNameFallback}
	}
	for i, b := range w.Blocks {
		it.Blocks[i] = blockItem{Kind: b.Kind, Limit: b.Limit}
	}
	return it
}

func (it writingItem) writing() newsletters.Writing {
	w := newsletters.Writing{Name: it.Name, DefaultLang: it.DefaultLang, PeriodDays: it.PeriodDays, Archive: it.Archive,
		Versions: make([]newsletters.Version, len(it.Versions)), Blocks: make([]newsletters.Block, len(it.Blocks))}
	for i, v := range it.Versions {
		w.Versions[i] = newsletters.Version{Lang: v.Lang, Subject: v.Subject, Preheader: v.Preheader, Body: v.Body, FirstNameFallback: v.FirstNameFallback}
	}
	for i, b := range it.Blocks {
		w.Blocks[i] = newsletters.Block{Kind: b.Kind, Limit: b.Limit}
	}
	return w
}

// newsletterItem is a newsletter: NEWSLETTER#<n> / NEWSLETTER; GSI1 NEWSLETTERS /
// <created>#<n>. Sending and results add attributes of their own (read by their own
// item types); writing never Puts over an item that exists.
type newsletterItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ID             string
	List           string
	State          string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	writingItem
	DigestID string `dynamodbav:",omitempty"`
	Segment  segmentItem
	SendAt   *time.Time `dynamodbav:",omitempty"`
}

func newNewsletterItem(n newsletters.Newsletter) newsletterItem {
	return newsletterItem{PK: newsletterPK(n.ID), SK: skNewsletter, Type: typeNewsletter, GSI1PK: newslettersPK, GSI1SK: newslettersSK(n.CreatedAt, n.ID),
		ID: n.ID, List: n.List, State: n.State, CreatedBy: n.CreatedBy, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt,
		writingItem: newWritingItem(n.Writing), DigestID: n.DigestID, Segment: newSegmentItem(n.Segment), SendAt: n.SendAt}
}

func (it newsletterItem) newsletter() newsletters.Newsletter {
	return newsletters.Newsletter{ID: it.ID, List: it.List, State: it.State, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		Writing: it.writing(), DigestID: it.DigestID, Segment: it.Segment.segment(), SendAt: it.SendAt}
}

var (
	_ newsletters.WritingStore = (*Newsletters)(nil)
	_ newsletters.DigestStore  = (*Newsletters)(nil)
	_ newsletters.ArchiveStore = (*Newsletters)(nil)
)

// CreateNewsletter implements newsletters.WritingStore.
func (s *Newsletters) CreateNewsletter(ctx context.Context, n newsletters.Newsletter) error {
	if err := s.txn().put("", newNewsletterItem(n), itemAbsent).run(ctx); err != nil {
		return fmt.Errorf("store.CreateNewsletter %s: %w", n.ID, err)
	}
	return nil
}

// Newsletter implements newsletters.WritingStore: one consistent GetItem.
func (s *Newsletters) Newsletter(ctx context.Context, id string) (newsletters.Newsletter, error) {
	var it newsletterItem
	if err := s.get(ctx, "store.Newsletter", newsletterPK(id), skNewsletter, time.Now(), &it); err != nil {
		return newsletters.Newsletter{}, err
	}
	return it.newsletter(), nil
}

// UpdateWriting implements newsletters.WritingStore: the writing fields, list and
// segment are SET on condition that the newsletter is as old was read (UpdatedAt) and
// still a draft: an edit racing its scheduling or the start of sending loses.
func (s *Newsletters) UpdateWriting(ctx context.Context, old, n newsletters.Newsletter) error {
	w := newWritingItem(n.Writing)
	versions, err := attributevalue.Marshal(w.Versions)
	if err != nil {
		return fmt.Errorf("store.UpdateWriting: %w", err)
	}
	blocks, err := attributevalue.Marshal(w.Blocks)
	if err != nil {
		return fmt.Errorf("store.UpdateWriting: %w", err)
	}
	segment, err := attributevalue.Marshal(newSegmentItem(n.Segment))
	if err != nil {
		return fmt.Errorf("store.UpdateWriting: %w", err)
	}
	expr := "SET #Name = :name, #DefaultLang = :lang, #Versions = :versions, #Blocks = :blocks, #PeriodDays = :period, " +
		"#Archive = :archive, #List = :list, #Segment = :segment, #UpdatedAt = :now"
	vals := item{":name": avS(w.Name), ":lang": avS(w.DefaultLang), ":versions": versions, ":blocks": blocks,
		":period": avN(int64(w.PeriodDays)), ":archive": &types.AttributeValueMemberBOOL{Value: w.Archive}, ":list": avS(n.List),
		":segment": segment, ":now": avS(stamp(n.UpdatedAt)), ":old": avS(stamp(old.UpdatedAt)),
		":draft": avS(newsletters.StateDraft)}
	up := &types.Update{TableName: aws.String(s.Table), Key: newsletterKey(n.ID), UpdateExpression: aws.String(expr),
		ConditionExpression: aws.String(newsletterUnchangedAndEdt), ExpressionAttributeValues: vals,
		ExpressionAttributeNames: named(nlName, nlDefaultLang, nlVersions, nlBlocks, nlPeriodDays, nlArchive, NewsletterAttrList,
			NewsletterAttrSegment, NewsletterAttrUpdatedAt, NewsletterAttrState),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
	err = s.txn().add(condNewsletterEditable, types.TransactWriteItem{Update: up}).run(ctx)
	if failed(err, condNewsletterEditable) {
		var was newsletterItem
		if it := failedItem(err, condNewsletterEditable); it == nil {
			return fmt.Errorf("store.UpdateWriting %s: %w", n.ID, newsletters.ErrNoNewsletter)
		} else if attributevalue.UnmarshalMap(it, &was) == nil && was.State != newsletters.StateDraft {
			return fmt.Errorf("store.UpdateWriting %s: %w", n.ID, newsletters.ErrNotDraft)
		}
		return fmt.Errorf("store.UpdateWriting %s: %w", n.ID, newsletters.ErrChanged)
	}
	if lostToConcurrent(err) {
		return fmt.Errorf("store.UpdateWriting %s: %w", n.ID, newsletters.ErrChanged)
	}
	if err != nil {
		return fmt.Errorf("store.UpdateWriting %s: %w", n.ID, err)
	}
	return nil
}

// DeleteNewsletter implements newsletters.WritingStore: on condition it is a draft.
func (s *Newsletters) DeleteNewsletter(ctx context.Context, n newsletters.Newsletter) error {
	d := s.del(newsletterKey(n.ID), "#State = :draft")
	d.Delete.ExpressionAttributeNames = named(NewsletterAttrState)
	d.Delete.ExpressionAttributeValues = item{":draft": avS(newsletters.StateDraft)}
	err := s.txn().add(condNewsletterDraft, d).run(ctx)
	if failed(err, condNewsletterDraft) {
		return fmt.Errorf("store.DeleteNewsletter %s: %w", n.ID, newsletters.ErrNotDraft)
	}
	if err != nil {
		return fmt.Errorf("store.DeleteNewsletter %s: %w", n.ID, err)
	}
	return nil
}

// newsletterPage reads a page of GSI1 NEWSLETTERS, newest first, keeping those keep says.
func (s *Newsletters) newsletterPage(ctx context.Context, op, cursor string, limit int, keep func(newsletters.Newsletter) bool) ([]newsletters.Newsletter, string, error) {
	out, next, err := pageOf(ctx, s.Store, newslettersPK, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String("#" + AttrGSI1PK + " = :pk"),
		ExpressionAttributeNames: named(AttrGSI1PK), ExpressionAttributeValues: item{":pk": avS(newslettersPK)}},
		func(av item) (newsletters.Newsletter, bool, error) {
			var it newsletterItem
			err := attributevalue.UnmarshalMap(av, &it)
			n := it.newsletter()
			return n, err == nil && keep(n), err
		})
	if err != nil {
		if errors.Is(err, errCursor) {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("%s: %w", op, err)
	}
	return out, next, nil
}

// Newsletters implements newsletters.WritingStore: GSI1 NEWSLETTERS, newest first.
func (s *Newsletters) Newsletters(ctx context.Context, cursor string, limit int) ([]newsletters.Newsletter, string, error) {
	return s.newsletterPage(ctx, "store.Newsletters", cursor, limit, func(newsletters.Newsletter) bool { return true })
}

// Archived implements newsletters.ArchiveStore: GSI1 NEWSLETTERS, newest first, the
// sent ones marked for the archive (a page may hold fewer than limit).
func (s *Newsletters) Archived(ctx context.Context, cursor string, limit int) ([]newsletters.Newsletter, string, error) {
	return s.newsletterPage(ctx, "store.Archived", cursor, limit, newsletters.InArchive)
}

// CountTestSend implements newsletters.WritingStore: the hits alone, in one transaction.
func (s *Newsletters) CountTestSend(ctx context.Context, hits []ratelimit.Hit, now time.Time) error {
	if err := s.writeUnderLimits(ctx, hits, now, newsletters.ErrTooManyTests); err != nil {
		return fmt.Errorf("store.CountTestSend: %w", err)
	}
	return nil
}

// brandingItem is the newsletters' branding: COMMUNITY / NEWSLETTERBRANDING.
type brandingItem struct {
	PK, SK, Type                          string
	CommunityName, Color, LogoURL, Footer string
}

// Branding implements newsletters.WritingStore (DefaultBranding until set).
func (s *Newsletters) Branding(ctx context.Context) (newsletters.Branding, error) {
	var it brandingItem
	err := s.get(ctx, "store.Branding", pkSettings, skNewsletterBranding, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.DefaultBranding, nil
	}
	if err != nil {
		return newsletters.Branding{}, err
	}
	return newsletters.Branding{CommunityName: it.CommunityName, Color: it.Color, LogoURL: it.LogoURL, Footer: it.Footer}, nil
}

// SaveBranding implements newsletters.WritingStore.
func (s *Newsletters) SaveBranding(ctx context.Context, b newsletters.Branding) error {
	it := brandingItem{PK: pkSettings, SK: skNewsletterBranding, Type: typeNewsletterBranding, CommunityName: b.CommunityName,
		Color: b.Color, LogoURL: b.LogoURL, Footer: b.Footer}
	if err := s.txn().put("", it, "").run(ctx); err != nil {
		return fmt.Errorf("store.SaveBranding: %w", err)
	}
	return nil
}

// digestItem is a recurring digest: COMMUNITY / NEWSLETTERDIGEST#<id>.
type digestItem struct {
	PK, SK, Type string
	ID           string
	Enabled      bool
	Weekday      int
	MonthDay     int
	Hour         int
	TimeZone     string
	writingItem
	Segment   segmentItem
	NextAt    *time.Time `dynamodbav:",omitempty"`
	LastID    string
	UpdatedAt time.Time
}

// Digests implements newsletters.DigestStore: one Query of COMMUNITY's digests.
func (s *Newsletters) Digests(ctx context.Context) ([]newsletters.Digest, error) {
	res, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("#" + AttrPK + " = :pk AND begins_with(#" + AttrSK + ", :p)"), ExpressionAttributeNames: named(AttrPK, AttrSK),
		ExpressionAttributeValues: item{":pk": avS(pkSettings), ":p": avS(newsletterDigestIn)}})
	if err != nil {
		return nil, fmt.Errorf("store.Digests: %w", err)
	}
	var out []newsletters.Digest
	for _, av := range res.Items {
		var it digestItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("store.Digests: %w", err)
		}
		out = append(out, it.digest())
	}
	return out, nil
}

func (it digestItem) digest() newsletters.Digest {
	return newsletters.Digest{ID: it.ID, Enabled: it.Enabled, Weekday: it.Weekday, MonthDay: it.MonthDay, Hour: it.Hour, TimeZone: it.TimeZone,
		Writing: it.writing(), Segment: it.Segment.segment(), NextAt: it.NextAt, LastID: it.LastID, UpdatedAt: it.UpdatedAt}
}

// Digest implements newsletters.DigestStore.
func (s *Newsletters) Digest(ctx context.Context, id string) (newsletters.Digest, error) {
	var it digestItem
	if err := s.get(ctx, "store.Digest", pkSettings, newsletterDigestSK(id), time.Now(), &it); err != nil {
		return newsletters.Digest{}, err
	}
	return it.digest(), nil
}

// SaveDigest implements newsletters.DigestStore.
func (s *Newsletters) SaveDigest(ctx context.Context, d newsletters.Digest) error {
	it := digestItem{PK: pkSettings, SK: newsletterDigestSK(d.ID), Type: typeNewsletterDigest, ID: d.ID, Enabled: d.Enabled,
		Weekday: d.Weekday, MonthDay: d.MonthDay, Hour: d.Hour, TimeZone: d.TimeZone, writingItem: newWritingItem(d.Writing),
		Segment: newSegmentItem(d.Segment), NextAt: d.NextAt, LastID: d.LastID, UpdatedAt: d.UpdatedAt}
	if err := s.txn().put("", it, "").run(ctx); err != nil {
		return fmt.Errorf("store.SaveDigest %s: %w", d.ID, err)
	}
	return nil
}

// CreateIssue implements newsletters.DigestStore: the issue is written unless it exists.
func (s *Newsletters) CreateIssue(ctx context.Context, n newsletters.Newsletter) (bool, error) {
	err := s.txn().put(condNewsletterIssueIsNew, newNewsletterItem(n), itemAbsent).run(ctx)
	if failed(err, condNewsletterIssueIsNew) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.CreateIssue %s: %w", n.ID, err)
	}
	return true, nil
}
