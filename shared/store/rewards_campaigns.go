package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/eventtypes"
	"tribune/shared/rewards"
)

// Campaigns: campaigns, a member's place in them, proofs and their review queue, the
// claims that make a proof address count once, trial applications (docs/rewards.md,
// docs/data-model.md).

const (
	typeCampaign          = "Campaign"
	typeOpenCampaign      = "OpenCampaign"
	typeCampaignSaw       = "CampaignSaw"
	typeCampaignJoined    = "CampaignJoined"
	typeCampaignDone      = "CampaignCompletions"
	typeCampaignProgress  = "CampaignProgress"
	typeCampaignPending   = "CampaignPendingProof"
	typeCampaignSubmitter = "CampaignSubmitter"
	typeCampaignApproved  = "CampaignApprovedMember"
	typeCampaignTakenBack = "CampaignTakenBack"
	typeSubmission        = "Submission"
	typeMemberSubmission  = "MemberSubmission"
	typeProofClaim        = "ProofClaim"
	typeTrialApplication  = "TrialApplication"
	campaignProofObjectTy = "challenge"
)

// Attribute names that the campaign expressions name: fields of campaignItem,
// completionItem, progressItem, submissionItem (TestCampaignAttributesAreItemFields).
const (
	caState            = "State"
	caUpdatedAt        = "UpdatedAt"
	caStartedAt        = "StartedAt"
	caEndedAt          = "EndedAt"
	caPointsBudget     = "PointsBudget"
	caGiftBudget       = "GiftBudget"
	caPointsBudgetLeft = "PointsBudgetLeft"
	caGiftBudgetLeft   = "GiftBudgetLeft"
	caTrialSlots       = "TrialSlots"
	caTrialSlotsLeft   = "TrialSlotsLeft"
	caSaw              = "Saw"
	caJoined           = "Joined"
	caSubmitted        = "Submitted"
	caApproved         = "Approved"
	caRejected         = "Rejected"
	caCompletions      = "Completions"
	caPointsPaid       = "PointsPaid"
	caTrialApplied     = "TrialApplied"
	caTrialApproved    = "TrialApproved"
	caGiftsShipped     = "GiftsShipped"
	caSubmitters       = "Submitters"
	caApprovedMembers  = "ApprovedMembers"
	caTakenBack        = "TakenBack"
	caPointsTakenBack  = "PointsTakenBack"
	caCount            = "Count"
	caObjects          = "Objects"
	caStatus           = "Status"
	caSubmissionID     = "SubmissionID"
)

// Named conditions of campaign transactions.
const (
	// condCampaignUnchanged: the campaign is as it was read (UpdatedAt), and no budget
	// or trial slot moves below what was given.
	condCampaignUnchanged = "campaign unchanged"
	// condCampaignBudget: the campaign's points budget covers the completion.
	condCampaignBudget = "campaign budget left"
	// condCompletionNext: the member's count of completions is the one before this one.
	condCompletionNext = "completion next"
	// condSubmissionPending: the proof is still waiting for review (or for changes).
	condSubmissionPending = "submission pending"
	// condProofFree: no other proof holds the address.
	condProofFree = "proof address free"
	// condOnePending: the member has no other open proof of the challenge.
	condOnePending = "one open proof"
	// condFirstTime: a member's first view, join, or application.
	condFirstTime = "first time"
	// condTrialSlot: a trial slot is left.
	condTrialSlot = "trial slot left"
	// condFirstProof: the member's first proof in the campaign (the funnel counts
	// members); condFirstApproval: their first approved proof in it.
	condFirstProof    = "first proof of the member"
	condFirstApproval = "first approval of the member"
)

func cN(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func cS(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// challengeItem is a challenge as the campaign item stores it.
type challengeItem struct {
	ID, Kind, Title, Instructions string
	Points                        int64
	MaxCompletions                int
	Action, SpaceID               string
	Count                         int
	NeedsScreenshot               bool
}

type audienceItem struct {
	Kind     string
	SpaceIDs []string
	Roles    []string
}

// campaignItem is a campaign: CAMPAIGN#<c> / CAMPAIGN; GSI1 CAMPAIGNS / <start>#<c>.
// The budgets' ...Left, the trial's TrialSlotsLeft and the counters change only by ADD.
type campaignItem struct {
	PK, SK, Type      string
	GSI1PK, GSI1SK    string
	ID                string
	Title             string
	Description, HTML string
	ImageKey          string
	Audience          audienceItem
	StartsAt, EndsAt  time.Time
	PointsBudget      int64
	GiftBudget        int64
	PointsBudgetLeft  int64
	GiftBudgetLeft    int64
	Disclosure        string
	Challenges        []challengeItem
	HasTrial          bool
	TrialOffer        string
	TrialInstructions string
	TrialSlots        int64
	TrialSlotsLeft    int64
	State             string
	StartedAt         *time.Time
	EndedAt           *time.Time
	CreatedBy         string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Saw               int64
	Joined            int64
	Submitted         int64
	Approved          int64
	Rejected          int64
	Completions       int64
	PointsPaid        int64
	TrialApplied      int64
	TrialApproved     int64
	GiftsShipped      int64
	Submitters        int64
	ApprovedMembers   int64
	TakenBack         int64
	PointsTakenBack   int64
}

func challengeItems(list []rewards.Challenge) []challengeItem {
	out := make([]challengeItem, len(list))
	for i, ch := range list {
		out[i] = challengeItem{ID: ch.ID, Kind: ch.Kind, Title: ch.Title, Instructions: ch.Instructions, Points: ch.Points,
			MaxCompletions: ch.MaxCompletions, Action: ch.Action, SpaceID: ch.SpaceID, Count: ch.Count, NeedsScreenshot: ch.NeedsScreenshot}
	}
	return out
}

func newCampaignItem(c rewards.Campaign) campaignItem {
	it := campaignItem{PK: campaignPK(c.ID), SK: skCampaign, Type: typeCampaign, GSI1PK: campaignsPK, GSI1SK: campaignsSK(c.StartsAt, c.ID),
		ID: c.ID, Title: c.Title, Description: c.Description, HTML: c.HTML, ImageKey: c.ImageKey,
		Audience: audienceItem{Kind: c.Audience.Kind, SpaceIDs: c.Audience.SpaceIDs, Roles: c.Audience.Roles},
		StartsAt: c.StartsAt, EndsAt: c.EndsAt, PointsBudget: c.PointsBudget, GiftBudget: c.GiftBudget,
		PointsBudgetLeft: c.PointsBudgetLeft, GiftBudgetLeft: c.GiftBudgetLeft, Disclosure: c.Disclosure,
		Challenges: challengeItems(c.Challenges), State: c.Stored, StartedAt: c.StartedAt, EndedAt: c.EndedAt,
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Saw: c.Counts.Saw, Joined: c.Counts.Joined, Submitted: c.Counts.Submitted, Approved: c.Counts.Approved,
		Rejected: c.Counts.Rejected, Completions: c.Counts.Completions, PointsPaid: c.Counts.PointsPaid,
		TrialApplied: c.Counts.TrialApplied, TrialApproved: c.Counts.TrialApproved, GiftsShipped: c.Counts.GiftsShipped,
		Submitters: c.Counts.Submitters, ApprovedMembers: c.Counts.ApprovedMembers, TakenBack: c.Counts.TakenBack,
		PointsTakenBack: c.Counts.PointsTakenBack}
	if c.Trial != nil {
		it.HasTrial, it.TrialOffer, it.TrialInstructions, it.TrialSlots, it.TrialSlotsLeft = true, c.Trial.Offer, c.Trial.Instructions, c.Trial.Slots, c.Trial.SlotsLeft
	}
	return it
}

func (it campaignItem) campaign() rewards.Campaign {
	c := rewards.Campaign{ID: it.ID, Title: it.Title, Description: it.Description, HTML: it.HTML, ImageKey: it.ImageKey,
		Audience: rewards.Audience{Kind: it.Audience.Kind, SpaceIDs: nonNilStrings(it.Audience.SpaceIDs), Roles: nonNilStrings(it.Audience.Roles)},
		StartsAt: it.StartsAt, EndsAt: it.EndsAt, PointsBudget: it.PointsBudget, GiftBudget: it.GiftBudget,
		PointsBudgetLeft: it.PointsBudgetLeft, GiftBudgetLeft: it.GiftBudgetLeft, Disclosure: it.Disclosure,
		Challenges: make([]rewards.Challenge, len(it.Challenges)), Stored: it.State, State: it.State,
		StartedAt: it.StartedAt, EndedAt: it.EndedAt, CreatedBy: it.CreatedBy, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		Counts: rewards.Counts{Saw: it.Saw, Joined: it.Joined, Submitted: it.Submitted, Approved: it.Approved, Rejected: it.Rejected,
			Completions: it.Completions, PointsPaid: it.PointsPaid, TrialApplied: it.TrialApplied, TrialApproved: it.TrialApproved,
			GiftsShipped: it.GiftsShipped, Submitters: it.Submitters, ApprovedMembers: it.ApprovedMembers, TakenBack: it.TakenBack,
			PointsTakenBack: it.PointsTakenBack}}
	for i, ch := range it.Challenges {
		c.Challenges[i] = rewards.Challenge{ID: ch.ID, Kind: ch.Kind, Title: ch.Title, Instructions: ch.Instructions, Points: ch.Points,
			MaxCompletions: ch.MaxCompletions, Action: ch.Action, SpaceID: ch.SpaceID, Count: ch.Count, NeedsScreenshot: ch.NeedsScreenshot}
	}
	if it.HasTrial {
		c.Trial = &rewards.Trial{Offer: it.TrialOffer, Instructions: it.TrialInstructions, Slots: it.TrialSlots, SlotsLeft: it.TrialSlotsLeft}
	}
	return c
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// openCampaignItem marks a published campaign not ended as stored: OPENCAMPAIGNS / <c>.
type openCampaignItem struct {
	PK, SK, Type string
	CampaignID   string
}

// campaignMarkItem is a member's view, join or pending proof of a campaign
// (CAMPAIGN#<c> / M#<m>#SAW, #JOINED, #PENDING#<challenge>).
type campaignMarkItem struct {
	PK, SK, Type string
	MemberID     string
	At           time.Time
	SubmissionID string `dynamodbav:",omitempty"`
}

// completionItem counts a member's completions of a challenge: CAMPAIGN#<c> /
// M#<m>#DONE#<challenge>. Count changes only by ADD, one at a time, on the condition
// that it is the one before (condCompletionNext).
type completionItem struct {
	PK, SK, Type string
	MemberID     string
	ChallengeID  string
	Count        int
}

// progressItem holds the objects an automatic challenge counted for a member (a string
// set: adding one twice counts it once): CAMPAIGN#<c> / M#<m>#PROG#<challenge>.
type progressItem struct {
	PK, SK, Type string
	ChallengeID  string
	Objects      []string `dynamodbav:",stringset,omitempty"`
}

// submissionItem is a proof: SUBMISSION#<s> / SUBMISSION (GSI1 REVIEWQ#<c> /
// <created>#<s> while pending), and the member's copy, CAMPAIGN#<c> / M#<m>#SUB#<s>.
type submissionItem struct {
	PK, SK, Type   string
	GSI1PK         string `dynamodbav:",omitempty"`
	GSI1SK         string `dynamodbav:",omitempty"`
	ID             string
	CampaignID     string
	CampaignTitle  string
	ChallengeID    string
	ChallengeTitle string
	MemberID       string
	URL            string
	ScreenshotKey  string
	Text           string
	Disclosure     string
	Status         string
	Reason         string
	ReviewerID     string
	ReviewedAt     *time.Time
	Points         int64
	Completion     int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func newSubmissionItem(pk, sk, typ string, s rewards.Submission) submissionItem {
	it := submissionItem{PK: pk, SK: sk, Type: typ, ID: s.ID, CampaignID: s.CampaignID, CampaignTitle: s.CampaignTitle,
		ChallengeID: s.ChallengeID, ChallengeTitle: s.ChallengeTitle, MemberID: s.MemberID, URL: s.URL,
		ScreenshotKey: s.ScreenshotKey, Text: s.Text, Disclosure: s.Disclosure, Status: s.Status, Reason: s.Reason,
		ReviewerID: s.ReviewerID, ReviewedAt: s.ReviewedAt, Points: s.Points, Completion: s.Completion, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if typ == typeSubmission && s.Status == rewards.SubmissionPending {
		it.GSI1PK, it.GSI1SK = reviewQueuePK(s.CampaignID), reviewQueueSK(s.CreatedAt, s.ID)
	}
	return it
}

func (it submissionItem) submission() rewards.Submission {
	return rewards.Submission{ID: it.ID, CampaignID: it.CampaignID, CampaignTitle: it.CampaignTitle, ChallengeID: it.ChallengeID,
		ChallengeTitle: it.ChallengeTitle, MemberID: it.MemberID, URL: it.URL, ScreenshotKey: it.ScreenshotKey,
		Text: it.Text, Disclosure: it.Disclosure, Status: it.Status, Reason: it.Reason, ReviewerID: it.ReviewerID, ReviewedAt: it.ReviewedAt,
		Points: it.Points, Completion: it.Completion, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt}
}

// proofClaimItem holds a proof address for one submission: PROOF#<hash> / PROOF.
type proofClaimItem struct {
	PK, SK, Type string
	SubmissionID string
	MemberID     string
}

// trialItem is a trial application: CAMPAIGN#<c> / M#<m>#TRIAL; GSI1 TRIALQ#<c> /
// <applied>#<m> while undecided.
type trialItem struct {
	PK, SK, Type string
	GSI1PK       string `dynamodbav:",omitempty"`
	GSI1SK       string `dynamodbav:",omitempty"`
	CampaignID   string
	MemberID     string
	Motivation   string
	Status       string
	Reason       string
	NoSlots      bool `dynamodbav:",omitempty"`
	AppliedAt    time.Time
	DecidedAt    *time.Time
	DecidedBy    string
}

func newTrialItem(a rewards.Application) trialItem {
	it := trialItem{PK: campaignPK(a.CampaignID), SK: campaignTrialSK(a.MemberID), Type: typeTrialApplication, CampaignID: a.CampaignID,
		MemberID: a.MemberID, Motivation: a.Motivation, Status: a.Status, Reason: a.Reason, NoSlots: a.NoSlots,
		AppliedAt: a.AppliedAt, DecidedAt: a.DecidedAt, DecidedBy: a.DecidedBy}
	if a.Status == rewards.TrialApplied {
		it.GSI1PK, it.GSI1SK = trialQueuePK(a.CampaignID), trialQueueSK(a.AppliedAt, a.MemberID)
	}
	return it
}

func (it trialItem) application() rewards.Application {
	return rewards.Application{CampaignID: it.CampaignID, MemberID: it.MemberID, Motivation: it.Motivation,
		Status: it.Status, Reason: it.Reason, NoSlots: it.NoSlots, AppliedAt: it.AppliedAt, DecidedAt: it.DecidedAt, DecidedBy: it.DecidedBy}
}

var _ rewards.CampaignStore = (*Rewards)(nil)

// campaignAdd is an ADD of counters (and budgets) on the campaign item, for a
// transaction; with condAttr, on condition that attribute >= need.
func (s *Rewards) campaignAdd(id string, adds map[string]int64, condAttr string, need int64) types.TransactWriteItem {
	var parts []string
	attrs := []string{}
	vals := map[string]types.AttributeValue{}
	for a, n := range adds {
		parts = append(parts, "#"+a+" :"+a)
		attrs = append(attrs, a)
		vals[":"+a] = cN(n)
	}
	cond := itemExists
	if condAttr != "" {
		cond += " AND #" + condAttr + " >= :need"
		attrs = append(attrs, condAttr)
		vals[":need"] = cN(need)
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: campaignKey(id),
		UpdateExpression: aws.String("ADD " + strings.Join(parts, ", ")), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: named(attrs...), ExpressionAttributeValues: vals}}
}

// CreateCampaign implements rewards.CampaignStore.
func (s *Rewards) CreateCampaign(ctx context.Context, c rewards.Campaign) error {
	if err := s.txn().put("", newCampaignItem(c), itemAbsent).run(ctx); err != nil {
		return fmt.Errorf("store.CreateCampaign %s: %w", c.ID, err)
	}
	return nil
}

// Campaign implements rewards.CampaignStore.
func (s *Rewards) Campaign(ctx context.Context, id string) (rewards.Campaign, error) {
	var it campaignItem
	if err := s.get(ctx, "store.Campaign", campaignPK(id), skCampaign, time.Now(), &it); err != nil {
		return rewards.Campaign{}, err
	}
	return it.campaign(), nil
}

func isOpen(stored string) bool {
	return stored == rewards.StateScheduled || stored == rewards.StateLive || stored == rewards.StatePaused
}

// UpdateCampaign implements rewards.CampaignStore: the editable fields and the state
// are SET, budgets and slots move by ADD of the difference, on the condition that the
// campaign is as old was read and that nothing goes below what was given.
func (s *Rewards) UpdateCampaign(ctx context.Context, old, c rewards.Campaign, events []eventtypes.Envelope) error {
	challenges, err := attributevalue.Marshal(challengeItems(c.Challenges))
	if err != nil {
		return fmt.Errorf("store.UpdateCampaign: %w", err)
	}
	audience, err := attributevalue.Marshal(audienceItem{Kind: c.Audience.Kind, SpaceIDs: c.Audience.SpaceIDs, Roles: c.Audience.Roles})
	if err != nil {
		return fmt.Errorf("store.UpdateCampaign: %w", err)
	}
	timeAV := func(t *time.Time) types.AttributeValue {
		if t == nil {
			return &types.AttributeValueMemberNULL{Value: true}
		}
		return cS(t.UTC().Format(time.RFC3339Nano))
	}
	var trialOffer, trialInstr string
	var slots, oldSlots int64
	if c.Trial != nil {
		trialOffer, trialInstr, slots = c.Trial.Offer, c.Trial.Instructions, c.Trial.Slots
	}
	if old.Trial != nil {
		oldSlots = old.Trial.Slots
	}
	dp, dg, dt := c.PointsBudget-old.PointsBudget, c.GiftBudget-old.GiftBudget, slots-oldSlots
	if c.Trial != nil && old.Trial == nil {
		dt = 0 // a new offer: SlotsLeft is SET below
	}
	set := []string{"#Title = :title", "#Description = :desc", "#HTML = :html", "#ImageKey = :image", "#Audience = :aud",
		"#StartsAt = :starts", "#EndsAt = :ends", "#Disclosure = :disc", "#Challenges = :chs", "#HasTrial = :hasTrial",
		"#TrialOffer = :trialOffer", "#TrialInstructions = :trialInstr", "#State = :state", "#StartedAt = :startedAt",
		"#EndedAt = :endedAt", "#UpdatedAt = :now", "#GSI1SK = :gsi1sk"}
	vals := map[string]types.AttributeValue{":title": cS(c.Title), ":desc": cS(c.Description), ":html": cS(c.HTML), ":image": cS(c.ImageKey),
		":aud": audience, ":starts": cS(c.StartsAt.UTC().Format(time.RFC3339Nano)), ":ends": cS(c.EndsAt.UTC().Format(time.RFC3339Nano)),
		":disc": cS(c.Disclosure), ":chs": challenges, ":hasTrial": &types.AttributeValueMemberBOOL{Value: c.Trial != nil},
		":trialOffer": cS(trialOffer), ":trialInstr": cS(trialInstr), ":state": cS(c.Stored), ":startedAt": timeAV(c.StartedAt),
		":endedAt": timeAV(c.EndedAt), ":now": cS(c.UpdatedAt.UTC().Format(time.RFC3339Nano)), ":gsi1sk": cS(campaignsSK(c.StartsAt, c.ID)),
		":old": cS(old.UpdatedAt.UTC().Format(time.RFC3339Nano)),
		":dp":  cN(dp), ":dg": cN(dg), ":dt": cN(dt),
		":np": cN(max(0, -dp)), ":ng": cN(max(0, -dg)), ":nt": cN(max(0, -dt))}
	names := []string{"Title", "Description", "HTML", "ImageKey", "Audience", "StartsAt", "EndsAt", "Disclosure", "Challenges", "HasTrial",
		"TrialOffer", "TrialInstructions", caState, caStartedAt, caEndedAt, caUpdatedAt, AttrGSI1SK,
		caPointsBudget, caPointsBudgetLeft, caGiftBudget, caGiftBudgetLeft, caTrialSlots, caTrialSlotsLeft}
	if c.Trial != nil && old.Trial == nil {
		set = append(set, "#TrialSlots = :slots", "#TrialSlotsLeft = :slots")
		vals[":slots"] = cN(slots)
		delete(vals, ":dt")
	}
	expr := "SET " + strings.Join(set, ", ") + " ADD #PointsBudget :dp, #PointsBudgetLeft :dp, #GiftBudget :dg, #GiftBudgetLeft :dg"
	if c.Trial == nil || old.Trial != nil {
		expr += ", #TrialSlots :dt, #TrialSlotsLeft :dt"
	}
	cond := "#UpdatedAt = :old AND #PointsBudgetLeft >= :np AND #GiftBudgetLeft >= :ng AND (attribute_not_exists(#TrialSlotsLeft) OR #TrialSlotsLeft >= :nt)"
	up := &types.Update{TableName: aws.String(s.Table), Key: campaignKey(c.ID), UpdateExpression: aws.String(expr),
		ConditionExpression: aws.String(cond), ExpressionAttributeNames: named(names...), ExpressionAttributeValues: vals,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}
	tx := s.txn().add(condCampaignUnchanged, types.TransactWriteItem{Update: up})
	switch {
	case !isOpen(old.Stored) && isOpen(c.Stored):
		tx.put("", openCampaignItem{PK: openCampaignsPK, SK: c.ID, Type: typeOpenCampaign, CampaignID: c.ID}, "")
	case isOpen(old.Stored) && !isOpen(c.Stored):
		tx.add("", s.del(key(openCampaignsPK, c.ID), ""))
	}
	tx.with(s.outboxPuts(events))
	err = tx.run(ctx)
	if failed(err, condCampaignUnchanged) {
		var was campaignItem
		if it := failedItem(err, condCampaignUnchanged); it != nil && attributevalue.UnmarshalMap(it, &was) == nil && was.UpdatedAt.Equal(old.UpdatedAt) {
			return fmt.Errorf("store.UpdateCampaign %s: %w", c.ID, rewards.ErrBudgetBelowSpent)
		}
		return fmt.Errorf("store.UpdateCampaign %s: %w", c.ID, rewards.ErrCampaignChanged)
	}
	if lostToConcurrent(err) {
		return fmt.Errorf("store.UpdateCampaign %s: %w", c.ID, rewards.ErrCampaignChanged)
	}
	if err != nil {
		return fmt.Errorf("store.UpdateCampaign %s: %w", c.ID, err)
	}
	return nil
}

// Campaigns implements rewards.CampaignStore: GSI1 CAMPAIGNS, newest start first.
func (s *Rewards) Campaigns(ctx context.Context, cursor string, limit int) ([]rewards.Campaign, string, error) {
	out, next, err := pageOf(ctx, s.Store, campaignsPK, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": cS(campaignsPK)}},
		func(av item) (rewards.Campaign, bool, error) {
			var it campaignItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.campaign(), true, err
		})
	if err != nil {
		return nil, "", fmt.Errorf("store.Campaigns: %w", err)
	}
	return out, next, nil
}

// OpenCampaigns implements rewards.CampaignStore: the OPENCAMPAIGNS markers, then the
// campaigns by key (two round trips whatever the number of campaigns ever run).
func (s *Rewards) OpenCampaigns(ctx context.Context) ([]rewards.Campaign, error) {
	marks, err := queryItems[openCampaignItem](ctx, s.Store, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: map[string]types.AttributeValue{":pk": cS(openCampaignsPK)}})
	if err != nil || len(marks) == 0 {
		return nil, err
	}
	keys := make([]map[string]types.AttributeValue, len(marks))
	for i, m := range marks {
		keys[i] = campaignKey(m.CampaignID)
	}
	found, err := s.batchGet(ctx, "store.OpenCampaigns", keys)
	if err != nil {
		return nil, err
	}
	out := make([]rewards.Campaign, 0, len(found))
	for _, m := range marks {
		av, ok := found[keyName(campaignKey(m.CampaignID))]
		if !ok {
			continue
		}
		var it campaignItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("store.OpenCampaigns: %w", err)
		}
		out = append(out, it.campaign())
	}
	return out, nil
}

// Participation implements rewards.CampaignStore: one query of the member's items in
// the campaign's partition.
func (s *Rewards) Participation(ctx context.Context, campaignID, memberID string) (rewards.Participation, error) {
	in := queryPrefix(s.Table, campaignPK(campaignID), campaignMemberPrefix(memberID))
	in.ConsistentRead = aws.Bool(true)
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return rewards.Participation{}, fmt.Errorf("store.Participation: %w", err)
	}
	p := rewards.Participation{Completions: map[string]int{}, Progress: map[string]int{}, Submissions: []rewards.Submission{}}
	for _, av := range items {
		typ, _ := av[AttrType].(*types.AttributeValueMemberS)
		if typ == nil {
			continue
		}
		var err error
		switch typ.Value {
		case typeCampaignSaw:
			p.Saw = true
		case typeCampaignJoined:
			var it campaignMarkItem
			err = attributevalue.UnmarshalMap(av, &it)
			p.Joined, p.JoinedAt = true, &it.At
		case typeCampaignDone:
			var it completionItem
			err = attributevalue.UnmarshalMap(av, &it)
			p.Completions[it.ChallengeID] = it.Count
		case typeCampaignProgress:
			var it progressItem
			err = attributevalue.UnmarshalMap(av, &it)
			p.Progress[it.ChallengeID] = len(it.Objects)
		case typeMemberSubmission:
			var it submissionItem
			err = attributevalue.UnmarshalMap(av, &it)
			p.Submissions = append(p.Submissions, it.submission())
		case typeTrialApplication:
			var it trialItem
			err = attributevalue.UnmarshalMap(av, &it)
			a := it.application()
			p.Trial = &a
		}
		if err != nil {
			return rewards.Participation{}, fmt.Errorf("store.Participation: %w", err)
		}
	}
	// Newest first.
	for i, j := 0, len(p.Submissions)-1; i < j; i, j = i+1, j-1 {
		p.Submissions[i], p.Submissions[j] = p.Submissions[j], p.Submissions[i]
	}
	if len(p.Submissions) > 1 {
		sortSubmissions(p.Submissions)
	}
	return p, nil
}

func sortSubmissions(list []rewards.Submission) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].CreatedAt.After(list[j-1].CreatedAt); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

// mark writes a member's first view or join with its counter, once: a second one
// fails on condFirstTime and writes nothing (false).
func (s *Rewards) mark(ctx context.Context, campaignID, sk, typ, counter, memberID string, now time.Time) (bool, error) {
	err := s.txn().put(condFirstTime, campaignMarkItem{PK: campaignPK(campaignID), SK: sk, Type: typ, MemberID: memberID, At: now}, itemAbsent).
		add("", s.campaignAdd(campaignID, map[string]int64{counter: 1}, "", 0)).run(ctx)
	if failed(err, condFirstTime) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// SawCampaign implements rewards.CampaignStore.
func (s *Rewards) SawCampaign(ctx context.Context, campaignID, memberID string, now time.Time) error {
	if _, err := s.mark(ctx, campaignID, campaignSawSK(memberID), typeCampaignSaw, caSaw, memberID, now); err != nil {
		return fmt.Errorf("store.SawCampaign %s: %w", campaignID, err)
	}
	return nil
}

// JoinCampaign implements rewards.CampaignStore.
func (s *Rewards) JoinCampaign(ctx context.Context, campaignID, memberID string, now time.Time) (bool, error) {
	first, err := s.mark(ctx, campaignID, campaignJoinedSK(memberID), typeCampaignJoined, caJoined, memberID, now)
	if err != nil {
		return false, fmt.Errorf("store.JoinCampaign %s: %w", campaignID, err)
	}
	return first, nil
}

// CreateSubmission implements rewards.CampaignStore: the proof, the member's copy, the
// claim of its address, the member's one open proof of the challenge and the count, in
// one transaction.
func (s *Rewards) CreateSubmission(ctx context.Context, sub rewards.Submission, proofKey string) error {
	err := s.firstOfMember(ctx, condFirstProof, func(first bool) *txn {
		tx := s.txn().
			put("", newSubmissionItem(submissionPK(sub.ID), skSubmission, typeSubmission, sub), itemAbsent).
			put("", newSubmissionItem(campaignPK(sub.CampaignID), campaignSubSK(sub.MemberID, sub.ID), typeMemberSubmission, sub), "").
			put(condProofFree, proofClaimItem{PK: "PROOF#" + proofKey, SK: skProof, Type: typeProofClaim, SubmissionID: sub.ID, MemberID: sub.MemberID}, itemAbsent).
			put(condOnePending, campaignMarkItem{PK: campaignPK(sub.CampaignID), SK: campaignPendingSK(sub.MemberID, sub.ChallengeID), Type: typeCampaignPending,
				MemberID: sub.MemberID, At: sub.CreatedAt, SubmissionID: sub.ID}, itemAbsent)
		adds := map[string]int64{caSubmitted: 1}
		if first {
			adds[caSubmitters] = 1
			tx.put(condFirstProof, campaignMarkItem{PK: campaignPK(sub.CampaignID), SK: campaignSubmitterSK(sub.MemberID), Type: typeCampaignSubmitter,
				MemberID: sub.MemberID, At: sub.CreatedAt}, itemAbsent)
		}
		return tx.add("", s.campaignAdd(sub.CampaignID, adds, "", 0))
	})
	switch {
	case failed(err, condProofFree):
		return fmt.Errorf("store.CreateSubmission: %w", rewards.ErrProofURLUsed)
	case failed(err, condOnePending):
		return fmt.Errorf("store.CreateSubmission: %w", rewards.ErrPendingExists)
	case err != nil:
		return fmt.Errorf("store.CreateSubmission: %w", err)
	}
	return nil
}

// firstOfMember runs a transaction that counts a member once in a campaign's funnel
// (their first proof, their first approval): built with first=true it also puts the
// member's mark on condition that it is new (the named condition cond) and adds to
// the member count; when that mark exists already (the member was counted), it runs
// again without them. Both the count of proofs and of members stay exact, in one
// transaction each time.
func (s *Rewards) firstOfMember(ctx context.Context, cond string, build func(first bool) *txn) error {
	err := build(true).run(ctx)
	if failed(err, cond) {
		err = build(false).run(ctx)
	}
	return err
}

// Submission implements rewards.CampaignStore.
func (s *Rewards) Submission(ctx context.Context, id string) (rewards.Submission, error) {
	var it submissionItem
	if err := s.get(ctx, "store.Submission", submissionPK(id), skSubmission, time.Now(), &it); err != nil {
		return rewards.Submission{}, err
	}
	return it.submission(), nil
}

// submissionWrites are the writes of a submission's new state: the proof on condition
// that it is still in status was (condSubmissionPending), and the member's copy.
func (s *Rewards) submissionWrites(tx *txn, sub rewards.Submission, was string) {
	p, err := s.put(newSubmissionItem(submissionPK(sub.ID), skSubmission, typeSubmission, sub), "#Status = :was")
	if err == nil {
		p.Put.ExpressionAttributeNames = named(caStatus)
		p.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":was": cS(was)}
	}
	tx.also(condSubmissionPending, []types.TransactWriteItem{p}, err)
	tx.put("", newSubmissionItem(campaignPK(sub.CampaignID), campaignSubSK(sub.MemberID, sub.ID), typeMemberSubmission, sub), "")
}

// ResubmitSubmission implements rewards.CampaignStore.
func (s *Rewards) ResubmitSubmission(ctx context.Context, old, sub rewards.Submission, oldKey, newKey string) error {
	tx := s.txn()
	s.submissionWrites(tx, sub, rewards.SubmissionChanges)
	if oldKey != newKey {
		tx.add("", s.del(key("PROOF#"+oldKey, skProof), ""))
		tx.put(condProofFree, proofClaimItem{PK: "PROOF#" + newKey, SK: skProof, Type: typeProofClaim, SubmissionID: sub.ID, MemberID: sub.MemberID}, itemAbsent)
	}
	err := tx.run(ctx)
	switch {
	case failed(err, condProofFree):
		return fmt.Errorf("store.ResubmitSubmission: %w", rewards.ErrProofURLUsed)
	case failed(err, condSubmissionPending) || lostToConcurrent(err):
		return fmt.Errorf("store.ResubmitSubmission: %w", rewards.ErrNotChangeable)
	case err != nil:
		return fmt.Errorf("store.ResubmitSubmission: %w", err)
	}
	return nil
}

// pay adds to tx a completion's payment: the member's count (the one before:
// condCompletionNext, and never past the maximum), the ledger entry (once per
// challenge, completion and member: condPointsClaim), the campaign's points budget
// (condCampaignBudget) and counters.
func (s *Rewards) pay(tx *txn, p rewards.Completion, approved, firstApproval bool) {
	done := &types.Update{TableName: aws.String(s.Table), Key: key(campaignPK(p.CampaignID), campaignDoneSK(p.MemberID, p.ChallengeID)),
		UpdateExpression:         aws.String("SET #Type = :type, #MemberID = :m, #ChallengeID = :ch ADD #Count :one"),
		ExpressionAttributeNames: named(AttrType, "MemberID", "ChallengeID", caCount),
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": cS(typeCampaignDone), ":m": cS(p.MemberID), ":ch": cS(p.ChallengeID),
			":one": cN(1), ":prev": cN(int64(p.N - 1)), ":max": cN(int64(p.Max))}}
	if p.N == 1 {
		done.ConditionExpression = aws.String("attribute_not_exists(#Count) OR #Count = :prev")
		delete(done.ExpressionAttributeValues, ":max")
	} else {
		done.ConditionExpression = aws.String("#Count = :prev AND #Count < :max")
	}
	tx.add(condCompletionNext, types.TransactWriteItem{Update: done})
	adds := map[string]int64{caCompletions: 1}
	if approved {
		adds[caApproved] = 1
	}
	if firstApproval {
		adds[caApprovedMembers] = 1
	}
	if p.Points > 0 {
		adds[caPointsPaid], adds[caPointsBudgetLeft] = p.Points, -p.Points
		tx.ledger(rewards.Entry{MemberID: p.MemberID, Rule: rewards.RuleChallenge, Amount: p.Points, ObjectType: campaignProofObjectTy,
			ObjectID: p.CampaignID + "#" + rewards.CompletionObject(p.ChallengeID, p.N), EventID: p.EventID, Reason: p.Reason, At: p.At},
			p.Points, p.Points, 0)
		tx.add(condCampaignBudget, s.campaignAdd(p.CampaignID, adds, caPointsBudgetLeft, p.Points))
		return
	}
	tx.add("", s.campaignAdd(p.CampaignID, adds, "", 0))
}

// payFailed tells why a payment's transaction failed.
func payFailed(err error) error {
	switch {
	case failed(err, condPointsClaim):
		return rewards.ErrAlreadyPaid
	case failed(err, condCampaignBudget):
		return rewards.ErrBudgetSpent
	case failed(err, condCompletionNext):
		return rewards.ErrMaxReached
	}
	return nil
}

// ReviewSubmission implements rewards.CampaignStore.
func (s *Rewards) ReviewSubmission(ctx context.Context, old, sub rewards.Submission, pay *rewards.Completion, proofKey string, events []eventtypes.Envelope) error {
	build := func(first bool) *txn {
		tx := s.txn()
		s.submissionWrites(tx, sub, rewards.SubmissionPending)
		switch sub.Status {
		case rewards.SubmissionApproved:
			s.pay(tx, *pay, true, first)
			if first {
				tx.put(condFirstApproval, campaignMarkItem{PK: campaignPK(sub.CampaignID), SK: campaignApprovedSK(sub.MemberID), Type: typeCampaignApproved,
					MemberID: sub.MemberID, At: pay.At}, itemAbsent)
			}
		case rewards.SubmissionRejected:
			tx.add("", s.del(key("PROOF#"+proofKey, skProof), ""))
			tx.add("", s.campaignAdd(sub.CampaignID, map[string]int64{caRejected: 1}, "", 0))
		}
		if sub.Status != rewards.SubmissionChanges {
			tx.add("", s.del(key(campaignPK(sub.CampaignID), campaignPendingSK(sub.MemberID, sub.ChallengeID)), ""))
		}
		return tx.with(s.outboxPuts(events))
	}
	var err error
	if sub.Status == rewards.SubmissionApproved {
		err = s.firstOfMember(ctx, condFirstApproval, build)
	} else {
		err = build(false).run(ctx)
	}
	// A proof reviewed meanwhile is told first: its payment's claim and count then fail
	// too, and a concurrent approval of the same proof must answer submission_reviewed
	// (not points_already_paid).
	if failed(err, condSubmissionPending) {
		return fmt.Errorf("store.ReviewSubmission %s: %w", sub.ID, rewards.ErrReviewed)
	}
	if why := payFailed(err); why != nil {
		return fmt.Errorf("store.ReviewSubmission %s: %w", sub.ID, why)
	}
	if lostToConcurrent(err) {
		return fmt.Errorf("store.ReviewSubmission %s: %w", sub.ID, rewards.ErrReviewed)
	}
	if err != nil {
		return fmt.Errorf("store.ReviewSubmission %s: %w", sub.ID, err)
	}
	return nil
}

// ReviewQueue implements rewards.CampaignStore: GSI1 REVIEWQ#<c>, oldest first.
func (s *Rewards) ReviewQueue(ctx context.Context, campaignID, cursor string, limit int) ([]rewards.Submission, string, error) {
	pk := reviewQueuePK(campaignID)
	out, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": cS(pk)}},
		func(av item) (rewards.Submission, bool, error) {
			var it submissionItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.submission(), it.Status == rewards.SubmissionPending, err
		})
	if err != nil {
		return nil, "", fmt.Errorf("store.ReviewQueue: %w", err)
	}
	return out, next, nil
}

// RecordProgress implements rewards.CampaignStore: ADD of the object to a string set
// (idempotent), answering the set's size.
func (s *Rewards) RecordProgress(ctx context.Context, campaignID, challengeID, memberID, objectID string) (int, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
		Key:                      key(campaignPK(campaignID), campaignProgressSK(memberID, challengeID)),
		UpdateExpression:         aws.String("SET #Type = :type, #ChallengeID = :ch ADD #Objects :o"),
		ExpressionAttributeNames: named(AttrType, "ChallengeID", caObjects),
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": cS(typeCampaignProgress), ":ch": cS(challengeID),
			":o": &types.AttributeValueMemberSS{Value: []string{objectID}}},
		ReturnValues: types.ReturnValueAllNew})
	if err != nil {
		return 0, fmt.Errorf("store.RecordProgress: %w", err)
	}
	set, _ := out.Attributes[caObjects].(*types.AttributeValueMemberSS)
	if set == nil {
		return 0, nil
	}
	return len(set.Value), nil
}

// Complete implements rewards.CampaignStore.
func (s *Rewards) Complete(ctx context.Context, p rewards.Completion, events []eventtypes.Envelope) error {
	tx := s.txn()
	s.pay(tx, p, false, false)
	tx.with(s.outboxPuts(events))
	err := tx.run(ctx)
	if why := payFailed(err); why != nil {
		return fmt.Errorf("store.Complete: %w", why)
	}
	if lostToConcurrent(err) {
		return fmt.Errorf("store.Complete: %w", rewards.ErrAlreadyPaid)
	}
	if err != nil {
		return fmt.Errorf("store.Complete: %w", err)
	}
	return nil
}

// TakeBack counts on its campaign a challenge payment taken back as fraudulent (the
// report's "taken back" and its cost net of it): objectID is the payment's ledger object
// (<campaign>#<challenge>#<n>), counted once however often the reversal is told
// (false when it was already).
func (s *Rewards) TakeBack(ctx context.Context, campaignID, objectID string, points int64, at time.Time) (bool, error) {
	err := s.txn().put(condFirstTime, campaignMarkItem{PK: campaignPK(campaignID), SK: campaignTakenBackSK(objectID), Type: typeCampaignTakenBack, At: at},
		itemAbsent).
		add("", s.campaignAdd(campaignID, map[string]int64{caTakenBack: 1, caPointsTakenBack: points}, "", 0)).run(ctx)
	if failed(err, condFirstTime) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.TakeBack %s: %w", campaignID, err)
	}
	return true, nil
}

// ApplyTrial implements rewards.CampaignStore: on condition that a slot is left
// (condTrialSlot: once the last one went, the remaining applicants are declined and
// nobody else may apply).
func (s *Rewards) ApplyTrial(ctx context.Context, a rewards.Application) error {
	err := s.txn().put(condFirstTime, newTrialItem(a), itemAbsent).
		add(condTrialSlot, s.campaignAdd(a.CampaignID, map[string]int64{caTrialApplied: 1}, caTrialSlotsLeft, 1)).run(ctx)
	if failed(err, condTrialSlot) {
		return fmt.Errorf("store.ApplyTrial: %w", rewards.ErrNoSlots)
	}
	if failed(err, condFirstTime) {
		return fmt.Errorf("store.ApplyTrial: %w", rewards.ErrApplied)
	}
	if err != nil {
		return fmt.Errorf("store.ApplyTrial: %w", err)
	}
	return nil
}

// Application implements rewards.CampaignStore.
func (s *Rewards) Application(ctx context.Context, campaignID, memberID string) (rewards.Application, error) {
	var it trialItem
	if err := s.get(ctx, "store.Application", campaignPK(campaignID), campaignTrialSK(memberID), time.Now(), &it); err != nil {
		return rewards.Application{}, err
	}
	return it.application(), nil
}

// DecideTrial implements rewards.CampaignStore: an approval takes a slot (ADD -1 on
// condition one is left: never more approvals than slots).
func (s *Rewards) DecideTrial(ctx context.Context, old, a rewards.Application, events []eventtypes.Envelope) error {
	p, err := s.put(newTrialItem(a), "#Status = :applied")
	tx := s.txn()
	if err == nil {
		p.Put.ExpressionAttributeNames = named(caStatus)
		p.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":applied": cS(rewards.TrialApplied)}
	}
	tx.also(condSubmissionPending, []types.TransactWriteItem{p}, err)
	if a.Status == rewards.TrialApproved {
		tx.add(condTrialSlot, s.campaignAdd(a.CampaignID, map[string]int64{caTrialSlotsLeft: -1, caTrialApproved: 1}, caTrialSlotsLeft, 1))
	}
	tx.with(s.outboxPuts(events))
	err = tx.run(ctx)
	switch {
	case failed(err, condTrialSlot):
		return fmt.Errorf("store.DecideTrial: %w", rewards.ErrNoSlots)
	case failed(err, condSubmissionPending) || lostToConcurrent(err):
		return fmt.Errorf("store.DecideTrial: %w", rewards.ErrDecided)
	case err != nil:
		return fmt.Errorf("store.DecideTrial: %w", err)
	}
	return nil
}

// TrialApplications implements rewards.CampaignStore: GSI1 TRIALQ#<c>, oldest first.
func (s *Rewards) TrialApplications(ctx context.Context, campaignID, cursor string, limit int) ([]rewards.Application, string, error) {
	pk := trialQueuePK(campaignID)
	out, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": cS(pk)}},
		func(av item) (rewards.Application, bool, error) {
			var it trialItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.application(), it.Status == rewards.TrialApplied, err
		})
	if err != nil {
		return nil, "", fmt.Errorf("store.TrialApplications: %w", err)
	}
	return out, next, nil
}
