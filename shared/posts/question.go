package posts

import (
	"context"

	"tribune/shared/auth"
)

// Question is a community question as the actor may read it, for making a ticket of it
// (AsQuestion).
func (s *Service) Question(ctx context.Context, actor auth.Principal, id string) (Post, error) {
	return AsQuestion(s.Get(ctx, actor, id))
}

// AsQuestion is the rule of making a ticket of a post: a deleted question is gone for
// every action (no ticket is made from it), and a post of another kind is no question.
func AsQuestion(p Post, err error) (Post, error) {
	if err == nil && p.Deleted {
		err = ErrNoPost
	}
	if err != nil {
		return Post{}, err
	}
	if p.Kind != KindQuestion {
		return Post{}, ErrNotQuestion
	}
	return p, nil
}
