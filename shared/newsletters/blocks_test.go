package newsletters

import (
	"context"
	"strings"
	"testing"
	"time"
)

// memoryCommunity is a community held in memory for the blocks' unit tests (the real one,
// over the table and the access rules, is tested in shared/app).
type memoryCommunity struct {
	readable  map[string]map[string]string // member -> space -> name
	content   map[string]SpaceContent
	campaigns []Item
	reads     int
}

func (m *memoryCommunity) ReadableSpaces(_ context.Context, memberID string) (map[string]string, error) {
	return m.readable[memberID], nil
}

func (m *memoryCommunity) SpaceContent(_ context.Context, spaceID string, _, _ time.Time) (SpaceContent, error) {
	m.reads++
	return m.content[spaceID], nil
}

func (m *memoryCommunity) LiveCampaigns(context.Context, string) ([]Item, error) {
	return m.campaigns, nil
}

// Blocks keep only the items of spaces the member reads (an item another space's
// content carried is dropped), rank top posts by score and ideas by votes, stop at the
// block's limit, leave empty blocks out, and read a space's content once a minute.
func TestBlocksFillForOneReader(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	at := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	m := &memoryCommunity{
		readable: map[string]map[string]string{"ann": {"s1": "Square"}},
		content: map[string]SpaceContent{
			"s1": {Posts: []Item{
				{ID: "p1", Title: "Quiet", SpaceID: "s1", At: at(1), Score: 1},
				{ID: "p2", Title: "Loud", SpaceID: "s1", At: at(2), Score: 9},
				{ID: "p3", Title: "Old", SpaceID: "s1", At: at(30), Score: 99},
				{ID: "leak", Title: "CANARY", SpaceID: "s2", At: at(1), Score: 50},
			}, Ideas: []Item{{ID: "i1", Title: "Few votes", SpaceID: "s1", At: at(1), Votes: 1}, {ID: "i2", Title: "Many votes", SpaceID: "s1", At: at(3), Votes: 7}}},
			"s2": {Posts: []Item{{ID: "hidden", Title: "CANARY hidden", SpaceID: "s2", At: at(1)}}},
		},
	}
	w := Writing{PeriodDays: 7, Blocks: []Block{{Kind: BlockTopPosts, Limit: 2}, {Kind: BlockUnanswered}, {Kind: BlockIdeas, Limit: 1}}}
	var cache contentCache
	got, err := fillBlocks(context.Background(), m, &cache, w, "ann", now)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, f := range got {
		titles = append(titles, f.Kind+":")
		for _, it := range f.Items {
			titles = append(titles, it.Title+"@"+it.SpaceName)
		}
	}
	if want := "top_posts: Loud@Square Quiet@Square ideas: Many votes@Square"; strings.Join(titles, " ") != want {
		t.Fatalf("blocks %q, want %q", strings.Join(titles, " "), want)
	}
	if _, err := fillBlocks(context.Background(), m, &cache, w, "ann", now.Add(30*time.Second)); err != nil || m.reads != 1 {
		t.Fatalf("space read %d times within a minute (%v)", m.reads, err)
	}
	if _, err := fillBlocks(context.Background(), m, &cache, w, "ann", now.Add(2*time.Minute)); err != nil || m.reads != 2 {
		t.Fatalf("space read %d times after a minute (%v)", m.reads, err)
	}
	// A member who reads nothing gets no block at all; a digest then has nothing new.
	c := &Composer{Community: m, Now: func() time.Time { return now }}
	n := Newsletter{ID: "d", Writing: Writing{DefaultLang: "en", PeriodDays: 7, Versions: []Version{{Lang: "en", Subject: "Digest"}}, Blocks: w.Blocks}}
	if _, err := c.Render(context.Background(), n, Recipient{MemberID: "bob", Lang: "en"}); err != ErrNothingNew {
		t.Fatalf("empty digest: %v", err)
	}
}

// Finding 16 (FINDINGS13): an item appears once per mail. A post among the top posts is
// left out of the later blocks that would show it too (a question, an idea), and those
// blocks still fill up to their limit with their next items; a block whose items were
// all shown before is left out.
func TestBlocksShowAnItemOncePerMail(t *testing.T) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	at := func(days int) time.Time { return now.Add(-time.Duration(days) * 24 * time.Hour) }
	q1 := Item{ID: "q1", Title: "Hot question", SpaceID: "s1", At: at(1), Score: 9}
	i1 := Item{ID: "i1", Title: "Hot idea", SpaceID: "s1", At: at(1), Score: 8, Votes: 9}
	m := &memoryCommunity{
		readable: map[string]map[string]string{"ann": {"s1": "Square"}},
		content: map[string]SpaceContent{"s1": {
			Posts: []Item{q1, i1, {ID: "p1", Title: "Talk", SpaceID: "s1", At: at(2), Score: 1}},
			Unanswered: []Item{q1, {ID: "q2", Title: "Other question", SpaceID: "s1", At: at(2)},
				{ID: "q3", Title: "Old question", SpaceID: "s1", At: at(3)}},
			Ideas: []Item{i1, {ID: "i2", Title: "Small idea", SpaceID: "s1", At: at(2), Votes: 1}},
		}},
	}
	titles := func(w Writing) string {
		t.Helper()
		got, err := fillBlocks(context.Background(), m, &contentCache{}, w, "ann", now)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range got {
			out = append(out, f.Kind+":")
			for _, it := range f.Items {
				out = append(out, it.ID)
			}
		}
		return strings.Join(out, " ")
	}
	w := Writing{PeriodDays: 7, Blocks: []Block{{Kind: BlockTopPosts, Limit: 2}, {Kind: BlockUnanswered, Limit: 2}, {Kind: BlockIdeas, Limit: 2}}}
	if got, want := titles(w), "top_posts: q1 i1 unanswered: q2 q3 ideas: i2"; got != want {
		t.Errorf("blocks %q, want %q", got, want)
	}
	// The first block that shows an item keeps it, whatever its kind.
	w.Blocks = []Block{{Kind: BlockIdeas, Limit: 1}, {Kind: BlockTopPosts, Limit: 5}}
	if got, want := titles(w), "ideas: i1 top_posts: q1 p1"; got != want {
		t.Errorf("blocks %q, want %q", got, want)
	}
	// A block with nothing left to show is left out.
	w.Blocks = []Block{{Kind: BlockTopPosts, Limit: 5}, {Kind: BlockIdeas, Limit: 5}}
	m.content["s1"] = SpaceContent{Posts: []Item{i1}, Ideas: []Item{i1}}
	if got, want := titles(w), "top_posts: i1"; got != want {
		t.Errorf("blocks %q, want %q", got, want)
	}
}
