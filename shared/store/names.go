package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/members"
	"tribune/shared/posts"
)

// MemberNames implements posts.Names and tickets.Names: the display name of each
// member id as it is now, "" for an id of no member or of a deleted member (texts show
// their mentions "@Deleted member"). One BatchGetItem of the member items per 100
// distinct ids (texts mention at most posts.MaxNamedMentions members each).
func (s *Store) MemberNames(ctx context.Context, ids []string) (map[string]string, error) {
	authors, err := s.Authors(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(authors))
	for id, a := range authors {
		out[id] = a.Name
	}
	return out, nil
}

// Authors implements posts.Names: each member id's display name and whether they have
// an avatar, as they are now (the zero Author for an id of no member or of a deleted
// member). Same reads as MemberNames: one BatchGetItem of the member items per 100
// distinct ids.
func (s *Store) Authors(ctx context.Context, ids []string) (map[string]posts.Author, error) {
	out := make(map[string]posts.Author, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		out[id] = posts.Author{}
		keys = append(keys, key(memberPK(id), skProfile))
	}
	found, err := s.batchGet(ctx, "store.MemberNames", keys)
	if err != nil {
		return nil, err
	}
	for _, item := range found {
		var it memberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.MemberNames: %w", err)
		}
		if _, asked := out[it.ID]; asked && it.Status != members.StatusDeleted {
			out[it.ID] = posts.Author{Name: it.DisplayName, HasAvatar: it.AvatarKey != ""}
		}
	}
	return out, nil
}
