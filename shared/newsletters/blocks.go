package newsletters

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Community blocks (writing): what a block shows is read at render time, for the one
// recipient, from what they may read at that moment. The community (shared/app, over
// posts, spaces and rewards) answers which spaces a member may read now and what each
// space holds; a space's content is the same for every reader, so the renderer keeps it
// a short while (ContentTTL) across the recipients of one send, while the spaces a
// recipient may read are asked for each recipient, every time.

// Item is one entry of a block: a post, a question, an idea, an announcement or a
// campaign, with what the block shows of it.
type Item struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	Excerpt   string    `json:"excerpt"`
	SpaceID   string    `json:"spaceId,omitempty"`
	SpaceName string    `json:"spaceName,omitempty"`
	At        time.Time `json:"at"`
	// Score ranks top posts (votes, comments and reactions); Votes and Status an idea's.
	Score  int    `json:"score,omitzero"`
	Votes  int    `json:"votes,omitzero"`
	Status string `json:"status,omitempty"`
	// Ends is a campaign's end.
	Ends *time.Time `json:"ends,omitempty"`
	// Path is the item's page, under the community's address ("/posts/<id>").
	Path string `json:"path"`
}

// SpaceContent is what one space holds for the blocks: its posts of the period with
// their score, its unanswered questions, its ideas, its announcements pinned now.
type SpaceContent struct {
	Posts         []Item
	Unanswered    []Item
	Ideas         []Item
	Announcements []Item
}

// Community is what blocks read (shared/app implements it over posts, spaces and
// rewards, checking access as those domains do).
type Community interface {
	// ReadableSpaces are the spaces memberID may read now (id to name): public spaces,
	// and closed or hidden ones only while they are an active member.
	ReadableSpaces(ctx context.Context, memberID string) (map[string]string, error)
	// SpaceContent is what a space holds for the blocks since a time.
	SpaceContent(ctx context.Context, spaceID string, since, now time.Time) (SpaceContent, error)
	// LiveCampaigns are the reward campaigns memberID may take part in now.
	LiveCampaigns(ctx context.Context, memberID string) ([]Item, error)
}

// ContentTTL is how long the renderer keeps a space's content across recipients.
const ContentTTL = time.Minute

// contentCache keeps spaces' content for ContentTTL.
type contentCache struct {
	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	at      time.Time
	content SpaceContent
}

func (c *contentCache) get(ctx context.Context, src Community, spaceID string, since, now time.Time) (SpaceContent, error) {
	key := spaceID + "|" + since.Truncate(time.Hour).Format(time.RFC3339)
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < ContentTTL && !now.Before(e.at) {
		return e.content, nil
	}
	content, err := src.SpaceContent(ctx, spaceID, since, now)
	if err != nil {
		return SpaceContent{}, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) > 10_000 {
		c.entries = map[string]cached{}
	}
	c.entries[key] = cached{at: now, content: content}
	c.mu.Unlock()
	return content, nil
}

// Filled is one block filled for one recipient.
type Filled struct {
	Kind  string `json:"kind"`
	Items []Item `json:"items"`
}

// fillBlocks fills w's blocks for memberID at now: each block only with what the member
// may read now, in the block's order (top posts by score, questions and ideas newest or
// most voted first, campaigns soonest end first), at most the block's limit. An item
// appears once per mail, in the first block that shows it (Discourse's digest shows a
// topic once): a later block leaves it out and takes its next items instead. Empty
// blocks are left out.
func fillBlocks(ctx context.Context, src Community, cache *contentCache, w Writing, memberID string, now time.Time) ([]Filled, error) {
	if len(w.Blocks) == 0 {
		return nil, nil
	}
	if src == nil {
		return nil, fmt.Errorf("newsletters: blocks without a community to read")
	}
	since := w.Since(now)
	var spaces map[string]string
	var contents []SpaceContent
	needPosts := slices.ContainsFunc(w.Blocks, func(b Block) bool { return b.Kind != BlockCampaigns })
	if needPosts {
		var err error
		if spaces, err = src.ReadableSpaces(ctx, memberID); err != nil {
			return nil, fmt.Errorf("newsletters: readable spaces of %s: %w", memberID, err)
		}
		ids := make([]string, 0, len(spaces))
		for id := range spaces {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			c, err := cache.get(ctx, src, id, since, now)
			if err != nil {
				return nil, fmt.Errorf("newsletters: content of space %s: %w", id, err)
			}
			contents = append(contents, readable(c, id, spaces[id]))
		}
	}
	var out []Filled
	shown := map[string]bool{}
	for _, b := range w.Blocks {
		var items []Item
		switch b.Kind {
		case BlockTopPosts:
			for _, c := range contents {
				items = append(items, inPeriod(c.Posts, since)...)
			}
			slices.SortStableFunc(items, func(a, b Item) int { return cmp.Or(cmp.Compare(b.Score, a.Score), b.At.Compare(a.At)) })
		case BlockUnanswered:
			for _, c := range contents {
				items = append(items, inPeriod(c.Unanswered, since)...)
			}
			slices.SortStableFunc(items, func(a, b Item) int { return b.At.Compare(a.At) })
		case BlockIdeas:
			for _, c := range contents {
				items = append(items, inPeriod(c.Ideas, since)...)
			}
			slices.SortStableFunc(items, func(a, b Item) int { return cmp.Or(cmp.Compare(b.Votes, a.Votes), b.At.Compare(a.At)) })
		case BlockAnnouncements:
			for _, c := range contents {
				items = append(items, c.Announcements...)
			}
			slices.SortStableFunc(items, func(a, b Item) int { return b.At.Compare(a.At) })
		case BlockCampaigns:
			list, err := src.LiveCampaigns(ctx, memberID)
			if err != nil {
				return nil, fmt.Errorf("newsletters: live campaigns of %s: %w", memberID, err)
			}
			items = slices.Clone(list)
			slices.SortStableFunc(items, func(a, b Item) int {
				if a.Ends == nil || b.Ends == nil {
					return 0
				}
				return a.Ends.Compare(*b.Ends)
			})
		}
		items = dedupe(items)
		// An item appears once per mail: one shown in an earlier block is left out
		// of the later ones, which fill up to their limit with the next.
		items = slices.DeleteFunc(items, func(it Item) bool { return shown[it.ID] })
		limit := b.Limit
		if limit <= 0 || limit > MaxBlockItems {
			limit = DefaultBlockItems
		}
		if len(items) > limit {
			items = items[:limit]
		}
		for _, it := range items {
			shown[it.ID] = true
		}
		if len(items) > 0 {
			out = append(out, Filled{Kind: b.Kind, Items: items})
		}
	}
	return out, nil
}

// readable keeps of a space's content only the items of that space (a community that
// answered another space's items would leak them), named with the space's name.
func readable(c SpaceContent, spaceID, name string) SpaceContent {
	keep := func(list []Item) []Item {
		var out []Item
		for _, it := range list {
			if it.SpaceID == spaceID {
				it.SpaceName = name
				out = append(out, it)
			}
		}
		return out
	}
	return SpaceContent{Posts: keep(c.Posts), Unanswered: keep(c.Unanswered), Ideas: keep(c.Ideas), Announcements: keep(c.Announcements)}
}

func inPeriod(list []Item, since time.Time) []Item {
	var out []Item
	for _, it := range list {
		if !it.At.Before(since) {
			out = append(out, it)
		}
	}
	return out
}

func dedupe(list []Item) []Item {
	seen := map[string]bool{}
	out := list[:0]
	for _, it := range list {
		if !seen[it.ID] {
			seen[it.ID] = true
			out = append(out, it)
		}
	}
	return out
}
