package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/members"
)

// MemberNames implements posts.Names and tickets.Names: the display name of each
// member id as it is now, "" for an id of no member or of a deleted member (texts show
// their mentions "@Deleted member"). One BatchGetItem of the member items per 100
// distinct ids (texts mention at most posts.MaxNamedMentions members each).
func (s *Store) MemberNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		out[id] = ""
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
			out[it.ID] = it.DisplayName
		}
	}
	return out, nil
}
