package app

import (
	"context"
	"slices"

	"tribune/shared/auth"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// MoveCandidates: the spaces the actor belongs to; for staff who moderate every space,
// the directory's spaces; for support agents, the customer spaces (a bounded number of
// pages of each). posts.Moderation.MoveTargets checks each.
func (a spaceAccess) MoveCandidates(ctx context.Context, actor auth.Principal) ([]string, error) {
	mine, err := a.store.Spaces().MySpaces(ctx, actor.MemberID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range mine {
		if !slices.Contains(ids, m.SpaceID) {
			ids = append(ids, m.SpaceID)
		}
	}
	listed := func(list func(context.Context, string) ([]spaces.Space, string, error)) error {
		cursor := ""
		for range 10 {
			page, next, err := list(ctx, cursor)
			if err != nil {
				return err
			}
			for _, sp := range page {
				if !slices.Contains(ids, sp.ID) {
					ids = append(ids, sp.ID)
				}
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		return nil
	}
	if policy.Allowed(actor.Roles, policy.SpacesModerateAll) {
		if err := listed(a.spaces.Directory); err != nil {
			return nil, err
		}
	}
	if policy.Allowed(actor.Roles, policy.TicketsWork) {
		if err := listed(a.spaces.CustomerSpaces); err != nil {
			return nil, err
		}
	}
	return ids, nil
}
