package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/newsletters"
)

// The newsletters' audience and consent (docs/newsletters.md, "Audience and consent";
// keys in keys.go): consent records per member and list, the lists' subscribers in
// GSI1, members' last activity, the suppression list, spent one-click unsubscribe
// tokens and the lists' settings.

const (
	typeConsent          = "Consent"
	typeAudienceActive   = "AudienceActivity"
	typeListSettings     = "NewsletterListSettings"
	typeSuppression      = "Suppression"
	typeUnsubscribeSpent = "UnsubscribeSpent"

	condUnsubscribeNew = "unsubscribe token not spent"
	condSuppressionNew = "address not suppressed yet"
	condConsentNew     = "no consent recorded yet"
	condMailEventNew   = "event not recorded yet"
	condActiveOlder    = "activity older"
	condSuppressed     = "address suppressed"

	attrLastActiveDay = "LastActiveDay"

	// shardReaders is how many of a list's subscriber shards are read at once.
	shardReaders = 4
)

var _ newsletters.AudienceStore = (*Newsletters)(nil)

type consentItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string `dynamodbav:",omitempty"`
	MemberID       string
	List           string
	Subscribed     bool
	At             time.Time
	Source         string
	NewsletterID   string `dynamodbav:",omitempty"`
}

func newConsentItem(memberID string, c newsletters.Consent) consentItem {
	k := consentKey(memberID, c.List)
	it := consentItem{PK: memberPK(memberID), SK: k[AttrSK].(*types.AttributeValueMemberS).Value, Type: typeConsent, MemberID: memberID,
		List: c.List, Subscribed: c.Subscribed, At: c.At.UTC(), Source: c.Source, NewsletterID: c.NewsletterID}
	if c.Subscribed {
		it.GSI1PK, it.GSI1SK = subscribersPK(c.List, subscriberShard(memberID)), memberID
	}
	return it
}

func (i consentItem) consent() newsletters.Consent {
	return newsletters.Consent{List: i.List, Subscribed: i.Subscribed, At: i.At, Source: i.Source, NewsletterID: i.NewsletterID}
}

type audienceActiveItem struct {
	PK, SK, Type  string
	LastActiveDay string
}

type listSettingsItem struct {
	PK, SK, Type string
	Defaults     map[string]bool
}

type suppressionItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	Email          string
	Reason         string
	At             time.Time
	MemberID       string `dynamodbav:",omitempty"`
	NewsletterID   string `dynamodbav:",omitempty"`
	Detail         string `dynamodbav:",omitempty"`
}

func newSuppressionItem(s newsletters.Suppression) suppressionItem {
	k := suppressionKey(s.Email)
	return suppressionItem{PK: k[AttrPK].(*types.AttributeValueMemberS).Value, SK: skSuppression, Type: typeSuppression,
		GSI1PK: suppressionsPK, GSI1SK: suppressionsSK(s.At, s.Email), Email: s.Email, Reason: s.Reason, At: s.At.UTC(),
		MemberID: s.MemberID, NewsletterID: s.NewsletterID, Detail: s.Detail}
}

func (i suppressionItem) suppression() newsletters.Suppression {
	return newsletters.Suppression{Email: i.Email, Reason: i.Reason, At: i.At, MemberID: i.MemberID, NewsletterID: i.NewsletterID, Detail: i.Detail}
}

type unsubscribeSpentItem struct {
	PK, SK, Type string
	MemberID     string
	ExpiresAt    int64
}

// UnsubscribeKey is the key that signs one-click unsubscribe tokens: derived from the
// deployment's cursor secret (CursorKey), so every function of a deployment agrees and
// no other secret is kept.
func (s *Newsletters) UnsubscribeKey() ([]byte, error) {
	k, err := s.cursorKey()
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, k)
	mac.Write([]byte("tribune newsletters: one-click unsubscribe"))
	return mac.Sum(nil), nil
}

// ---- candidates ----

// EachCandidate implements newsletters.AudienceStore: the list's subscribers (GSI1,
// shard by shard) or the members of the spaces (each space's partition, a member of an
// earlier space left out), a page of at most newsletters.AudiencePage at a time, each
// page's members read together (profile, consent, activity) and then their addresses'
// suppressions: two or three BatchGetItem calls per page.
func (s *Newsletters) EachCandidate(ctx context.Context, list string, spaceIDs []string, activity bool, page func([]newsletters.Candidate) error) error {
	each := func(ctx context.Context, in *dynamodb.QueryInput, ids func([]item) ([]string, error)) error {
		return s.eachPage(ctx, in, func(items []item) error {
			memberIDs, err := ids(items)
			if err != nil || len(memberIDs) == 0 {
				return err
			}
			cs, err := s.candidates(ctx, list, memberIDs, activity)
			if err != nil {
				return err
			}
			if len(cs) == 0 {
				return nil
			}
			return page(cs)
		})
	}
	if len(spaceIDs) == 0 {
		// The shards are read by shardReaders at once (reads in flight, not memory,
		// grow with them: each holds one page); page is called by one at a time.
		var mu sync.Mutex
		serial := page
		page = func(cs []newsletters.Candidate) error {
			mu.Lock()
			defer mu.Unlock()
			return serial(cs)
		}
		shards := make(chan int, subscriberShards)
		for shard := range subscriberShards {
			shards <- shard
		}
		close(shards)
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var failOnce sync.Once
		var failure error
		var wg sync.WaitGroup
		for range shardReaders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for shard := range shards {
					in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), Limit: aws.Int32(newsletters.AudiencePage),
						KeyConditionExpression:    aws.String(gsi1Is),
						ExpressionAttributeValues: item{":pk": avS(subscribersPK(list, shard))}}
					err := each(sctx, in, func(items []item) ([]string, error) {
						out := make([]string, 0, len(items))
						for _, it := range items {
							if v, ok := it[AttrGSI1SK].(*types.AttributeValueMemberS); ok {
								out = append(out, v.Value)
							}
						}
						return out, nil
					})
					if err != nil {
						// The first failure is the answer; the others stop on it.
						failOnce.Do(func() { failure = fmt.Errorf("store.EachCandidate %s: %w", list, err) })
						cancel()
						return
					}
				}
			}()
		}
		wg.Wait()
		return failure
	}
	for i, spaceID := range spaceIDs {
		in := queryPrefix(s.Table, spacePK(spaceID), activeMemberPrefix, AttrSK)
		in.Limit = aws.Int32(newsletters.AudiencePage)
		earlier := spaceIDs[:i]
		err := each(ctx, in, func(items []item) ([]string, error) {
			ids := make([]string, 0, len(items))
			for _, it := range items {
				if v, ok := it[AttrSK].(*types.AttributeValueMemberS); ok {
					ids = append(ids, v.Value[len(activeMemberPrefix):])
				}
			}
			if len(earlier) == 0 {
				return ids, nil
			}
			// A member of an earlier space was handed over with it already.
			var keys []item
			for _, sp := range earlier {
				for _, id := range ids {
					keys = append(keys, spaceMemberKey(sp, id))
				}
			}
			found, err := s.batchGet(ctx, "store.EachCandidate", keys)
			if err != nil {
				return nil, err
			}
			out := ids[:0]
			for _, id := range ids {
				seen := false
				for _, sp := range earlier {
					if _, ok := found[keyName(spaceMemberKey(sp, id))]; ok {
						seen = true
						break
					}
				}
				if !seen {
					out = append(out, id)
				}
			}
			return out, nil
		})
		if err != nil {
			return fmt.Errorf("store.EachCandidate %s space %s: %w", list, spaceID, err)
		}
	}
	return nil
}

// candidateOf is a member's profile and consent to list among the items a batch read
// found (false: no profile).
func candidateOf(found map[string]item, memberID, list string) (newsletters.Candidate, bool, error) {
	av, ok := found[keyName(memberKey(memberID))]
	if !ok {
		return newsletters.Candidate{}, false, nil
	}
	var m memberItem
	if err := attributevalue.UnmarshalMap(av, &m); err != nil {
		return newsletters.Candidate{}, false, err
	}
	c := newsletters.Candidate{MemberID: m.ID, Email: m.Email, Name: m.DisplayName, Lang: m.Locale, Roles: m.Roles, Status: m.Status, JoinedAt: m.CreatedAt}
	if av, ok := found[keyName(consentKey(memberID, list))]; ok {
		var ci consentItem
		if err := attributevalue.UnmarshalMap(av, &ci); err != nil {
			return newsletters.Candidate{}, false, err
		}
		c.Consents = ci.Subscribed
	}
	return c, true, nil
}

// candidates reads members (profile, consent to list, activity when asked) and then
// the suppression of their addresses; members without a profile are left out.
func (s *Newsletters) candidates(ctx context.Context, list string, memberIDs []string, activity bool) ([]newsletters.Candidate, error) {
	keys := make([]item, 0, 3*len(memberIDs))
	for _, id := range memberIDs {
		keys = append(keys, memberKey(id), consentKey(id, list))
		if activity {
			keys = append(keys, audienceActiveKey(id))
		}
	}
	found, err := s.batchGet(ctx, "store.candidates", keys)
	if err != nil {
		return nil, err
	}
	out := make([]newsletters.Candidate, 0, len(memberIDs))
	var supKeys []item
	for _, id := range memberIDs {
		c, ok, err := candidateOf(found, id, list)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if av, ok := found[keyName(audienceActiveKey(id))]; ok {
			var ai audienceActiveItem
			if err := attributevalue.UnmarshalMap(av, &ai); err != nil {
				return nil, err
			}
			c.LastActiveAt, _ = time.Parse(time.DateOnly, ai.LastActiveDay)
		}
		if c.Email != "" {
			supKeys = append(supKeys, suppressionKey(c.Email))
		}
		out = append(out, c)
	}
	if len(supKeys) > 0 {
		sup, err := s.batchGet(ctx, "store.candidates", supKeys)
		if err != nil {
			return nil, err
		}
		for i := range out {
			if out[i].Email != "" {
				_, out[i].Suppressed = sup[keyName(suppressionKey(out[i].Email))]
			}
		}
	}
	return out, nil
}

// Candidate implements newsletters.AudienceStore (with the member's activity).
func (s *Newsletters) Candidate(ctx context.Context, list, memberID string) (newsletters.Candidate, bool, error) {
	cs, err := s.candidates(ctx, list, []string{memberID}, true)
	if err != nil {
		return newsletters.Candidate{}, false, fmt.Errorf("store.Candidate %s: %w", memberID, err)
	}
	if len(cs) == 0 {
		return newsletters.Candidate{}, false, nil
	}
	return cs[0], true, nil
}

// ReachAll implements newsletters.AudienceStore: one BatchGetItem for the profiles,
// consents to list and suppression items of rs (3 keys each, 100 a call), plus one read
// of the current address's suppression for a member whose address changed since rs was
// frozen.
func (s *Newsletters) ReachAll(ctx context.Context, list string, rs []newsletters.Recipient) (map[string]newsletters.Candidate, error) {
	keys := make([]item, 0, 3*len(rs))
	for _, r := range rs {
		keys = append(keys, memberKey(r.MemberID), consentKey(r.MemberID, list))
		if r.Email != "" {
			keys = append(keys, suppressionKey(r.Email))
		}
	}
	found, err := s.batchGet(ctx, "store.ReachAll", keys)
	if err != nil {
		return nil, fmt.Errorf("store.ReachAll: %w", err)
	}
	out := make(map[string]newsletters.Candidate, len(rs))
	for _, r := range rs {
		c, ok, err := candidateOf(found, r.MemberID, list)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if r.Email != "" {
			_, c.Suppressed = found[keyName(suppressionKey(r.Email))]
		}
		if c.Email != "" && c.Email != r.Email && !c.Suppressed {
			if _, sup, err := s.Suppression(ctx, c.Email); err != nil {
				return nil, err
			} else if sup {
				c.Suppressed = true
			}
		}
		out[r.MemberID] = c
	}
	return out, nil
}

// SpacesExist implements newsletters.AudienceStore.
func (s *Newsletters) SpacesExist(ctx context.Context, ids []string) (bool, error) {
	keys := make([]item, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, key(spacePK(id), skSpace))
	}
	found, err := s.batchGet(ctx, "store.SpacesExist", keys)
	if err != nil {
		return false, err
	}
	return len(found) == len(keys), nil
}

// ---- consent ----

// Consents implements newsletters.AudienceStore.
func (s *Newsletters) Consents(ctx context.Context, memberID string) ([]newsletters.Consent, error) {
	items, err := queryItems[consentItem](ctx, s.Store, queryPrefix(s.Table, memberPK(memberID), consentPrefix))
	if err != nil {
		return nil, fmt.Errorf("store.Consents %s: %w", memberID, err)
	}
	out := make([]newsletters.Consent, 0, len(items))
	for _, it := range items {
		out = append(out, it.consent())
	}
	return out, nil
}

// SetConsents implements newsletters.AudienceStore: the records and their events in one
// transaction (the member must exist).
func (s *Newsletters) SetConsents(ctx context.Context, memberID string, cs []newsletters.Consent, events []eventtypes.Envelope) error {
	t := s.txn()
	t.add("", s.check(memberKey(memberID), itemExists, nil, nil))
	for _, c := range cs {
		t.put("", newConsentItem(memberID, c), "")
	}
	outs, err := s.outboxPuts(events)
	t.also("", outs, err)
	if err := t.run(ctx); err != nil {
		return fmt.Errorf("store.SetConsents %s: %w", memberID, err)
	}
	return nil
}

// SignUpConsents implements newsletters.AudienceStore: each list's record unless one
// is there (a choice made meanwhile, or an earlier delivery of the same sign-up).
func (s *Newsletters) SignUpConsents(ctx context.Context, memberID string, cs []newsletters.Consent) error {
	for _, c := range cs {
		err := s.txn().put(condConsentNew, newConsentItem(memberID, c), itemAbsent).run(ctx)
		if err != nil && !failed(err, condConsentNew) {
			return fmt.Errorf("store.SignUpConsents %s: %w", memberID, err)
		}
	}
	return nil
}

// ListSettings implements newsletters.AudienceStore.
func (s *Newsletters) ListSettings(ctx context.Context) (newsletters.ListSettings, error) {
	var it listSettingsItem
	err := s.get(ctx, "store.ListSettings", pkSettings, skListSettings, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.DefaultListSettings(), nil
	}
	if err != nil {
		return newsletters.ListSettings{}, err
	}
	out := newsletters.DefaultListSettings()
	for l, v := range it.Defaults {
		if newsletters.ValidList(l) {
			out.Defaults[l] = v
		}
	}
	return out, nil
}

// SaveListSettings implements newsletters.AudienceStore.
func (s *Newsletters) SaveListSettings(ctx context.Context, ls newsletters.ListSettings) error {
	err := s.txn().put("", listSettingsItem{PK: pkSettings, SK: skListSettings, Type: typeListSettings, Defaults: ls.Defaults}, "").run(ctx)
	if err != nil {
		return fmt.Errorf("store.SaveListSettings: %w", err)
	}
	return nil
}

// ---- one-click unsubscribe ----

// SpendUnsubscribe implements newsletters.AudienceStore: the token's record (refused if
// there), the consent and its event, in one transaction.
func (s *Newsletters) SpendUnsubscribe(ctx context.Context, nonce string, expires time.Time, memberID string, c newsletters.Consent, event eventtypes.Envelope) error {
	k := unsubscribeUsedKey(nonce)
	t := s.txn()
	t.put(condUnsubscribeNew, unsubscribeSpentItem{PK: k[AttrPK].(*types.AttributeValueMemberS).Value, SK: skUnsubscribeUsed, Type: typeUnsubscribeSpent,
		MemberID: memberID, ExpiresAt: expires.Unix()}, itemAbsent)
	t.put("", newConsentItem(memberID, c), "")
	out, err := s.outboxPut(event)
	t.also("", []types.TransactWriteItem{out}, err)
	err = t.run(ctx)
	if failed(err, condUnsubscribeNew) {
		return newsletters.ErrUnsubscribeUsed
	}
	if err != nil {
		return fmt.Errorf("store.SpendUnsubscribe %s: %w", memberID, err)
	}
	return nil
}

// UnsubscribeSpent implements newsletters.AudienceStore.
func (s *Newsletters) UnsubscribeSpent(ctx context.Context, nonce string) (bool, error) {
	k := unsubscribeUsedKey(nonce)
	var it unsubscribeSpentItem
	err := s.get(ctx, "store.UnsubscribeSpent", k[AttrPK].(*types.AttributeValueMemberS).Value, skUnsubscribeUsed, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// ---- suppression list ----

// Suppress implements newsletters.AudienceStore: the suppression and its event in one
// transaction; an address suppressed already keeps its first record and the event
// is recorded alone; an event recorded already (a redelivered SES event) writes nothing.
func (s *Newsletters) Suppress(ctx context.Context, sup newsletters.Suppression, event eventtypes.Envelope) error {
	t := s.txn()
	t.put(condSuppressionNew, newSuppressionItem(sup), itemAbsent)
	out, err := s.outboxPut(event)
	t.also(condMailEventNew, []types.TransactWriteItem{out}, err)
	err = t.run(ctx)
	switch {
	case failed(err, condMailEventNew):
		return nil
	case failed(err, condSuppressionNew):
		return s.Publish(ctx, event)
	case err != nil:
		return fmt.Errorf("store.Suppress: %w", err)
	}
	return nil
}

// Suppression implements newsletters.AudienceStore.
func (s *Newsletters) Suppression(ctx context.Context, email string) (newsletters.Suppression, bool, error) {
	var it suppressionItem
	k := suppressionKey(email)
	err := s.get(ctx, "store.Suppression", k[AttrPK].(*types.AttributeValueMemberS).Value, skSuppression, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.Suppression{}, false, nil
	}
	if err != nil {
		return newsletters.Suppression{}, false, err
	}
	return it.suppression(), true, nil
}

// Suppressions implements newsletters.AudienceStore: GSI1 SUPPRESSIONS, newest first.
func (s *Newsletters) Suppressions(ctx context.Context, cursor string, limit int) (newsletters.SuppressionPage, error) {
	if limit <= 0 {
		limit = 50
	}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), Limit: aws.Int32(int32(limit)),
		ScanIndexForward: aws.Bool(false), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: item{":pk": avS(suppressionsPK)}}
	list, next, err := pageOf(ctx, s.Store, "suppressions", cursor, in, func(av item) (newsletters.Suppression, bool, error) {
		var it suppressionItem
		err := attributevalue.UnmarshalMap(av, &it)
		return it.suppression(), err == nil, err
	})
	if err != nil {
		return newsletters.SuppressionPage{}, fmt.Errorf("store.Suppressions: %w", err)
	}
	return newsletters.SuppressionPage{Items: list, Next: next}, nil
}

// Unsuppress implements newsletters.AudienceStore.
func (s *Newsletters) Unsuppress(ctx context.Context, email string) error {
	err := s.txn().add(condSuppressed, s.del(suppressionKey(email), itemExists)).run(ctx)
	if failed(err, condSuppressed) {
		return errs.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store.Unsuppress: %w", err)
	}
	return nil
}

// MemberByEmail implements newsletters.AudienceStore.
func (s *Newsletters) MemberByEmail(ctx context.Context, email string) (string, error) {
	var it emailItem
	err := s.get(ctx, "store.MemberByEmail", emailPK(email), skEmail, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return "", nil
	}
	return it.MemberID, err
}

// Publish implements newsletters.AudienceStore: the event alone, once per id.
func (s *Newsletters) Publish(ctx context.Context, event eventtypes.Envelope) error {
	out, err := s.outboxPut(event)
	t := s.txn().also(condMailEventNew, []types.TransactWriteItem{out}, err)
	err = t.run(ctx)
	if failed(err, condMailEventNew) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.Publish %s: %w", event.DetailType, err)
	}
	return nil
}

// ---- activity ----

// MarkActive records that a member acted on day (yyyy-mm-dd): written only when the
// day is later than the one recorded, so a busy member costs one write a day.
func (s *Newsletters) MarkActive(ctx context.Context, memberID string, at time.Time) error {
	day := at.UTC().Format(time.DateOnly)
	err := s.txn().add(condActiveOlder, s.update(audienceActiveKey(memberID), "SET #Type = :type, #LastActiveDay = :day",
		"attribute_not_exists(#LastActiveDay) OR #LastActiveDay < :day", named(AttrType, attrLastActiveDay),
		item{":type": avS(typeAudienceActive), ":day": avS(day)})).run(ctx)
	if failed(err, condActiveOlder) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.MarkActive %s: %w", memberID, err)
	}
	return nil
}

// EraseAudience deletes a deleted member's consent records and activity (their
// account's erasure; the suppression list keeps addresses, not members: a suppressed
// address stays suppressed, its member id dropped). Fixed keys: a repeat is harmless.
func (s *Newsletters) EraseAudience(ctx context.Context, memberID string) error {
	keys := []item{audienceActiveKey(memberID)}
	for _, l := range newsletters.Lists {
		keys = append(keys, consentKey(memberID, l))
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.EraseAudience %s: %w", memberID, err)
	}
	return nil
}
