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
	// AddToFeeds writes a summary into members' home streams; writing it twice is harmless.
	AddToFeeds(ctx context.Context, s Summary, memberIDs []string) error
}

// Feed writes new posts into the home streams of their space's members.
type Feed struct{ Store FeedStore }

// OnPostCreated fans a post out. Delivery may repeat: the feed items have fixed keys,
// so a second delivery rewrites the same items.
func (f *Feed) OnPostCreated(ctx context.Context, env eventtypes.Envelope) error {
	var evt eventtypes.PostCreated
	if err := eventtypes.Decode(env, &evt); err != nil {
		return fmt.Errorf("posts.OnPostCreated: %w", err)
	}
	ids, err := f.Store.ActiveMemberIDs(ctx, evt.SpaceID)
	if err != nil {
		return fmt.Errorf("posts.OnPostCreated %s: %w", evt.PostID, err)
	}
	s := Summary{ID: evt.PostID, SpaceID: evt.SpaceID, SpaceName: evt.SpaceName, Kind: evt.Kind, Title: evt.Title, Excerpt: evt.Excerpt,
		AuthorID: evt.AuthorID, AuthorName: evt.AuthorName, CreatedAt: evt.CreatedAt}
	if err := f.Store.AddToFeeds(ctx, s, ids); err != nil {
		return fmt.Errorf("posts.OnPostCreated %s: %w", evt.PostID, err)
	}
	slog.InfoContext(ctx, "post fanned out", "post_id", evt.PostID, "members", len(ids))
	return nil
}
