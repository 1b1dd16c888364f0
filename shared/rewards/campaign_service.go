package rewards

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
)

// Participation is what one member did in one campaign.
type Participation struct {
	Saw      bool       `json:"saw"`
	Joined   bool       `json:"joined"`
	JoinedAt *time.Time `json:"joinedAt,omitempty"`
	// Completions counts the member's completions of each challenge (by id); Progress
	// the actions an automatic challenge counted so far.
	Completions map[string]int `json:"completions"`
	Progress    map[string]int `json:"progress"`
	// Submissions are the member's proofs, newest first.
	Submissions []Submission `json:"submissions"`
	Trial       *Application `json:"trial,omitempty"`
}

// Completion is one completion of a challenge to pay: the N-th (from 1) by a member.
type Completion struct {
	CampaignID  string
	ChallengeID string
	MemberID    string
	N           int
	Points      int64
	// Max is the challenge's maximum of completions per member.
	Max     int
	EventID string
	At      time.Time
	Reason  string
}

// CampaignStore is what campaigns need from storage (shared/store, rewards_campaigns.go).
type CampaignStore interface {
	// CreateCampaign writes a new draft campaign.
	CreateCampaign(ctx context.Context, c Campaign) error
	// Campaign reads a campaign (errs.ErrNotFound when there is none).
	Campaign(ctx context.Context, id string) (Campaign, error)
	// UpdateCampaign writes c over old if the campaign is still as old was read
	// (ErrCampaignChanged otherwise), with events. Budgets and trial slots move by the
	// difference (ADD), never below what was given (ErrBudgetBelowSpent).
	UpdateCampaign(ctx context.Context, old, c Campaign, events []eventtypes.Envelope) error
	// Campaigns lists every campaign, newest start first, a page at a time.
	Campaigns(ctx context.Context, cursor string, limit int) ([]Campaign, string, error)
	// OpenCampaigns lists the campaigns neither draft nor ended as stored (what may be
	// live now): the automatic challenges' consumer and the members' list read it.
	OpenCampaigns(ctx context.Context) ([]Campaign, error)
	// Participation reads what a member did in a campaign (one query).
	Participation(ctx context.Context, campaignID, memberID string) (Participation, error)
	// SawCampaign records that a member opened the campaign (counted once).
	SawCampaign(ctx context.Context, campaignID, memberID string, now time.Time) error
	// JoinCampaign records that a member joined (counted once; false when already).
	JoinCampaign(ctx context.Context, campaignID, memberID string, now time.Time) (bool, error)
	// CreateSubmission writes a pending proof, claiming its address (ErrProofURLUsed)
	// and the member's one pending proof of the challenge (ErrPendingExists).
	CreateSubmission(ctx context.Context, s Submission, proofKey string) error
	Submission(ctx context.Context, id string) (Submission, error)
	// ResubmitSubmission writes a changed proof back to pending, moving its claim from
	// oldKey to newKey when the address changed.
	ResubmitSubmission(ctx context.Context, old, s Submission, oldKey, newKey string) error
	// ReviewSubmission writes a review if the submission is still pending: an approval
	// pays pay (its completion, the ledger entry, the budget: ErrMaxReached,
	// ErrBudgetSpent), a rejection releases the proof's address.
	ReviewSubmission(ctx context.Context, old, s Submission, pay *Completion, proofKey string, events []eventtypes.Envelope) error
	// ReviewQueue lists a campaign's pending proofs, oldest first.
	ReviewQueue(ctx context.Context, campaignID, cursor string, limit int) ([]Submission, string, error)
	// RecordProgress counts an object towards a member's automatic challenge (each object
	// once) and returns how many it counted.
	RecordProgress(ctx context.Context, campaignID, challengeID, memberID, objectID string) (int, error)
	// Complete pays an automatic challenge's completion (as ReviewSubmission's pay).
	Complete(ctx context.Context, pay Completion, events []eventtypes.Envelope) error
	// ApplyTrial writes an application (ErrApplied when there is one).
	ApplyTrial(ctx context.Context, a Application) error
	Application(ctx context.Context, campaignID, memberID string) (Application, error)
	// DecideTrial writes a decision if the application is still applied (ErrDecided);
	// an approval takes a slot (ErrNoSlots when none is left).
	DecideTrial(ctx context.Context, old, a Application, events []eventtypes.Envelope) error
	// TrialApplications lists a campaign's applications still to decide, oldest first.
	TrialApplications(ctx context.Context, campaignID, cursor string, limit int) ([]Application, string, error)
	// MemberName returns a member's name and roles (errs.ErrNotFound if unknown).
	MemberName(ctx context.Context, memberID string) (string, []string, error)
	// MemberNames returns each member's name as it is now ("" for a deleted member).
	MemberNames(ctx context.Context, ids []string) (map[string]string, error)
}

// Audiences says whether a member belongs to a campaign's audience (spaces through the app).
type AudienceCheck interface {
	InSpaces(ctx context.Context, actor auth.Principal, spaceIDs []string) (bool, error)
	// SpaceExists reports whether a space of that id exists (whoever may see it).
	SpaceExists(ctx context.Context, spaceID string) (bool, error)
	// SpaceName is the space's name if the actor may see that it exists ("" otherwise).
	SpaceName(ctx context.Context, actor auth.Principal, spaceID string) (string, error)
}

// nameSpaces writes the name of the space of each automatic challenge limited to one,
// as the reader may see it.
func (s *Campaigns) nameSpaces(ctx context.Context, actor auth.Principal, c *Campaign) error {
	if s.Audience == nil {
		return nil
	}
	list := slices.Clone(c.Challenges)
	for i, ch := range list {
		if ch.SpaceID == "" {
			continue
		}
		name, err := s.Audience.SpaceName(ctx, actor, ch.SpaceID)
		if err != nil {
			return err
		}
		list[i].SpaceName = name
	}
	c.Challenges = list
	return nil
}

// ErrUnknownSpace: an audience names a space that does not exist.
var ErrUnknownSpace = errs.InvalidField("audience.spaceIds", "unknown_space", "There is no such space: choose the audience's spaces among the community's.")

// checkSpaces refuses a campaign that names a space that does not exist, in its
// audience or in an automatic challenge (a campaign nobody could see, a challenge nobody
// could complete). Spaces the old version named already are not read again.
func (s *Campaigns) checkSpaces(ctx context.Context, c Campaign, old *Campaign) error {
	if s.Audience == nil {
		return nil
	}
	known := map[string]bool{"": true}
	if old != nil {
		for _, id := range old.Audience.SpaceIDs {
			known[id] = true
		}
		for _, ch := range old.Challenges {
			known[ch.SpaceID] = true
		}
	}
	exists := func(id string) (bool, error) {
		if ok, seen := known[id]; seen {
			return ok, nil
		}
		ok, err := s.Audience.SpaceExists(ctx, id)
		if err != nil {
			return false, err
		}
		known[id] = ok
		return ok, nil
	}
	for _, id := range c.Audience.SpaceIDs {
		if ok, err := exists(id); err != nil || !ok {
			return cmp.Or(err, error(ErrUnknownSpace))
		}
	}
	for i, ch := range c.Challenges {
		if ok, err := exists(ch.SpaceID); err != nil || !ok {
			return cmp.Or(err, error(errs.InvalidField(challengeField(i, "spaceId"), "unknown_space", "There is no such space: choose one of the community's, or none for every space.")))
		}
	}
	return nil
}

// Scheduler sets one-time schedules (EventBridge Scheduler in AWS, the local scheduler
// under make run): at a time, the clock function runs the job kind for id.
type Scheduler interface {
	At(ctx context.Context, name string, at time.Time, kind, id string) error
	Cancel(ctx context.Context, name string) error
}

// Schedule kinds of campaigns.
const (
	JobCampaignStart = "campaign.start"
	JobCampaignEnd   = "campaign.end"
)

// Files is where campaign images and proof screenshots live.
type Files interface {
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	Head(ctx context.Context, key string) (int64, string, error)
}

// Campaigns is the campaigns' use cases.
type Campaigns struct {
	Store    CampaignStore
	Audience AudienceCheck
	Schedule Scheduler
	Files    Files
	Now      func() time.Time
}

// MayManage reports whether roles run campaigns (marketers, admins).
func MayManage(roles []string) bool { return policy.Allowed(roles, policy.CampaignsManage) }

// inAudience reports whether a member belongs to the campaign's audience now.
func (s *Campaigns) inAudience(ctx context.Context, actor auth.Principal, c Campaign) (bool, error) {
	switch c.Audience.Kind {
	case AudienceEveryone:
		return true, nil
	case AudienceRoles:
		for _, r := range c.Audience.Roles {
			if slices.Contains(actor.Roles, r) {
				return true, nil
			}
		}
		return false, nil
	case AudienceSpaces:
		if s.Audience == nil {
			return false, nil
		}
		return s.Audience.InSpaces(ctx, actor, c.Audience.SpaceIDs)
	}
	return false, nil
}

// visible reads a campaign the caller may see now: staff who run campaigns see every
// one; members one that has started (live, paused or ended) and whose audience they
// are in. Anyone else is told it does not exist.
func (s *Campaigns) visible(ctx context.Context, actor auth.Principal, id string) (Campaign, error) {
	c, err := s.Store.Campaign(ctx, id)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return Campaign{}, ErrNoCampaign
	}
	if err != nil {
		return Campaign{}, err
	}
	c = c.At(s.Now())
	if MayManage(actor.Roles) {
		return c, nil
	}
	if c.State == StateDraft || c.State == StateScheduled {
		return Campaign{}, ErrNoCampaign
	}
	in, err := s.inAudience(ctx, actor, c)
	if err != nil {
		return Campaign{}, err
	}
	if !in {
		return Campaign{}, ErrNoCampaign
	}
	return c, nil
}

// GiftOffered reports whether a gift of the campaign id is offered to the actor now:
// the campaign is live (derived from its stored state and times) and the actor is in
// its audience. A gift of a draft, scheduled, paused or ended campaign, or of a
// campaign for other spaces, is not (docs/rewards.md, "Catalogue").
func (s *Campaigns) GiftOffered(ctx context.Context, actor auth.Principal, id string) (bool, error) {
	c, err := s.Store.Campaign(ctx, id)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("rewards.GiftOffered %s: %w", id, err)
	}
	if c.At(s.Now()).State != StateLive {
		return false, nil
	}
	return s.inAudience(ctx, actor, c)
}

// managed reads a campaign for its managers.
func (s *Campaigns) managed(ctx context.Context, id string) (Campaign, error) {
	c, err := s.Store.Campaign(ctx, id)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return Campaign{}, ErrNoCampaign
	}
	if err != nil {
		return Campaign{}, err
	}
	return c.At(s.Now()), nil
}

// CampaignView is a campaign as the caller sees it, with what they did in it.
type CampaignView struct {
	Campaign Campaign `json:"campaign"`
	// Me is the caller's participation (empty for staff).
	Me Participation `json:"me"`
	// Manage: the caller runs campaigns (edits, reviews, reports).
	Manage bool `json:"manage"`
	// CanTakePart: the caller may join and submit now.
	CanTakePart bool `json:"canTakePart"`
	// Staff: the caller is staff (policy.StaffRoles), who take no part in campaigns:
	// the page says so to those who do not run them either (moderators, support).
	Staff bool `json:"staff"`
}

// forMember hides what a member may not read: the trial's instructions unless their
// application was approved, and what is the staff's (the report's counters, the
// budgets, who wrote it, the audience's spaces and roles).
func forMember(c Campaign) Campaign {
	c.Counts, c.Audience, c.CreatedBy = Counts{}, Audience{}, ""
	c.PointsBudget, c.GiftBudget, c.PointsBudgetLeft, c.GiftBudgetLeft = 0, 0, 0, 0
	if c.Trial != nil {
		tr := *c.Trial
		tr.Instructions = ""
		c.Trial = &tr
	}
	return c
}

// ownParticipation is a member's participation as they read it: without the ids of the
// staff who reviewed their proofs or decided their trial application (the staff's to
// know: a member reads that "the community team" decided).
func ownParticipation(p Participation) Participation {
	p.Submissions = slices.Clone(p.Submissions)
	for i := range p.Submissions {
		p.Submissions[i].ReviewerID = ""
	}
	if p.Trial != nil {
		tr := *p.Trial
		tr.DecidedBy = ""
		p.Trial = &tr
	}
	return p
}

// Get returns a campaign the caller may see (a GET writes nothing: the page tells that
// it was seen with Seen).
func (s *Campaigns) Get(ctx context.Context, actor auth.Principal, id string) (CampaignView, error) {
	c, err := s.visible(ctx, actor, id)
	if err == nil {
		err = s.nameSpaces(ctx, actor, &c)
	}
	if err != nil {
		return CampaignView{}, fmt.Errorf("rewards.Get %s: %w", id, err)
	}
	staff := policy.IsStaff(actor.Roles)
	if MayManage(actor.Roles) {
		return CampaignView{Campaign: c, Me: emptyParticipation(), Manage: true, Staff: staff}, nil
	}
	p, err := s.Store.Participation(ctx, id, actor.MemberID)
	if err != nil {
		return CampaignView{}, fmt.Errorf("rewards.Get %s: %w", id, err)
	}
	if p.Trial != nil && p.Trial.Status == TrialApproved && c.Trial != nil {
		p.Trial.Instructions = c.Trial.Instructions // for the approved member only
	}
	if p.Trial != nil && p.Trial.Status == TrialApplied && c.Trial != nil && c.Trial.SlotsLeft <= 0 {
		// Every slot went: the application is declined (closeTrial stores it; the page
		// says so meanwhile, and promises no answer).
		p.Trial.Status, p.Trial.NoSlots = TrialDeclined, true
	}
	p = ownParticipation(p)
	return CampaignView{Campaign: forMember(c), Me: p, CanTakePart: c.State == StateLive && !staff, Staff: staff}, nil
}

// DeletedName is how a deleted member is named (auth.DeletedName: the web shows it in
// the reader's language from MemberDeleted).
const DeletedName = auth.DeletedName

// names writes each submission's and application's member name as it is now (names
// are never stored with them: a deleted member's is gone with them).
func (s *Campaigns) names(ctx context.Context, subs []Submission, apps []Application) error {
	var ids []string
	for _, x := range subs {
		ids = append(ids, x.MemberID)
	}
	for _, a := range apps {
		ids = append(ids, a.MemberID)
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := s.Store.MemberNames(ctx, ids)
	if err != nil {
		return err
	}
	for i := range subs {
		subs[i].MemberName, subs[i].MemberDeleted = names[subs[i].MemberID], names[subs[i].MemberID] == ""
		if subs[i].MemberDeleted {
			subs[i].MemberName = DeletedName
		}
	}
	for i := range apps {
		apps[i].MemberName, apps[i].MemberDeleted = names[apps[i].MemberID], names[apps[i].MemberID] == ""
		if apps[i].MemberDeleted {
			apps[i].MemberName = DeletedName
		}
	}
	return nil
}

// Seen records that a member opened a campaign's page (the report's "saw": once per
// member; staff are not counted).
func (s *Campaigns) Seen(ctx context.Context, actor auth.Principal, id string) error {
	if _, err := s.visible(ctx, actor, id); err != nil {
		return fmt.Errorf("rewards.Seen %s: %w", id, err)
	}
	if policy.IsStaff(actor.Roles) {
		return nil
	}
	if err := s.Store.SawCampaign(ctx, id, actor.MemberID, s.Now()); err != nil {
		return fmt.Errorf("rewards.Seen %s: %w", id, err)
	}
	return nil
}

func emptyParticipation() Participation {
	return Participation{Completions: map[string]int{}, Progress: map[string]int{}, Submissions: []Submission{}}
}

// List is a page of campaigns.
type List struct {
	Campaigns []Summary `json:"campaigns"`
	Next      string    `json:"next,omitempty"`
}

// Live lists the campaigns a member may take part in now (live or paused, in their
// audience), soonest end first.
func (s *Campaigns) Live(ctx context.Context, actor auth.Principal) (List, error) {
	open, err := s.Store.OpenCampaigns(ctx)
	if err != nil {
		return List{}, fmt.Errorf("rewards.Live: %w", err)
	}
	now := s.Now()
	out := []Summary{}
	for _, c := range open {
		c = c.At(now)
		if c.State != StateLive && c.State != StatePaused {
			continue
		}
		in, err := s.inAudience(ctx, actor, c)
		if err != nil {
			return List{}, fmt.Errorf("rewards.Live: %w", err)
		}
		switch {
		case MayManage(actor.Roles):
			out = append(out, c.Summary())
		case in:
			out = append(out, forMember(c).Summary())
		}
	}
	slices.SortFunc(out, func(a, b Summary) int { return a.EndsAt.Compare(b.EndsAt) })
	return List{Campaigns: out}, nil
}

// All lists every campaign for its managers, newest start first.
func (s *Campaigns) All(ctx context.Context, cursor string) (List, error) {
	list, next, err := s.Store.Campaigns(ctx, cursor, CampaignPage)
	if err != nil {
		return List{}, fmt.Errorf("rewards.All: %w", err)
	}
	now := s.Now()
	out := make([]Summary, 0, len(list))
	for _, c := range list {
		out = append(out, c.At(now).Summary())
	}
	return List{Campaigns: out, Next: next}, nil
}

// checkImage verifies an uploaded campaign image.
func (s *Campaigns) checkImage(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	if !strings.HasPrefix(key, campaignImagePrefix) || strings.Contains(key, "..") || len(key) > 200 || s.Files == nil {
		return ErrImageKey
	}
	size, typ, err := s.Files.Head(ctx, key)
	if err != nil || size > MaxImageBytes || ImageTypes[typ] == "" {
		return ErrImageKey
	}
	return nil
}

// Create writes a draft campaign.
func (s *Campaigns) Create(ctx context.Context, actor auth.Principal, in CampaignInput) (Campaign, error) {
	c, err := checkCampaign(in, nil)
	if err == nil {
		err = s.checkImage(ctx, c.ImageKey)
	}
	if err == nil {
		err = s.checkSpaces(ctx, c, nil)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("rewards.Create: %w", err)
	}
	if c.HTML, err = content.Render(c.Description); err != nil {
		return Campaign{}, fmt.Errorf("rewards.Create: %w", err)
	}
	now := s.Now().UTC()
	c.ID = "c_" + strings.ToLower(rand.Text())[:16]
	c.Stored, c.CreatedBy, c.CreatedAt, c.UpdatedAt = StateDraft, actor.MemberID, now, now
	c.PointsBudgetLeft, c.GiftBudgetLeft = c.PointsBudget, c.GiftBudget
	if err := s.Store.CreateCampaign(ctx, c); err != nil {
		return Campaign{}, fmt.Errorf("rewards.Create: %w", err)
	}
	return c.At(now), nil
}

// sameShape reports whether two campaigns have the same challenges, audience, start
// and trial offer (what a started campaign may not change).
func sameShape(a, b Campaign) bool {
	ja, _ := json.Marshal([]any{a.Challenges, a.Audience, a.StartsAt.Unix(), a.Trial != nil, a.Title})
	jb, _ := json.Marshal([]any{b.Challenges, b.Audience, b.StartsAt.Unix(), b.Trial != nil, b.Title})
	if a.Trial != nil && b.Trial != nil && (a.Trial.Offer != b.Trial.Offer || a.Trial.Instructions != b.Trial.Instructions) {
		return false
	}
	return string(ja) == string(jb)
}

// Update changes a campaign: everything before it starts; once started (live or
// paused), its end date (still to come), budgets, trial slots, description and
// disclosure only; nothing once ended.
func (s *Campaigns) Update(ctx context.Context, actor auth.Principal, id string, in CampaignInput) (Campaign, error) {
	old, err := s.managed(ctx, id)
	if err != nil {
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, err)
	}
	c, err := checkCampaign(in, &old)
	if err == nil {
		err = s.checkImage(ctx, c.ImageKey)
	}
	if err == nil {
		err = s.checkSpaces(ctx, c, &old)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, err)
	}
	now := s.Now().UTC()
	switch old.State {
	case StateEnded:
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, ErrState)
	case StateLive, StatePaused:
		if !sameShape(old, c) {
			return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, ErrCampaignRunning)
		}
	}
	if old.State != StateDraft && !c.EndsAt.After(now) {
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, ErrEndPassed)
	}
	if c.HTML, err = content.Render(c.Description); err != nil {
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, err)
	}
	c.ID, c.Stored, c.StartedAt, c.EndedAt, c.CreatedBy, c.CreatedAt, c.UpdatedAt = old.ID, old.Stored, old.StartedAt, old.EndedAt, old.CreatedBy, old.CreatedAt, now
	c.Counts = old.Counts
	c.PointsBudgetLeft = old.PointsBudgetLeft + (c.PointsBudget - old.PointsBudget)
	c.GiftBudgetLeft = old.GiftBudgetLeft + (c.GiftBudget - old.GiftBudget)
	if c.PointsBudgetLeft < 0 || c.GiftBudgetLeft < 0 {
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, ErrBudgetBelowSpent)
	}
	if c.Trial != nil {
		left := c.Trial.Slots
		if old.Trial != nil {
			left = old.Trial.SlotsLeft + (c.Trial.Slots - old.Trial.Slots)
		}
		if left < 0 {
			return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, errs.InvalidField("trial.slots", ErrBudgetBelowSpent.Code, "A trial cannot offer fewer slots than it has given."))
		}
		c.Trial.SlotsLeft = left
	}
	if err := s.Store.UpdateCampaign(ctx, old, c, nil); err != nil {
		return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, err)
	}
	c = c.At(s.Now())
	if c.State == StateScheduled || c.State == StateLive || c.State == StatePaused {
		if err := s.schedule(ctx, c); err != nil {
			return Campaign{}, fmt.Errorf("rewards.Update %s: %w", id, err)
		}
	}
	return c, nil
}

func startName(id string) string { return "campaign-" + id + "-start" }
func endName(id string) string   { return "campaign-" + id + "-end" }

// schedule sets a published campaign's start (while still to come) and end schedules.
func (s *Campaigns) schedule(ctx context.Context, c Campaign) error {
	if s.Schedule == nil {
		return nil
	}
	now := s.Now()
	if c.StartsAt.After(now) {
		if err := s.Schedule.At(ctx, startName(c.ID), c.StartsAt, JobCampaignStart, c.ID); err != nil {
			return err
		}
	}
	return s.Schedule.At(ctx, endName(c.ID), c.EndsAt, JobCampaignEnd, c.ID)
}

// unschedule cancels a campaign's schedules.
func (s *Campaigns) unschedule(ctx context.Context, id string) error {
	if s.Schedule == nil {
		return nil
	}
	if err := s.Schedule.Cancel(ctx, startName(id)); err != nil {
		return err
	}
	return s.Schedule.Cancel(ctx, endName(id))
}

// Campaign actions of the state route.
const (
	ActPublish   = "publish"
	ActPause     = "pause"
	ActResume    = "resume"
	ActEnd       = "end"
	ActUnpublish = "unpublish"
)

// CampaignActions lists them.
var CampaignActions = []string{ActPublish, ActPause, ActResume, ActEnd, ActUnpublish}

// StateRequest moves a campaign.
type StateRequest struct {
	Action string `json:"action"`
}

// started is the campaign.started event.
func started(c Campaign, now time.Time) (eventtypes.Envelope, error) {
	return eventtypes.Wrap(eventtypes.CampaignStarted{Meta: eventtypes.NewMeta(now), CampaignID: c.ID, Title: c.Title,
		StartsAt: c.StartsAt, EndsAt: c.EndsAt, Audience: c.Audience.Kind})
}

// ended is the campaign.ended event.
func ended(c Campaign, now time.Time, early bool) (eventtypes.Envelope, error) {
	return eventtypes.Wrap(eventtypes.CampaignEnded{Meta: eventtypes.NewMeta(now), CampaignID: c.ID, Title: c.Title,
		EndsAt: c.EndsAt, Early: early, Joined: c.Counts.Joined, Approved: c.Counts.Approved, PointsPaid: c.Counts.PointsPaid})
}

// Move applies a marketer's action: publish (draft → scheduled, or live at once when
// its start has come), pause (live → paused), resume (paused → live), end (scheduled,
// live or paused → ended, early) and unpublish (scheduled → draft, before it starts).
func (s *Campaigns) Move(ctx context.Context, actor auth.Principal, id string, req StateRequest) (Campaign, error) {
	old, err := s.managed(ctx, id)
	if err != nil {
		return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, err)
	}
	now := s.Now().UTC()
	c := old
	c.UpdatedAt = now
	var events []eventtypes.Envelope
	add := func(env eventtypes.Envelope, err error) error {
		events = append(events, env)
		return err
	}
	switch req.Action {
	case ActPublish:
		if old.State != StateDraft {
			return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrState)
		}
		if !old.EndsAt.After(now) {
			return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrEndPassed)
		}
		c.Stored = StateScheduled
		if !now.Before(old.StartsAt) {
			c.Stored, c.StartedAt = StateLive, &now
			err = add(started(c, now))
		}
	case ActPause:
		if old.State != StateLive {
			return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrState)
		}
		c.Stored = StatePaused
		if c.StartedAt == nil {
			c.StartedAt = &now
			err = add(started(c, now))
		}
	case ActResume:
		if old.State != StatePaused {
			return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrState)
		}
		c.Stored = StateLive
	case ActEnd:
		if old.State == StateDraft || old.State == StateEnded {
			return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrState)
		}
		if c.StartedAt == nil && old.State != StateScheduled {
			c.StartedAt = &now
			err = add(started(c, now))
		}
		c.Stored, c.EndedAt = StateEnded, &now
		if err == nil {
			err = add(ended(c, now, true))
		}
	case ActUnpublish:
		if old.State != StateScheduled {
			return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrState)
		}
		c.Stored = StateDraft
	default:
		return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, ErrAction)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, err)
	}
	if err := s.Store.UpdateCampaign(ctx, old, c, events); err != nil {
		return Campaign{}, fmt.Errorf("rewards.Move %s: %w", id, err)
	}
	c = c.At(s.Now())
	switch req.Action {
	case ActPublish:
		err = s.schedule(ctx, c)
	case ActEnd, ActUnpublish:
		err = s.unschedule(ctx, id)
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("rewards.Move %s: schedules: %w", id, err)
	}
	return c, nil
}

// OnSchedule runs a campaign's one-time schedule: at its start the stored state
// becomes live and campaign.started is told; at its end, ended and campaign.ended. A
// schedule that runs late does the same (readers derived the state meanwhile); one that
// runs early sets itself again; one that finds the work done (a repeat, a marketer who
// ended the campaign first) does nothing.
func (s *Campaigns) OnSchedule(ctx context.Context, kind, id string) error {
	for range 5 {
		c, err := s.Store.Campaign(ctx, id)
		if errs.Is(err, errs.ErrNotFound.Code) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rewards.OnSchedule %s %s: %w", kind, id, err)
		}
		now := s.Now().UTC()
		c = c.At(now)
		next := c
		next.UpdatedAt = now
		var events []eventtypes.Envelope
		switch kind {
		case JobCampaignStart:
			if c.Stored != StateScheduled {
				return nil
			}
			if now.Before(c.StartsAt) {
				return s.schedule(ctx, c)
			}
			next.Stored, next.StartedAt = StateLive, &now
			env, err := started(next, now)
			if err != nil {
				return err
			}
			events = append(events, env)
		case JobCampaignEnd:
			if c.Stored == StateDraft || c.Stored == StateEnded {
				return nil
			}
			if now.Before(c.EndsAt) {
				return s.schedule(ctx, c)
			}
			if c.StartedAt == nil {
				next.StartedAt = &now
				env, err := started(next, now)
				if err != nil {
					return err
				}
				events = append(events, env)
			}
			next.Stored, next.EndedAt = StateEnded, &now
			env, err := ended(next, now, false)
			if err != nil {
				return err
			}
			events = append(events, env)
		default:
			return fmt.Errorf("rewards.OnSchedule: unknown job %q", kind)
		}
		err = s.Store.UpdateCampaign(ctx, c, next, events)
		if errs.Is(err, ErrCampaignChanged.Code) {
			continue // a marketer changed it meanwhile: look again
		}
		if err != nil {
			return fmt.Errorf("rewards.OnSchedule %s %s: %w", kind, id, err)
		}
		return nil
	}
	return fmt.Errorf("rewards.OnSchedule %s %s: %w", kind, id, ErrCampaignChanged)
}

// takePart checks that a member may take part in a campaign now: not staff, in its
// audience, and the campaign live.
func (s *Campaigns) takePart(ctx context.Context, actor auth.Principal, id string) (Campaign, error) {
	c, err := s.visible(ctx, actor, id)
	if err != nil {
		return Campaign{}, err
	}
	if policy.IsStaff(actor.Roles) {
		return Campaign{}, ErrStaffTakeNoPart
	}
	if c.State != StateLive {
		return Campaign{}, ErrNotLive
	}
	return c, nil
}

// Join makes a member a participant of a live campaign (once; joining again is fine).
func (s *Campaigns) Join(ctx context.Context, actor auth.Principal, id string) (CampaignView, error) {
	if _, err := s.takePart(ctx, actor, id); err != nil {
		return CampaignView{}, fmt.Errorf("rewards.Join %s: %w", id, err)
	}
	if _, err := s.Store.JoinCampaign(ctx, id, actor.MemberID, s.Now().UTC()); err != nil {
		return CampaignView{}, fmt.Errorf("rewards.Join %s: %w", id, err)
	}
	return s.Get(ctx, actor, id)
}
