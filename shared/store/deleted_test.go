package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/audit"
	"tribune/shared/eventtypes"
	"tribune/shared/posts"
)

// An action that read a post just before another request deleted it must write
// nothing: the services refuse a deleted post (404), and the store refuses it again in
// the action's own transaction, which is what decides when both run at once (issue 9,
// round 2: a deleted post is gone for every action).
func TestChangesOfADeletedPostWriteNothing(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now().UTC()
	event := func() eventtypes.Envelope {
		meta := eventtypes.NewMeta(now)
		env, err := eventtypes.Wrap(eventtypes.PostUpdated{Meta: meta, PostID: "p1"})
		if err != nil {
			t.Fatal(err)
		}
		return env
	}
	entry := func(action string) audit.Entry {
		return audit.Entry{At: time.Now().UTC(), ActorID: "m_mod", Action: action, TargetType: "post", TargetID: "p1", PostID: "p1"}
	}
	for _, kind := range []string{posts.KindIdea, posts.KindQuestion} {
		id := "p_" + kind
		p := posts.Post{ID: id, SpaceID: "s1", SpaceName: "One", Kind: kind, Title: "T", Body: "B", AuthorID: "m_ann", AuthorName: "ann",
			CreatedAt: now, Reactions: map[string]int{"like": 0}}
		if kind == posts.KindIdea {
			p.IdeaStatus = posts.IdeaNew
		}
		if err := st.Posts().CreatePost(ctx, p, nil, nil); err != nil {
			t.Fatal(err)
		}
		// Read by the action, then deleted by another request.
		read := p
		if err := st.Posts().DeletePost(ctx, p, entry("post.delete"), event()); err != nil {
			t.Fatal(err)
		}
		before := itemCount(t, tbl)
		unchanged := map[string]error{
			"lock":    st.Moderation().SetLocked(ctx, id, true, entry("post.lock")),
			"hide":    st.Moderation().SetPostHidden(ctx, read, true, entry("post.hide"), event()),
			"move":    st.Moderation().MovePost(ctx, read, "s2", "Two", entry("post.move"), event()),
			"restore": st.Moderation().SetPostHidden(ctx, posts.Post{ID: id, SpaceID: "s1", Hidden: true, CreatedAt: now}, false, entry("post.restore"), event()),
		}
		if kind == posts.KindIdea {
			planned := read
			planned.IdeaStatus = posts.IdeaPlanned
			unchanged["status"] = st.Posts().SetIdeaStatus(ctx, planned, posts.IdeaNew, event())
			err := st.Posts().VoteIdea(ctx, read, "m_bob", event())
			if !errors.Is(err, posts.ErrVoteCountMoved) {
				t.Fatalf("%s: a vote on a deleted idea: %v", kind, err)
			}
		} else {
			unchanged["accept"] = st.Comments().AcceptAnswer(ctx, read, "c1", event())
		}
		for action, err := range unchanged {
			if !errors.Is(err, posts.ErrUnchanged) {
				t.Fatalf("%s of a deleted %s: %v, want ErrUnchanged", action, kind, err)
			}
		}
		edited := read
		edited.Body, edited.EditedAt = "Brought back", &now
		if err := st.Posts().EditPost(ctx, edited, posts.Revision{PostID: id, Body: "B", EditedBy: "m_mod", EditedAt: now}, []eventtypes.Envelope{event()}); !errors.Is(err, posts.ErrNoPost) {
			t.Fatalf("an edit of a deleted %s: %v", kind, err)
		}
		c := posts.Comment{ID: "c_" + kind, PostID: id, Body: "late", AuthorID: "m_mod", AuthorName: "mod", CreatedAt: now}
		if err := st.Comments().AddComment(ctx, c, []eventtypes.Envelope{event()}, nil); !errors.Is(err, posts.ErrNoPost) {
			t.Fatalf("a comment on a deleted %s: %v", kind, err)
		}
		if after := itemCount(t, tbl); after != before {
			t.Fatalf("changes of a deleted %s wrote %d items", kind, after-before)
		}
	}
	out, err := tbl.DB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(tbl.Name)})
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range out.Items {
		if pk, _ := item["PK"].(*types.AttributeValueMemberS); pk != nil && pk.Value == "AUDIT" {
			if a, _ := item["Action"].(*types.AttributeValueMemberS); a == nil || !strings.HasSuffix(a.Value, ".delete") {
				t.Fatalf("a log entry about a deleted post: %v", item["Action"])
			}
		}
	}
}
