package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/scheduler"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/newsletters"
	"tribune/shared/posts"
	"tribune/shared/rewards"
	"tribune/shared/schedule"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// Campaigns (issue 12, r2): the routes, the clock that runs their schedules, and the
// automatic challenges' handlers of the awards consumer.

func campaignRoutes(d Deps) []httpx.Route {
	return rewards.CampaignHTTP{Campaigns: newCampaigns(d)}.Routes()
}

// newCampaigns is the campaigns service on a function's dependencies.
func newCampaigns(d Deps) *rewards.Campaigns {
	c := &rewards.Campaigns{Now: time.Now}
	if d.Store == nil {
		return c // the API description only
	}
	c.Store = d.Store.Rewards()
	c.Audience = campaignAudience{&spaces.Service{Store: &store.Spaces{Store: d.Store}, Now: time.Now}}
	c.Schedule = campaignSchedules{schedulerOf(d)}
	if d.Files != nil {
		c.Files = d.Files
	}
	return c
}

// schedulerOf is the function's scheduler: EventBridge Scheduler when it was given one,
// else the local scheduler in the table.
func schedulerOf(d Deps) schedule.Scheduler {
	if d.Schedules != nil {
		return d.Schedules
	}
	return d.Store.Schedules()
}

// campaignSchedules adapts a schedule.Scheduler to what campaigns ask.
type campaignSchedules struct{ s schedule.Scheduler }

func (c campaignSchedules) At(ctx context.Context, name string, at time.Time, kind, id string) error {
	return c.s.At(ctx, name, at, schedule.Job{Kind: kind, ID: id})
}

func (c campaignSchedules) Cancel(ctx context.Context, name string) error {
	return c.s.Cancel(ctx, name)
}

// campaignAudience asks spaces whether a member belongs to any of a campaign's spaces.
type campaignAudience struct{ spaces *spaces.Service }

func (a campaignAudience) InSpaces(ctx context.Context, actor auth.Principal, spaceIDs []string) (bool, error) {
	for _, id := range spaceIDs {
		acc, err := a.spaces.AccessOf(ctx, actor, id)
		if denied(err) || errors.Is(err, spaces.ErrNoSpace) {
			continue
		}
		if err != nil {
			return false, err
		}
		if acc.Member() {
			return true, nil
		}
	}
	return false, nil
}

// SpaceExists reads the space whoever may see it (a campaign's staff name spaces
// they need not belong to).
func (a campaignAudience) SpaceExists(ctx context.Context, spaceID string) (bool, error) {
	_, _, err := a.spaces.Store.SpaceAndMembership(ctx, spaceID, "m_nobody")
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SpaceName is the space's name for a reader who may see that it exists: the campaign's
// staff any, a member one they belong to, are invited to, or that is public.
func (a campaignAudience) SpaceName(ctx context.Context, actor auth.Principal, spaceID string) (string, error) {
	if rewards.MayManage(actor.Roles) {
		sp, _, err := a.spaces.Store.SpaceAndMembership(ctx, spaceID, actor.MemberID)
		if errors.Is(err, errs.ErrNotFound) {
			return "", nil
		}
		return sp.Name, err
	}
	acc, err := a.spaces.AccessOf(ctx, actor, spaceID)
	if errors.Is(err, spaces.ErrNoSpace) || denied(err) {
		return "", nil
	}
	return acc.Space.Name, err
}

// Settings of the AWS scheduler (the CDK gives them to the functions granted Schedules).
const (
	EnvScheduleGroup      = "SCHEDULE_GROUP"
	EnvScheduleTargetARN  = "SCHEDULE_TARGET_ARN"
	EnvScheduleRoleARN    = "SCHEDULE_ROLE_ARN"
	EnvScheduleDeadLetter = "SCHEDULE_DEAD_LETTER_ARN"
)

// Schedules is EventBridge Scheduler with the deployment's group, clock target and
// role (nil when they are not set: the local scheduler).
func (e Env) Schedules() schedule.Scheduler {
	group, target, role := os.Getenv(EnvScheduleGroup), os.Getenv(EnvScheduleTargetARN), os.Getenv(EnvScheduleRoleARN)
	if group == "" || target == "" || role == "" {
		return nil
	}
	return schedule.EventBridge{Client: scheduler.NewFromConfig(e.AWS), Group: group, TargetARN: target, RoleARN: role,
		DeadLetterARN: os.Getenv(EnvScheduleDeadLetter)}
}

// Clock runs the jobs of one-time schedules: EventBridge Scheduler invokes the clock
// function with a job; the local runtime calls the same Runner for each due schedule.
func Clock(d Deps) schedule.Runner {
	campaigns := newCampaigns(d)
	return func(ctx context.Context, job schedule.Job) error {
		switch job.Kind {
		case rewards.JobCampaignStart, rewards.JobCampaignEnd:
			return campaigns.OnSchedule(ctx, job.Kind, job.ID)
		case posts.JobAnnouncementPublish: // scheduled announcements (issue 13, n4)
			return newScheduling(d).Publish(ctx, job.ID)
		case newsletters.JobSend:
			return runNewsletterJob(ctx, d, job.Kind, job.ID)
		case newsletters.JobDigest: // newsletters: writing (issue 13, n1)
			return newNewsletterWriter(d).RunDigest(ctx, job.ID)
		}
		return fmt.Errorf("app.Clock: no job of kind %q", job.Kind)
	}
}

// RunDueSchedules runs the local scheduler's due schedules once (the local runtime
// every second; tests when they move time): each is removed after it succeeded, so a
// failed one runs again at the next tick.
func RunDueSchedules(ctx context.Context, d Deps, now time.Time) error {
	local := d.Store.Schedules()
	due, err := local.DueSchedules(ctx, now)
	if err != nil {
		return err
	}
	run := Clock(d)
	var failed error
	for _, s := range due {
		if err := run(ctx, s.Job); err != nil {
			failed = errors.Join(failed, fmt.Errorf("schedule %s: %w", s.Name, err))
			continue
		}
		if err := local.ScheduleDone(ctx, s.Name, s.At); err != nil {
			failed = errors.Join(failed, err)
		}
	}
	return failed
}

// campaignActivity turns community events into the actions automatic challenges count.
type campaignActivity struct {
	campaigns *rewards.Campaigns
	store     *store.Store
}

// OnPointsReversed counts on its campaign a challenge payment staff took back as
// fraudulent (the report's "taken back" and net cost).
func (a campaignActivity) OnPointsReversed(ctx context.Context, evt eventtypes.PointsReversed) error {
	return rewards.TakenBack(ctx, a.store.Rewards(), evt.Rule, evt.ObjectID, evt.Amount, evt.OccurredAt)
}

// OnPostCreated counts a post (and a question) towards automatic challenges.
func (a campaignActivity) OnPostCreated(ctx context.Context, evt eventtypes.PostCreated) error {
	acts := []string{rewards.ActionPost}
	if evt.Kind == posts.KindQuestion {
		acts = append(acts, rewards.ActionQuestion)
	}
	return a.campaigns.Record(ctx, rewards.Activity{MemberID: evt.AuthorID, Actions: acts, SpaceID: evt.SpaceID, ObjectID: evt.PostID, EventID: evt.EventID})
}

// OnCommentCreated counts a comment (an answer, on a question).
func (a campaignActivity) OnCommentCreated(ctx context.Context, evt eventtypes.CommentCreated) error {
	p, err := a.store.Posts().GetPost(ctx, evt.PostID)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return nil
	}
	if err != nil {
		return err
	}
	if evt.AuthorID == p.AuthorID {
		return nil // a comment on one's own post counts for nothing
	}
	acts := []string{rewards.ActionComment}
	if p.Kind == posts.KindQuestion {
		acts = append(acts, rewards.ActionAnswer)
	}
	return a.campaigns.Record(ctx, rewards.Activity{MemberID: evt.AuthorID, Actions: acts, SpaceID: p.SpaceID, ObjectID: evt.CommentID, EventID: evt.EventID})
}

// OnAnswerAccepted counts an accepted answer (not one's own question's).
func (a campaignActivity) OnAnswerAccepted(ctx context.Context, evt eventtypes.AnswerAccepted) error {
	if evt.AnswerAuthor == evt.AcceptedBy {
		return nil
	}
	p, err := a.store.Posts().GetPost(ctx, evt.PostID)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.campaigns.Record(ctx, rewards.Activity{MemberID: evt.AnswerAuthor, Actions: []string{rewards.ActionAcceptedAnswer},
		SpaceID: p.SpaceID, ObjectID: evt.CommentID, EventID: evt.EventID})
}
