package posts

import (
	"context"
	"fmt"
	"log/slog"

	"tribune/shared/eventtypes"
)

// Consumer is the fan-out's name in the routing table.
const Consumer = "feed"

// FeedStore is what the fan-out needs.
type FeedStore interface {
	// ActiveMemberIDs lists a space's active members.
	ActiveMemberIDs(ctx context.Context, spaceID string) ([]string, error)
	// AddToFeeds writes a summary (and its pin, for an announcement) into members'
	// home streams; writing it twice is harmless.
	AddToFeeds(ctx context.Context, s Summary, memberIDs []string) error
	// RemoveFromFeeds deletes a summary (and its pin) from members' home streams.
	RemoveFromFeeds(ctx context.Context, s Summary, memberIDs []string) error
}

// Feed writes new posts into the home streams of their space's members, and takes
// hidden, deleted and moved posts out.
type Feed struct{ Store FeedStore }

// OnPostCreated fans a post out. Delivery may repeat: the feed items have fixed keys,
// so a second delivery rewrites the same items.
func (f *Feed) OnPostCreated(ctx context.Context, env eventtypes.Envelope) error {
	var evt eventtypes.PostCreated
	if err := eventtypes.Decode(env, &evt); err != nil {
		return fmt.Errorf("posts.OnPostCreated: %w", err)
	}
	s := Summary{ID: evt.PostID, SpaceID: evt.SpaceID, SpaceName: evt.SpaceName, Kind: evt.Kind, Title: evt.Title, Excerpt: evt.Excerpt,
		AuthorID: evt.AuthorID, AuthorName: evt.AuthorName, CreatedAt: evt.CreatedAt, PinnedUntil: evt.PinnedUntil}
	if err := f.fan(ctx, s, evt.SpaceID, true); err != nil {
		return fmt.Errorf("posts.OnPostCreated %s: %w", evt.PostID, err)
	}
	return nil
}

// OnPostModerated takes a hidden or deleted post out of home streams, puts a restored
// one back, and carries a moved one from the old space's members to the new one's.
// Each step rewrites or deletes fixed keys, so a repeated delivery is harmless.
func (f *Feed) OnPostModerated(ctx context.Context, env eventtypes.Envelope) error {
	var evt eventtypes.PostModerated
	if err := eventtypes.Decode(env, &evt); err != nil {
		return fmt.Errorf("posts.OnPostModerated: %w", err)
	}
	s := Summary{ID: evt.PostID, SpaceID: evt.SpaceID, SpaceName: evt.SpaceName, Kind: evt.Kind, Title: evt.Title, Excerpt: evt.Excerpt,
		AuthorID: evt.AuthorID, AuthorName: evt.AuthorName, CreatedAt: evt.CreatedAt, PinnedUntil: evt.PinnedUntil}
	var err error
	switch evt.Action {
	case ModerationHidden, ModerationDeleted:
		err = f.fan(ctx, s, evt.SpaceID, false)
	case ModerationRestored:
		err = f.fan(ctx, s, evt.SpaceID, true)
	case ModerationMoved:
		if err = f.fan(ctx, s, evt.SpaceID, false); err == nil {
			s.SpaceID, s.SpaceName = evt.ToSpaceID, evt.ToSpaceName
			err = f.fan(ctx, s, evt.ToSpaceID, true)
		}
	}
	if err != nil {
		return fmt.Errorf("posts.OnPostModerated %s %s: %w", evt.Action, evt.PostID, err)
	}
	return nil
}

// fan adds a summary to (or removes it from) the home streams of a space's members.
func (f *Feed) fan(ctx context.Context, s Summary, spaceID string, add bool) error {
	ids, err := f.Store.ActiveMemberIDs(ctx, spaceID)
	if err != nil {
		return err
	}
	if add {
		err = f.Store.AddToFeeds(ctx, s, ids)
	} else {
		err = f.Store.RemoveFromFeeds(ctx, s, ids)
	}
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "feeds updated", "post_id", s.ID, "space_id", spaceID, "members", len(ids), "added", add)
	return nil
}
