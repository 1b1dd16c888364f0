package app_test

import (
	"slices"
	"strings"
	"testing"

	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
)

// Interests show on profiles; staff carry the staff badge on their profile and in the
// bylines of their posts and comments (and of the stream entries of those posts).
func TestProfilesShowInterestsAndStaffCarryABadge(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod, ann := c.as("mia", policy.RoleModerator), c.as("ann")
	c.profileAs(ann, "Ann Lee", "hiking", "chess")
	var pub members.PublicProfile
	if c.call(mod, "GET", "/api/members/m_ann", "", &pub); strings.Join(pub.Interests, ",") != "hiking,chess" || pub.Staff {
		t.Fatalf("Ann's profile: %+v", pub)
	}
	pub = members.PublicProfile{}
	if c.call(ann, "GET", "/api/members/m_mia", "", &pub); !pub.Staff || !slices.Contains(pub.Roles, policy.RoleModerator) {
		t.Fatalf("a moderator's profile: %+v", pub)
	}

	sp := c.space(mod, "General", spaces.Public)
	c.join(ann, sp.ID)
	staffPost := c.post(mod, sp.ID, `{"kind":"discussion","title":"Welcome","body":"Hello all."}`)
	annPost := c.post(ann, sp.ID, `{"kind":"status","body":"Hi!"}`)
	if !staffPost.AuthorStaff || annPost.AuthorStaff {
		t.Fatalf("bylines: staff %v, member %v", staffPost.AuthorStaff, annPost.AuthorStaff)
	}
	var got posts.Post
	if c.call(ann, "GET", "/api/posts/"+staffPost.ID, "", &got); !got.AuthorStaff {
		t.Fatalf("the post page shows no staff badge: %+v", got)
	}
	c.call(mod, "POST", "/api/posts/"+annPost.ID+"/comments", `{"body":"Welcome, Ann."}`, nil)
	c.call(ann, "POST", "/api/posts/"+annPost.ID+"/comments", `{"body":"Thanks!"}`, nil)
	var thread posts.Thread
	c.call(ann, "GET", "/api/posts/"+annPost.ID+"/comments", "", &thread)
	if len(thread.Comments) != 2 || !thread.Comments[0].AuthorStaff || thread.Comments[1].AuthorStaff {
		t.Fatalf("comment bylines: %+v", thread.Comments)
	}
	var stream posts.Page
	c.call(ann, "GET", "/api/spaces/"+sp.ID+"/posts", "", &stream)
	for _, s := range stream.Posts {
		if s.AuthorStaff != (s.ID == staffPost.ID) {
			t.Fatalf("space stream byline of %s: %v", s.ID, s.AuthorStaff)
		}
	}
	waitFor(t, "the staff post in Ann's home stream", func() bool { return has(c.home(ann), staffPost.ID) })
	for _, s := range c.home(ann) {
		if s.ID == staffPost.ID && !s.AuthorStaff {
			t.Fatalf("home stream byline: %+v", s)
		}
	}
}
