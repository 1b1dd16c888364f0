package posts

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Consumer is the fan-out's name in the routing table.
const Consumer = "feed"

// FeedStore is what the fan-out needs.
type FeedStore interface {
	// GetPost reads a post as it is now (errs.ErrNotFound when there is none).
	GetPost(ctx context.Context, id string) (Post, error)
	// ActiveMemberIDs lists a space's active members.
	ActiveMemberIDs(ctx context.Context, spaceID string) ([]string, error)
	// AddToFeeds writes a summary (and its pin, for an announcement) into members' home
	// streams; writing it twice is harmless.
	AddToFeeds(ctx context.Context, s Summary, memberIDs []string) error
	// ReplaceInFeeds rewrites a summary (and its pin) in the home streams of the members
	// who already hold it, and in no other.
	ReplaceInFeeds(ctx context.Context, s Summary, memberIDs []string) error
	// RemoveFromFeeds deletes a summary (and its pin) from members' home streams.
	RemoveFromFeeds(ctx context.Context, s Summary, memberIDs []string) error
	// RemoveSpaceFromFeed deletes every entry (and pin) of a space from a member's home
	// stream.
	RemoveSpaceFromFeed(ctx context.Context, memberID, spaceID string) error
	// ActiveIn reports whether a member is an active member of a space now.
	ActiveIn(ctx context.Context, spaceID, memberID string) (bool, error)
	// RecentInSpace lists the start of a space's stream as of now: its newest dated
	// entries (at most limit) and its live pins (at most limit), newest first.
	RecentInSpace(ctx context.Context, spaceID string, limit int, now time.Time) ([]Summary, error)
	// Content reads posts as they are now (absent ones are left out of the map), and
	// comments (none here).
	Content(ctx context.Context, postIDs []string, comments []CommentRef) (map[string]Post, map[CommentRef]Comment, error)
	// WriteFeed puts summaries (each with its pin, for an announcement) into one
	// member's home stream and deletes others; writing twice is harmless.
	WriteFeed(ctx context.Context, memberID string, put, remove []Summary) error
	// ForgetLeftSpace takes a space out of the member's LeftSpaces (see HomeStream) if
	// their membership is still as active says; false, writing nothing, when it changed.
	ForgetLeftSpace(ctx context.Context, memberID, spaceID string, active bool) (bool, error)
}

// Feed keeps home streams in step with posts: it writes new posts into the home streams
// of their space's members and rewrites, takes out or puts back the copies when a post
// is edited, hidden, deleted, restored or moved, or when a member leaves the space.
//
// Events may arrive late, twice or out of order (the bus delivers at least once, each
// in the background): every handler therefore works from the post as it is when the
// event is handled, never from the payload's copy of it, so a late "created" never
// brings back a post hidden since and an edit reaches every copy.
type Feed struct {
	Store FeedStore
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

func (f *Feed) now() time.Time {
	if f.Now == nil {
		return time.Now()
	}
	return f.Now()
}

// shown reports whether a post belongs in streams: neither hidden nor deleted.
func shown(p Post) bool { return !p.Hidden && !p.Deleted }

// current reads the post an event is about; found is false when it no longer exists.
func (f *Feed) current(ctx context.Context, postID string) (Post, bool, error) {
	p, err := f.Store.GetPost(ctx, postID)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return Post{}, false, nil
	}
	return p, err == nil, err
}

// OnPostCreated fans a post out to its space's members, as it is now (edited, moved,
// hidden or deleted since it was written). Feed items have fixed keys: a second
// delivery rewrites the same items.
func (f *Feed) OnPostCreated(ctx context.Context, evt eventtypes.PostCreated) error {
	p, found, err := f.current(ctx, evt.PostID)
	if err == nil && found && shown(p) {
		err = f.fan(ctx, p.Summary(), p.SpaceID, true)
	}
	if err != nil {
		return fmt.Errorf("posts.OnPostCreated %s: %w", evt.PostID, err)
	}
	return nil
}

// OnPostModerated takes a hidden or deleted post out of home streams, puts a restored
// one back, and carries a moved one from the old space's members to the new one's.
// It converges on the post's present state whatever the order of deliveries: the copies
// leave the home streams of every space the event names, unless the post is shown
// there now, and a shown post is (re)written to its present space's members. Moving a
// hidden or deleted post therefore copies nothing into the new space's home streams.
func (f *Feed) OnPostModerated(ctx context.Context, evt eventtypes.PostModerated) error {
	if err := f.converge(ctx, evt.PostID, evt.SpaceID, evt.ToSpaceID, Summary{ID: evt.PostID, CreatedAt: evt.CreatedAt, PinnedUntil: evt.PinnedUntil}); err != nil {
		return fmt.Errorf("posts.OnPostModerated %s %s: %w", evt.Action, evt.PostID, err)
	}
	return nil
}

// converge brings every home-stream copy of a post to its present state. keys locates the
// copies (id, creation time and pin never change); spaces are where they may be.
func (f *Feed) converge(ctx context.Context, postID, spaceID, toSpaceID string, keys Summary) error {
	p, found, err := f.current(ctx, postID)
	if err != nil {
		return err
	}
	visible := found && shown(p)
	for _, sp := range []string{spaceID, toSpaceID} {
		if sp == "" || (visible && sp == p.SpaceID) {
			continue
		}
		if err := f.fan(ctx, keys, sp, false); err != nil {
			return err
		}
	}
	if !visible {
		return nil
	}
	return f.fan(ctx, p.Summary(), p.SpaceID, true)
}

// OnPostUpdated rewrites the copies of an edited post (or of a question whose accepted
// answer went) that its space's members already hold, from the post as it is now: an
// edit that took a password out of a post leaves it in no home stream.
func (f *Feed) OnPostUpdated(ctx context.Context, evt eventtypes.PostUpdated) error {
	if err := f.refresh(ctx, evt.PostID); err != nil {
		return fmt.Errorf("posts.OnPostUpdated %s: %w", evt.PostID, err)
	}
	return nil
}

// OnAnswerAccepted rewrites the copies of a question that now has an accepted answer.
func (f *Feed) OnAnswerAccepted(ctx context.Context, evt eventtypes.AnswerAccepted) error {
	if err := f.refresh(ctx, evt.PostID); err != nil {
		return fmt.Errorf("posts.OnAnswerAccepted %s: %w", evt.PostID, err)
	}
	return nil
}

// OnIdeaStatusChanged rewrites the copies of an idea whose status staff changed.
func (f *Feed) OnIdeaStatusChanged(ctx context.Context, evt eventtypes.IdeaStatusChanged) error {
	if err := f.refresh(ctx, evt.PostID); err != nil {
		return fmt.Errorf("posts.OnIdeaStatusChanged %s: %w", evt.PostID, err)
	}
	return nil
}

// refresh rewrites the copies a post's space's members hold (members who left hold none:
// see OnSpaceLeft); a post no longer shown is taken out instead.
func (f *Feed) refresh(ctx context.Context, postID string) error {
	p, found, err := f.current(ctx, postID)
	if err != nil || !found {
		return err
	}
	ids, err := f.Store.ActiveMemberIDs(ctx, p.SpaceID)
	if err != nil {
		return err
	}
	if shown(p) {
		err = f.Store.ReplaceInFeeds(ctx, p.Summary(), ids)
	} else {
		err = f.Store.RemoveFromFeeds(ctx, p.Summary(), ids)
	}
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "feed copies rewritten", "post_id", p.ID, "space_id", p.SpaceID, "members", len(ids))
	return nil
}

// Backfill bounds what joining a space brings into the member's home stream: the
// space's Backfill newest posts still shown there and younger than FeedHistory (older
// entries would expire from the home stream at once), and its announcements pinned now
// (at most Backfill). A space stream page shows as many, so a new member's home starts
// with what the space's own page shows first (docs/streams.md).
const Backfill = 20

// FeedHistory is how long a home stream keeps an entry (TTL from the post's creation).
const FeedHistory = 180 * 24 * time.Hour

// settleRounds bounds how often settle follows a membership that keeps changing while
// it works; past it, the event fails and the bus delivers it again.
const settleRounds = 3

// OnSpaceJoined brings a space's recent posts into the home stream of a member who joined
// it (a public space joined, a request approved, an invitation accepted).
func (f *Feed) OnSpaceJoined(ctx context.Context, evt eventtypes.SpaceJoined) error {
	if err := f.settle(ctx, evt.MemberID, evt.SpaceID); err != nil {
		return fmt.Errorf("posts.OnSpaceJoined %s %s: %w", evt.SpaceID, evt.MemberID, err)
	}
	return nil
}

// OnSpaceLeft takes a space's posts out of the home stream of a member who left it.
func (f *Feed) OnSpaceLeft(ctx context.Context, evt eventtypes.SpaceLeft) error {
	if err := f.settle(ctx, evt.MemberID, evt.SpaceID); err != nil {
		return fmt.Errorf("posts.OnSpaceLeft %s %s: %w", evt.SpaceID, evt.MemberID, err)
	}
	return nil
}

// settle brings a member's home stream in step with their membership of a space as it
// is when handled, whichever event (joined or left) asked and in whatever order they
// come: an active member gets the space's recent posts (backfill), anyone else none of
// its posts. It then forgets the space in LeftSpaces only if the membership is still
// what it acted on (one transaction); otherwise it acts again. Every join and leave
// records an event whose handling ends with such a check, so the last one to finish has
// acted on the membership as it stays: joining twice, leaving and joining again, or a
// leave while the backfill runs all end with the stream the membership calls for.
func (f *Feed) settle(ctx context.Context, memberID, spaceID string) error {
	for range settleRounds {
		active, err := f.Store.ActiveIn(ctx, spaceID, memberID)
		if err != nil {
			return err
		}
		if active {
			err = f.backfill(ctx, memberID, spaceID)
		} else {
			err = f.Store.RemoveSpaceFromFeed(ctx, memberID, spaceID)
		}
		if err != nil {
			return err
		}
		settled, err := f.Store.ForgetLeftSpace(ctx, memberID, spaceID, active)
		if err != nil {
			return err
		}
		if settled {
			slog.InfoContext(ctx, "home stream settled on the membership", "space_id", spaceID, "member_id", memberID, "active", active)
			return nil
		}
	}
	return fmt.Errorf("posts.settle: the membership kept changing")
}

// backfill writes the space's recent posts (bounded by Backfill, FeedHistory) into the
// member's home stream, each as it is now: hidden, deleted or moved posts are never
// copied. Posts hidden, deleted, moved or edited while it writes are read again after
// the write and taken out or rewritten, so a change whose own fan-out ran before the
// write does not leave a stale copy behind.
func (f *Feed) backfill(ctx context.Context, memberID, spaceID string) error {
	now := f.now()
	recent, err := f.Store.RecentInSpace(ctx, spaceID, Backfill, now)
	if err != nil {
		return err
	}
	var ids []string
	for _, s := range recent {
		if !slices.Contains(ids, s.ID) {
			ids = append(ids, s.ID)
		}
	}
	before, err := f.postsNow(ctx, ids)
	if err != nil {
		return err
	}
	var put []Summary
	for _, id := range ids {
		if p, ok := before[id]; ok && backfilled(p, spaceID, now) {
			put = append(put, p.Summary())
		}
	}
	if len(put) == 0 {
		return nil
	}
	if err := f.Store.WriteFeed(ctx, memberID, put, nil); err != nil {
		return err
	}
	after, err := f.postsNow(ctx, ids)
	if err != nil {
		return err
	}
	var again, remove []Summary
	for _, s := range put {
		p, ok := after[s.ID]
		switch {
		case !ok || !backfilled(p, spaceID, now):
			remove = append(remove, s)
		case !reflect.DeepEqual(p.Summary(), s):
			again = append(again, p.Summary())
		}
	}
	if err := f.Store.WriteFeed(ctx, memberID, again, remove); err != nil {
		return err
	}
	slog.InfoContext(ctx, "home stream backfilled", "space_id", spaceID, "member_id", memberID, "posts", len(put)-len(remove))
	return nil
}

// backfilled reports whether joining a space brings a post into the home stream: shown,
// still in that space, and young enough for the home stream or pinned now.
func backfilled(p Post, spaceID string, now time.Time) bool {
	return shown(p) && p.SpaceID == spaceID && (now.Sub(p.CreatedAt) < FeedHistory || p.Pinned(now))
}

// postsNow reads posts as they are now.
func (f *Feed) postsNow(ctx context.Context, ids []string) (map[string]Post, error) {
	if len(ids) == 0 {
		return map[string]Post{}, nil
	}
	found, _, err := f.Store.Content(ctx, ids, nil)
	return found, err
}

// fan adds a summary to (or removes it from) the home streams of a space's members.
// After adding, it reads the members again and takes the copy back from anyone who left
// meanwhile: their space.left may have been settled between the two reads, and nothing
// else would then remove it.
func (f *Feed) fan(ctx context.Context, s Summary, spaceID string, add bool) error {
	ids, err := f.Store.ActiveMemberIDs(ctx, spaceID)
	if err != nil {
		return err
	}
	if add {
		err = f.Store.AddToFeeds(ctx, s, ids)
		var still []string
		if err == nil {
			still, err = f.Store.ActiveMemberIDs(ctx, spaceID)
		}
		if gone := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(still, id) }); err == nil && len(gone) > 0 {
			err = f.Store.RemoveFromFeeds(ctx, s, gone)
		}
	} else {
		err = f.Store.RemoveFromFeeds(ctx, s, ids)
	}
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "feeds updated", "post_id", s.ID, "space_id", spaceID, "members", len(ids), "added", add)
	return nil
}
