package posts

import (
	"errors"
	"testing"

	"tribune/shared/auth"
)

// Who may be mentioned: a mention tells only members who may read the space and are
// neither banned nor deleted; a deleted or unknown member is nobody.
func TestMentionRule(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status      string
		found, read bool
		nobody, may bool
	}{
		{status: auth.StatusActive, found: true, read: true, may: true},
		{status: auth.StatusActive, found: true, read: false, may: false},
		{status: auth.StatusBanned, found: true, read: true, may: false},
		{status: auth.StatusDeleted, found: true, read: true, nobody: true, may: false},
		{status: "", found: false, read: false, nobody: true, may: false},
	} {
		if got := Nobody(c.found, c.status); got != c.nobody {
			t.Errorf("Nobody(%v, %q) = %v", c.found, c.status, got)
		}
		if c.found {
			if got := MayBeMentioned(c.status, c.read); got != c.may {
				t.Errorf("MayBeMentioned(%q, reads %v) = %v", c.status, c.read, got)
			}
		}
	}
}

// A ticket is made of a live question only.
func TestAsQuestion(t *testing.T) {
	t.Parallel()
	q := Post{ID: "p1", Kind: KindQuestion, Title: "How?"}
	if got, err := AsQuestion(q, nil); err != nil || got.ID != "p1" {
		t.Fatalf("a question: %v %v", got, err)
	}
	deleted := q
	deleted.Deleted = true
	if _, err := AsQuestion(deleted, nil); !errors.Is(err, ErrNoPost) {
		t.Errorf("a deleted question: %v, want ErrNoPost", err)
	}
	if _, err := AsQuestion(Post{ID: "p2", Kind: KindDiscussion}, nil); !errors.Is(err, ErrNotQuestion) {
		t.Errorf("a discussion: %v, want ErrNotQuestion", err)
	}
	failed := errors.New("read failed")
	if _, err := AsQuestion(Post{}, failed); !errors.Is(err, failed) {
		t.Errorf("a failed read: %v", err)
	}
}
