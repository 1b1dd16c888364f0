package store

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
	"tribune/shared/newsletters"
)

// Results of newsletters (issue 13, n4): the aggregate counters, the clicks per link,
// the open-tracking switch (docs/newsletters.md, "Results"; docs/data-model.md).

const (
	typeNewsletterResults  = "NewsletterResults"
	typeNewsletterLink     = "NewsletterLink"
	typeNewsletterTracking = "NewsletterTracking"
	// resultsConsumer names the results' idempotency records of mail events (their own,
	// so the metrics consumer counting the same event elsewhere is not taken for it).
	resultsConsumer = "newsletter-results"
)

// Attribute names the results' expressions name: fields of newsletterResultsItem and
// newsletterLinkItem (TestNewsletterResultsAttributesAreItemFields).
const (
	nrDelivered    = "Delivered"
	nrBounced      = "Bounced"
	nrComplaints   = "Complaints"
	nrUnsubscribes = "Unsubscribes"
	nrClicks       = "Clicks"
	nrVisits       = "Visits"
	nrOpens        = "Opens"
	nrLinks        = "Links"
	nrNewsletterID = "NewsletterID"
	nrURL          = "URL"
	nrCommunity    = "Community"
)

// Named conditions of results transactions.
const (
	// condLinkNew: the link's item does not exist yet (its first click).
	condLinkNew = "link new"
	// condLinksRoom: the newsletter has fewer than MaxTrackedLinks links counted.
	condLinksRoom = "links room"
	// condResultsEventNew: the mail event was not counted yet.
	condResultsEventNew = "mail event new"
)

// newsletterResultsItem is NEWSLETTER#<id> / RESULTS: the counters, changed by ADD only.
type newsletterResultsItem struct {
	PK, SK, Type                                                        string
	NewsletterID                                                        string
	Delivered, Bounced, Complaints, Unsubscribes, Clicks, Visits, Opens int64
	// Links counts the distinct links with an item (bounded by MaxTrackedLinks).
	Links int64
}

func (it newsletterResultsItem) counters() newsletters.Counters {
	return newsletters.Counters{Delivered: it.Delivered, Bounced: it.Bounced, Complaints: it.Complaints, Unsubscribes: it.Unsubscribes,
		Clicks: it.Clicks, Visits: it.Visits, Opens: it.Opens}
}

// newsletterLinkItem is NEWSLETTER#<id> / LINK#<hash>: one link's clicks.
type newsletterLinkItem struct {
	PK, SK, Type string
	NewsletterID string
	URL          string
	Community    bool
	Clicks       int64
}

// newsletterTrackingItem is COMMUNITY / NEWSLETTERTRACKING.
type newsletterTrackingItem struct {
	PK, SK, Type string
	OpenTracking bool
	UpdatedBy    string
	UpdatedAt    *time.Time
}

var _ newsletters.ResultsStore = (*Newsletters)(nil)

// urlHash names a link's item: the first 16 bytes of its URL's SHA-256, in hex.
func urlHash(u string) string {
	h := sha256.Sum256([]byte(u))
	return hex.EncodeToString(h[:16])
}

// LinkKey is the key that signs newsletters' links: derived from the cursor key (the
// deployment's shared secret), for this use only.
func (s *Newsletters) LinkKey() ([]byte, error) {
	k, err := s.cursorKey()
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, k)
	m.Write([]byte("tribune newsletter links"))
	return m.Sum(nil), nil
}

// ResultCounters implements newsletters.ResultsStore.
func (s *Newsletters) ResultCounters(ctx context.Context, newsletterID string) (newsletters.Counters, error) {
	var it newsletterResultsItem
	err := s.get(ctx, "store.ResultCounters", newsletterPK(newsletterID), skNewsletterResults, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.Counters{}, nil
	}
	if err != nil {
		return newsletters.Counters{}, err
	}
	return it.counters(), nil
}

// LinkClicks implements newsletters.ResultsStore: one Query of the newsletter's LINK#
// items (at most MaxTrackedLinks), sorted by clicks.
func (s *Newsletters) LinkClicks(ctx context.Context, newsletterID string, limit int) ([]newsletters.LinkClicks, error) {
	items, err := queryItems[newsletterLinkItem](ctx, s.Store, queryPrefix(s.Table, newsletterPK(newsletterID), newsletterLinkPrefix))
	if err != nil {
		return nil, fmt.Errorf("store.LinkClicks %s: %w", newsletterID, err)
	}
	out := make([]newsletters.LinkClicks, len(items))
	for i, it := range items {
		out[i] = newsletters.LinkClicks{URL: it.URL, Clicks: it.Clicks, Community: it.Community}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Clicks != out[j].Clicks {
			return out[i].Clicks > out[j].Clicks
		}
		return out[i].URL < out[j].URL
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// resultsAdd is the ADD of counters (by attribute name) to a newsletter's results item.
func (s *Newsletters) resultsAdd(newsletterID string, counters ...string) types.TransactWriteItem {
	expr := "SET #Type = :type, #NewsletterID = :id ADD "
	names := map[string]string{"#Type": AttrType, "#NewsletterID": nrNewsletterID}
	for i, c := range counters {
		if i > 0 {
			expr += ", "
		}
		expr += "#" + c + " :one"
		names["#"+c] = c
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: newsletterResultsKey(newsletterID),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: names,
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": cS(typeNewsletterResults), ":id": cS(newsletterID), ":one": cN(1)}}}
}

// CountClick implements newsletters.ResultsStore. The link's item takes ADD Clicks when
// it exists (the usual case, in the same transaction as the newsletter's counters and
// the day's visits); its first click creates it (condition: not there yet, and room
// left under MaxTrackedLinks, counted on the results item). Two first clicks at once:
// the one that loses creates nothing and adds to the item the other one made.
func (s *Newsletters) CountClick(ctx context.Context, c newsletters.Click, day string) error {
	counters := []string{nrClicks}
	if c.Visit {
		counters = append(counters, nrVisits)
	}
	linkKey := newsletterLinkKey(c.NewsletterID, urlHash(c.URL))
	for range 3 {
		t := s.txn().add(condLinkNew, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: linkKey,
			UpdateExpression: aws.String("ADD #Clicks :one"), ConditionExpression: aws.String(itemExists),
			ExpressionAttributeNames: named(nrClicks), ExpressionAttributeValues: map[string]types.AttributeValue{":one": cN(1)}}})
		s.clickRest(t, c, counters, day)
		err := t.run(ctx)
		if !failed(err, condLinkNew) {
			return wrapClick(c, err)
		}
		// Its first click: create the link's item, if there is room.
		first := newsletterLinkItem{PK: newsletterPK(c.NewsletterID), SK: newsletterLinkPrefix + urlHash(c.URL), Type: typeNewsletterLink,
			NewsletterID: c.NewsletterID, URL: c.URL, Community: c.Visit, Clicks: 1}
		t = s.txn().put(condLinkNew, first, itemAbsent)
		add := s.resultsAdd(c.NewsletterID, append(counters, nrLinks)...)
		add.Update.ConditionExpression = aws.String("attribute_not_exists(#Links) OR #Links < :max")
		add.Update.ExpressionAttributeValues[":max"] = cN(newsletters.MaxTrackedLinks)
		t.add(condLinksRoom, add)
		s.clickDay(t, c, day)
		err = t.run(ctx)
		switch {
		case failed(err, condLinksRoom):
			// No room for another link: the click counts on the newsletter only.
			t = s.txn().add("", s.resultsAdd(c.NewsletterID, counters...))
			s.clickDay(t, c, day)
			return wrapClick(c, t.run(ctx))
		case failed(err, condLinkNew):
			continue // another first click made it meanwhile: add to it
		}
		return wrapClick(c, err)
	}
	return fmt.Errorf("store.CountClick %s: too much contention", c.NewsletterID)
}

// clickRest adds the newsletter's counters and the day's visit to a click's transaction.
func (s *Newsletters) clickRest(t *txn, c newsletters.Click, counters []string, day string) {
	t.add("", s.resultsAdd(c.NewsletterID, counters...))
	s.clickDay(t, c, day)
}

// clickDay adds a visit to the day's newsletter_visits metric (a shard chosen at
// random: a popular newsletter's visits spread over the shards).
func (s *Newsletters) clickDay(t *txn, c newsletters.Click, day string) {
	if c.Visit {
		t.add("", s.countUpdate(metrics.Count{Name: metrics.NewsletterVisits, Delta: 1}, day, rand.Text()))
	}
}

func wrapClick(c newsletters.Click, err error) error {
	if err != nil {
		return fmt.Errorf("store.CountClick %s: %w", c.NewsletterID, err)
	}
	return nil
}

// CountOpen implements newsletters.ResultsStore.
func (s *Newsletters) CountOpen(ctx context.Context, newsletterID string) error {
	if err := s.txn().add("", s.resultsAdd(newsletterID, nrOpens)).run(ctx); err != nil {
		return fmt.Errorf("store.CountOpen %s: %w", newsletterID, err)
	}
	return nil
}

// mailCounters maps a mail event's kind to its counter.
var mailCounters = map[string]string{newsletters.MailDelivered: nrDelivered, newsletters.MailBounced: nrBounced, newsletters.MailComplained: nrComplaints,
	newsletters.MailUnsubscribed: nrUnsubscribes}

// CountMailEvent implements newsletters.ResultsStore: the idempotency record of the
// event and the ADD in one transaction.
func (s *Newsletters) CountMailEvent(ctx context.Context, newsletterID, kind, eventID string, now time.Time) error {
	counter, ok := mailCounters[kind]
	if !ok {
		return fmt.Errorf("store.CountMailEvent: no counter %q", kind)
	}
	mark, err := s.handledPut(resultsConsumer, eventID, now)
	if err != nil {
		return fmt.Errorf("store.CountMailEvent: %w", err)
	}
	err = s.txn().add(condResultsEventNew, mark).add("", s.resultsAdd(newsletterID, counter)).run(ctx)
	if failed(err, condResultsEventNew) {
		return fmt.Errorf("store.CountMailEvent %s: %w", eventID, eventtypes.ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store.CountMailEvent %s: %w", eventID, err)
	}
	return nil
}

// Tracking implements newsletters.ResultsStore.
func (s *Newsletters) Tracking(ctx context.Context) (newsletters.Tracking, error) {
	var it newsletterTrackingItem
	err := s.get(ctx, "store.Tracking", pkSettings, skNewsletterTracking, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.Tracking{}, nil
	}
	if err != nil {
		return newsletters.Tracking{}, err
	}
	return newsletters.Tracking{OpenTracking: it.OpenTracking, UpdatedBy: it.UpdatedBy, UpdatedAt: it.UpdatedAt}, nil
}

// SetTracking implements newsletters.ResultsStore.
func (s *Newsletters) SetTracking(ctx context.Context, t newsletters.Tracking) error {
	it := newsletterTrackingItem{PK: pkSettings, SK: skNewsletterTracking, Type: typeNewsletterTracking,
		OpenTracking: t.OpenTracking, UpdatedBy: t.UpdatedBy, UpdatedAt: t.UpdatedAt}
	if err := s.txn().put("", it, "").run(ctx); err != nil {
		return fmt.Errorf("store.SetTracking: %w", err)
	}
	return nil
}

// NewsletterVisits is the newsletter_visits metric of each of the days (oldest first).
func (s *Newsletters) NewsletterVisits(ctx context.Context, days []string) ([]int64, error) {
	out := make([]int64, len(days))
	for i, d := range days {
		n, err := s.Counter(ctx, metrics.NewsletterVisits, d)
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}
