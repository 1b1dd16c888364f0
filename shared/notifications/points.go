package notifications

import (
	"context"
	"fmt"

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

// OnRankReached tells a member they reached a new rank, in the app and by email per
// their preferences.
func (a *Activity) OnRankReached(ctx context.Context, evt eventtypes.RankReached) error {
	if err := a.notify(ctx, evt.Meta, Notification{Kind: KindRankReached, Detail: evt.Rank}, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnRankReached %s: %w", evt.EventID, err)
	}
	return nil
}
