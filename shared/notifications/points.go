package notifications

import (
	"cmp"
	"context"
	"fmt"
	"strconv"

	"tribune/shared/eventtypes"
)

// Kinds of the reward programme's points part (r1): a badge earned or granted (Detail:
// the badge's id, said by its name, WordBadge), a new rank reached.
const (
	KindBadgeAwarded = "badge_awarded"
	KindRankReached  = "rank_reached"
)

// OnBadgeAwarded tells a member of their new badge in the app; a badge granted by staff
// by email too, per their preferences (automatic badges such as "first post" come with
// everyday activity: as Discourse does, they are not mailed).
func (a *Activity) OnBadgeAwarded(ctx context.Context, evt eventtypes.BadgeAwarded) error {
	n := Notification{Kind: KindBadgeAwarded, Detail: evt.Badge}
	if err := a.tell(ctx, evt.Meta, n, evt.GrantedBy != "", evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnBadgeAwarded %s: %w", evt.EventID, err)
	}
	return nil
}

// KindPointsReversed tells a member that staff took back points found fraudulent:
// PostTitle is the staff's reason, Detail the points taken off the score (issue 12,
// round 3). Reversals that follow content (deleted, hidden) are told by that content's
// own notice, not by this one.
const KindPointsReversed = "points_reversed"

// OnRankReached tells a member they reached a new rank, in the app and by email per
// their preferences: PostTitle is the rank's name in the member's saved language (ranks
// are named in English and French; an event without names says the rank's id).
func (a *Activity) OnRankReached(ctx context.Context, evt eventtypes.RankReached) error {
	n := Notification{Kind: KindRankReached, Detail: evt.Rank, PostTitle: cmp.Or(evt.NameEn, evt.Rank)}
	if evt.NameFr != "" {
		to, err := a.Store.Recipient(ctx, evt.MemberID)
		if err != nil {
			return fmt.Errorf("notifications.OnRankReached %s: %w", evt.EventID, err)
		}
		if to.Locale == "fr" {
			n.PostTitle = evt.NameFr
		}
	}
	if err := a.notify(ctx, evt.Meta, n, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnRankReached %s: %w", evt.EventID, err)
	}
	return nil
}

// OnPointsReversed tells a member that staff took back points found fraudulent, with
// the reason staff gave, in the app and by email per their preferences; never who did.
func (a *Activity) OnPointsReversed(ctx context.Context, evt eventtypes.PointsReversed) error {
	if evt.ReversedBy == "" {
		return nil
	}
	n := Notification{Kind: KindPointsReversed, PostTitle: evt.Reason, Detail: strconv.FormatInt(evt.Amount, 10)}
	if err := a.notify(ctx, evt.Meta, n, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnPointsReversed %s: %w", evt.EventID, err)
	}
	return nil
}
