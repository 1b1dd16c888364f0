package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/newsletters"
)

// Newsletters: scheduling and sending (docs/newsletters.md, "Scheduling, sending";
// docs/data-model.md 240-259): a newsletter's sending item, its delivery records and
// their counters, the community's sending settings.

const (
	typeNewsletterSending  = "NewsletterSending"
	typeNewsletterDelivery = "NewsletterDelivery"
	typeNewsletterCount    = "NewsletterCount"
	typeNewsletterSendConf = "NewsletterSendSettings"
)

// Attribute names the sending's expressions name: fields of sendingItem, deliveryItem
// and sendCountItem.
const (
	nsState        = "State"
	nsSendAt       = "SendAt"
	nsLocalSendAt  = "LocalSendAt"
	nsTimeZone     = "TimeZone"
	nsScheduledBy  = "ScheduledBy"
	nsPausedReason = "PausedReason"
	nsStartedAt    = "StartedAt"
	nsFinishedAt   = "FinishedAt"
	nsUpdatedAt    = "UpdatedAt"
	nsFrozen       = "Frozen"
	nsTotal        = "Total"
	nsFreezeOwner  = "FreezeOwner"
	nsFreezeUntil  = "FreezeUntil"
	nsStatus       = "Status"
	nsAttempts     = "Attempts"
	nsClaimedAt    = "ClaimedAt"
	nsDoneAt       = "DoneAt"
	nsError        = "Error"
	nsSent         = "Sent"
	nsSkipped      = "Skipped"
	nsErrors       = "Errors"
	nsMemberID     = "MemberID"
	nsEmail        = "Email"
	nsName         = "Name"
	nsLang         = "Lang"
	nsType         = "Type"
)

// Named conditions of the sending's transactions.
const (
	// condNewsletterState: the newsletter is still in the state the move leaves.
	condNewsletterState = "newsletter state"
	// condDeliveryClaimable: the delivery record is pending (or its claim abandoned).
	condDeliveryClaimable = "delivery claimable"
	// condDeliveryClaimed: the delivery record is still claimed by this claim.
	condDeliveryClaimed = "delivery claimed"
)

// sendingItem is a newsletter's sending: NLSEND#<id> / SENDING. Times of leases are
// Unix milliseconds (numbers compare in conditions).
type sendingItem struct {
	PK, SK, Type string
	SendAt       *time.Time
	LocalSendAt  string
	TimeZone     string
	ScheduledBy  string
	PausedReason string
	StartedAt    *time.Time
	FinishedAt   *time.Time
	UpdatedAt    time.Time
	Frozen       bool
	Total        int
	FreezeOwner  string
	FreezeUntil  int64
}

// deliveryItem is one recipient's delivery record: NLSEND#<id> / D#<member>.
// ClaimedAt is Unix milliseconds.
type deliveryItem struct {
	PK, SK, Type string
	MemberID     string
	Email        string
	Name         string
	Lang         string
	Status       string
	Attempts     int
	ClaimedAt    int64
	DoneAt       *time.Time
	Error        string
}

// sendCountItem is one shard of the counters: NLSEND#<id> / COUNT#<n>.
type sendCountItem struct {
	PK, SK, Type          string
	Sent, Skipped, Errors int
}

// sendSettingsItem is the community's sending settings: COMMUNITY / NEWSLETTERSENDING.
type sendSettingsItem struct {
	PK, SK, Type   string
	TimeZone       string
	RatePerSecond  int
	LateAfterHours int
	ErrorPercent   int
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func nN(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func nS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func (d deliveryItem) delivery(id string) newsletters.Delivery {
	out := newsletters.Delivery{NewsletterID: id, Status: d.Status, Attempts: d.Attempts, DoneAt: d.DoneAt, Error: d.Error,
		Recipient: newsletters.Recipient{MemberID: d.MemberID, Email: d.Email, Name: d.Name, Lang: d.Lang}}
	if d.ClaimedAt > 0 {
		t := time.UnixMilli(d.ClaimedAt).UTC()
		out.ClaimedAt = &t
	}
	return out
}

var _ newsletters.SendStore = (*Newsletters)(nil)

// Sending implements newsletters.SendStore: the sending item and the sum of the
// counter shards (two reads).
func (s *Newsletters) Sending(ctx context.Context, id string) (newsletters.SendingStatus, error) {
	var it sendingItem
	err := s.get(ctx, "store.Sending", sendPK(id), skNewsletterSending, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.SendingStatus{}, nil
	}
	if err != nil {
		return newsletters.SendingStatus{}, err
	}
	out := newsletters.SendingStatus{SendAt: it.SendAt, LocalSendAt: it.LocalSendAt, TimeZone: it.TimeZone, ScheduledBy: it.ScheduledBy,
		PausedReason: it.PausedReason, StartedAt: it.StartedAt, FinishedAt: it.FinishedAt, Frozen: it.Frozen}
	counts, err := queryItems[sendCountItem](ctx, s.Store, withConsistent(queryPrefix(s.Table, sendPK(id), sendCountPrefix)))
	if err != nil {
		return newsletters.SendingStatus{}, fmt.Errorf("store.Sending %s: %w", id, err)
	}
	p := newsletters.Progress{Total: it.Total}
	for _, c := range counts {
		p.Sent += c.Sent
		p.Skipped += c.Skipped
		p.Errors += c.Errors
	}
	if it.Frozen {
		p.Remaining = max(0, p.Total-p.Done())
	}
	out.Progress = p
	return out, nil
}

func withConsistent(in *dynamodb.QueryInput) *dynamodb.QueryInput {
	in.ConsistentRead = aws.Bool(true)
	return in
}

// Move implements newsletters.SendStore: the newsletter item's state (on condition it
// is still from) and the sending item, in one transaction.
func (s *Newsletters) Move(ctx context.Context, id, from, to string, c newsletters.Change, now time.Time) error {
	// The newsletter item keeps its date too (the editorial calendar lists newsletters by it).
	stateExpr, stateNames := "SET #State = :to", []string{nsState}
	stateValues := map[string]types.AttributeValue{":to": nS(to), ":from": nS(from)}
	switch {
	case c.SendAt != nil:
		stateExpr, stateNames, stateValues[":sendAt"] = stateExpr+", #SendAt = :sendAt", append(stateNames, nsSendAt), nS(stamp(*c.SendAt))
	case c.ClearSchedule:
		stateExpr, stateNames = stateExpr+" REMOVE #SendAt", append(stateNames, nsSendAt)
	}
	stateUpdate := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: newsletterKey(id),
		UpdateExpression:          aws.String(stateExpr),
		ConditionExpression:       aws.String("#State = :from"),
		ExpressionAttributeNames:  named(stateNames...),
		ExpressionAttributeValues: stateValues}}
	sets := []string{"#Type = :type", "#UpdatedAt = :now"}
	values := map[string]types.AttributeValue{":type": nS(typeNewsletterSending), ":now": nS(stamp(now))}
	var removes []string
	names := []string{nsType, nsUpdatedAt}
	set := func(attr string, v types.AttributeValue) {
		sets = append(sets, "#"+attr+" = :"+attr)
		values[":"+attr] = v
		names = append(names, attr)
	}
	if c.SendAt != nil {
		set(nsSendAt, nS(stamp(*c.SendAt)))
		set(nsLocalSendAt, nS(c.LocalSendAt))
		set(nsTimeZone, nS(c.TimeZone))
		set(nsScheduledBy, nS(c.ScheduledBy))
	}
	if c.ClearSchedule {
		removes = append(removes, "#"+nsSendAt, "#"+nsLocalSendAt)
		names = append(names, nsSendAt, nsLocalSendAt)
	}
	if c.PausedReason != "" {
		set(nsPausedReason, nS(c.PausedReason))
	} else if to != newsletters.StatePaused {
		removes = append(removes, "#"+nsPausedReason)
		names = append(names, nsPausedReason)
	}
	if c.StartedAt != nil {
		set(nsStartedAt, nS(stamp(*c.StartedAt)))
	}
	if c.FinishedAt != nil {
		set(nsFinishedAt, nS(stamp(*c.FinishedAt)))
	}
	expr := "SET " + strings.Join(sets, ", ")
	if len(removes) > 0 {
		expr += " REMOVE " + strings.Join(removes, ", ")
	}
	sendingUpdate := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: sendingKey(id),
		UpdateExpression: aws.String(expr), ExpressionAttributeNames: named(names...), ExpressionAttributeValues: values}}
	err := s.txn().add(condNewsletterState, stateUpdate).add("", sendingUpdate).run(ctx)
	if failed(err, condNewsletterState) {
		return newsletters.ErrNotFromState
	}
	if err != nil {
		return fmt.Errorf("store.Newsletters.Move %s %s->%s: %w", id, from, to, err)
	}
	return nil
}

// Settings implements newsletters.SendStore (the defaults until an admin chose).
func (s *Newsletters) Settings(ctx context.Context) (newsletters.Settings, error) {
	var it sendSettingsItem
	err := s.get(ctx, "store.Newsletters.Settings", pkSettings, skNewsletterSendConfig, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return newsletters.DefaultSettings, nil
	}
	if err != nil {
		return newsletters.Settings{}, err
	}
	return newsletters.Settings{TimeZone: it.TimeZone, RatePerSecond: it.RatePerSecond, LateAfterHours: it.LateAfterHours, ErrorPercent: it.ErrorPercent}, nil
}

// PutSettings implements newsletters.SendStore.
func (s *Newsletters) PutSettings(ctx context.Context, in newsletters.Settings) error {
	it := sendSettingsItem{PK: pkSettings, SK: skNewsletterSendConfig, Type: typeNewsletterSendConf, TimeZone: in.TimeZone,
		RatePerSecond: in.RatePerSecond, LateAfterHours: in.LateAfterHours, ErrorPercent: in.ErrorPercent}
	if err := s.txn().put("", it, "").run(ctx); err != nil {
		return fmt.Errorf("store.Newsletters.PutSettings: %w", err)
	}
	return nil
}

// TakeFreeze implements newsletters.SendStore.
func (s *Newsletters) TakeFreeze(ctx context.Context, id, owner string, until, now time.Time) (bool, error) {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: sendingKey(id),
		UpdateExpression: aws.String("SET #FreezeOwner = :owner, #FreezeUntil = :until"),
		ConditionExpression: aws.String(itemExists + " AND (attribute_not_exists(#Frozen) OR #Frozen = :false) AND " +
			"(attribute_not_exists(#FreezeOwner) OR #FreezeOwner = :owner OR #FreezeUntil < :now)"),
		ExpressionAttributeNames: named(nsFreezeOwner, nsFreezeUntil, nsFrozen),
		ExpressionAttributeValues: map[string]types.AttributeValue{":owner": nS(owner), ":until": nN(ms(until)), ":now": nN(ms(now)),
			":false": &types.AttributeValueMemberBOOL{Value: false}}})
	var held *types.ConditionalCheckFailedException
	if errors.As(err, &held) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.Newsletters.TakeFreeze %s: %w", id, err)
	}
	return true, nil
}

// PutDeliveries implements newsletters.SendStore: pending records, 25 a batch write.
func (s *Newsletters) PutDeliveries(ctx context.Context, id string, rs []newsletters.Recipient) error {
	reqs := make([]types.WriteRequest, 0, len(rs))
	for _, r := range rs {
		k := deliveryKey(id, r.MemberID)
		av, err := attributevalue.MarshalMap(deliveryItem{PK: sendPK(id), SK: k[AttrSK].(*types.AttributeValueMemberS).Value, Type: typeNewsletterDelivery,
			MemberID: r.MemberID, Email: r.Email, Name: r.Name, Lang: r.Lang, Status: newsletters.DeliveryPending})
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.Newsletters.PutDeliveries %s: %w", id, err)
	}
	return nil
}

// FinishFreeze implements newsletters.SendStore: it counts the records (keys only) and
// marks the audience frozen with that total, on condition the owner still holds the
// freeze.
func (s *Newsletters) FinishFreeze(ctx context.Context, id, owner string, now time.Time) (bool, error) {
	total := 0
	in := withConsistent(queryPrefix(s.Table, sendPK(id), deliveryPrefix, AttrSK))
	if err := s.eachPage(ctx, in, func(page []item) error { total += len(page); return nil }); err != nil {
		return false, fmt.Errorf("store.Newsletters.FinishFreeze %s: %w", id, err)
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: sendingKey(id),
		UpdateExpression:         aws.String("SET #Frozen = :true, #Total = :total, #UpdatedAt = :now REMOVE #FreezeOwner, #FreezeUntil"),
		ConditionExpression:      aws.String("#FreezeOwner = :owner AND (attribute_not_exists(#Frozen) OR #Frozen = :false)"),
		ExpressionAttributeNames: named(nsFrozen, nsTotal, nsUpdatedAt, nsFreezeOwner, nsFreezeUntil),
		ExpressionAttributeValues: map[string]types.AttributeValue{":true": &types.AttributeValueMemberBOOL{Value: true},
			":false": &types.AttributeValueMemberBOOL{Value: false}, ":total": nN(int64(total)), ":now": nS(stamp(now)), ":owner": nS(owner)}})
	var lost *types.ConditionalCheckFailedException
	if errors.As(err, &lost) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.Newsletters.FinishFreeze %s: %w", id, err)
	}
	return true, nil
}

// Waiting implements newsletters.SendStore: the records pending, or claimed before
// staleBefore, in member order, newsletters.BatchSize recipients a page.
func (s *Newsletters) Waiting(ctx context.Context, id string, staleBefore time.Time, page func([]newsletters.Recipient) error) error {
	in := withConsistent(queryPrefix(s.Table, sendPK(id), deliveryPrefix, "#"+nsMemberID, "#"+nsEmail, "#"+nsName, "#"+nsLang))
	in.FilterExpression = aws.String("#Status = :pending OR (#Status = :claimed AND #ClaimedAt < :stale)")
	in.ExpressionAttributeNames = named(nsMemberID, nsEmail, nsName, nsLang, nsStatus, nsClaimedAt)
	in.ExpressionAttributeValues[":pending"] = nS(newsletters.DeliveryPending)
	in.ExpressionAttributeValues[":claimed"] = nS(newsletters.DeliveryClaimed)
	in.ExpressionAttributeValues[":stale"] = nN(ms(staleBefore))
	batch := make([]newsletters.Recipient, 0, newsletters.BatchSize)
	err := s.eachPage(ctx, in, func(items []item) error {
		for _, it := range items {
			var d deliveryItem
			if err := attributevalue.UnmarshalMap(it, &d); err != nil {
				return err
			}
			batch = append(batch, newsletters.Recipient{MemberID: d.MemberID, Email: d.Email, Name: d.Name, Lang: d.Lang})
			if len(batch) == newsletters.BatchSize {
				if err := page(batch); err != nil {
					return err
				}
				batch = make([]newsletters.Recipient, 0, newsletters.BatchSize)
			}
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = page(batch)
	}
	if err != nil {
		return fmt.Errorf("store.Newsletters.Waiting %s: %w", id, err)
	}
	return nil
}

// claimUpdate claims one record: pending, or claimed before stale.
func (s *Newsletters) claimUpdate(id, memberID string, now, stale time.Time) *types.Update {
	return &types.Update{TableName: aws.String(s.Table), Key: deliveryKey(id, memberID),
		UpdateExpression:         aws.String("SET #Status = :claimed, #ClaimedAt = :now ADD #Attempts :one"),
		ConditionExpression:      aws.String("#Status = :pending OR (#Status = :claimed AND #ClaimedAt < :stale)"),
		ExpressionAttributeNames: named(nsStatus, nsClaimedAt, nsAttempts),
		ExpressionAttributeValues: map[string]types.AttributeValue{":claimed": nS(newsletters.DeliveryClaimed), ":pending": nS(newsletters.DeliveryPending),
			":now": nN(ms(now)), ":stale": nN(ms(stale)), ":one": nN(1)}}
}

// Claim implements newsletters.SendStore: the group in one transaction (the usual
// case: every record pending); when one of them is not claimable (a redelivered
// message, another sender), each on its own conditional write.
func (s *Newsletters) Claim(ctx context.Context, id string, rs []newsletters.Recipient, now, staleBefore time.Time) ([]newsletters.Delivery, int, error) {
	at := time.UnixMilli(ms(now)).UTC()
	claimed := func(r newsletters.Recipient) newsletters.Delivery {
		return newsletters.Delivery{NewsletterID: id, Recipient: r, Status: newsletters.DeliveryClaimed, ClaimedAt: &at}
	}
	t := s.txn()
	for _, r := range rs {
		t.add(condDeliveryClaimable, types.TransactWriteItem{Update: s.claimUpdate(id, r.MemberID, now, staleBefore)})
	}
	err := t.run(ctx)
	if err == nil {
		out := make([]newsletters.Delivery, len(rs))
		for i, r := range rs {
			out[i] = claimed(r)
		}
		return out, 0, nil
	}
	if !failed(err, condDeliveryClaimable) {
		return nil, 0, fmt.Errorf("store.Newsletters.Claim %s: %w", id, err)
	}
	var out []newsletters.Delivery
	held := 0
	for _, r := range rs {
		u := s.claimUpdate(id, r.MemberID, now, staleBefore)
		_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
			ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
		var taken *types.ConditionalCheckFailedException
		if errors.As(err, &taken) {
			// Done, or held by a claim younger than the lease (a live sender, or a dead
			// one whose lease has not run out yet: the caller comes back for it).
			if st, ok := taken.Item[nsStatus].(*types.AttributeValueMemberS); ok && st.Value == newsletters.DeliveryClaimed {
				held++
			}
			continue
		}
		if err != nil {
			return out, held, fmt.Errorf("store.Newsletters.Claim %s %s: %w", id, r.MemberID, err)
		}
		out = append(out, claimed(r))
	}
	return out, held, nil
}

// Release implements newsletters.SendStore: each record back to pending, on condition
// it is still held by its claim (a record another sender took over stays its).
func (s *Newsletters) Release(ctx context.Context, ds []newsletters.Delivery) error {
	for _, d := range ds {
		if d.ClaimedAt == nil {
			continue
		}
		_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: deliveryKey(d.NewsletterID, d.Recipient.MemberID),
			UpdateExpression:         aws.String("SET #Status = :pending REMOVE #ClaimedAt"),
			ConditionExpression:      aws.String("#Status = :claimed AND #ClaimedAt = :at"),
			ExpressionAttributeNames: named(nsStatus, nsClaimedAt),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pending": nS(newsletters.DeliveryPending),
				":claimed": nS(newsletters.DeliveryClaimed), ":at": nN(ms(*d.ClaimedAt))}})
		var taken *types.ConditionalCheckFailedException
		if err != nil && !errors.As(err, &taken) {
			return fmt.Errorf("store.Newsletters.Release %s %s: %w", d.NewsletterID, d.Recipient.MemberID, err)
		}
	}
	return nil
}

// Done implements newsletters.SendStore: the record marked and its counter shard moved
// (ADD) in one transaction, on condition the record is still held by this claim.
func (s *Newsletters) Done(ctx context.Context, d newsletters.Delivery, status, reason string, now time.Time) (bool, error) {
	counter := map[string]string{newsletters.DeliverySent: nsSent, newsletters.DeliverySkipped: nsSkipped, newsletters.DeliveryFailed: nsErrors}[status]
	if counter == "" || d.ClaimedAt == nil {
		return false, fmt.Errorf("store.Newsletters.Done: status %q of an unclaimed record", status)
	}
	id, member := d.NewsletterID, d.Recipient.MemberID
	set := "SET #Status = :status, #DoneAt = :now"
	names := []string{nsStatus, nsDoneAt, nsClaimedAt}
	values := map[string]types.AttributeValue{":status": nS(status), ":now": nS(stamp(now)), ":claimed": nS(newsletters.DeliveryClaimed),
		":at": nN(ms(*d.ClaimedAt))}
	if reason != "" {
		set += ", #Error = :error"
		names = append(names, nsError)
		values[":error"] = nS(reason)
	}
	mark := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: deliveryKey(id, member),
		UpdateExpression: aws.String(set), ConditionExpression: aws.String("#Status = :claimed AND #ClaimedAt = :at"),
		ExpressionAttributeNames: named(names...), ExpressionAttributeValues: values}}
	count := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: sendCountKey(id, member),
		UpdateExpression:          aws.String("SET #Type = :type ADD #" + counter + " :one"),
		ExpressionAttributeNames:  named(nsType, counter),
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": nS(typeNewsletterCount), ":one": nN(1)}}}
	err := s.txn().add(condDeliveryClaimed, mark).add("", count).run(ctx)
	if failed(err, condDeliveryClaimed) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.Newsletters.Done %s %s: %w", id, member, err)
	}
	return true, nil
}

// Delivery reads one recipient's delivery record (tests, support).
func (s *Newsletters) Delivery(ctx context.Context, id, memberID string) (newsletters.Delivery, error) {
	var it deliveryItem
	k := deliveryKey(id, memberID)
	if err := s.get(ctx, "store.Newsletters.Delivery", sendPK(id), k[AttrSK].(*types.AttributeValueMemberS).Value, time.Now(), &it); err != nil {
		return newsletters.Delivery{}, err
	}
	return it.delivery(id), nil
}
