package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
)

// errCursor is returned for a cursor that was not made here (or was altered).
var errCursor = errs.InvalidField("cursor", "invalid_cursor", "This page link is not valid; start from the first page.")

// encodeCursor makes a LastEvaluatedKey opaque and tamper-proof: its string attributes
// as JSON, with an HMAC, base64url. An empty key (last page) is "".
func (s *Store) encodeCursor(scope string, key map[string]types.AttributeValue) (string, error) {
	if len(key) == 0 {
		return "", nil
	}
	secret, err := s.cursorKey()
	if err != nil {
		return "", err
	}
	plain := map[string]string{}
	for k, v := range key {
		if sv, ok := v.(*types.AttributeValueMemberS); ok {
			plain[k] = sv.Value
		}
	}
	body, _ := json.Marshal(plain)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(scope))
	mac.Write(body)
	return base64.RawURLEncoding.EncodeToString(append(mac.Sum(nil), body...)), nil
}

// decodeCursor checks and opens a cursor of the same scope; "" is the first page.
func (s *Store) decodeCursor(scope, cursor string) (map[string]types.AttributeValue, error) {
	if cursor == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(raw) <= sha256.Size || len(cursor) > 1024 {
		return nil, errCursor
	}
	secret, err := s.cursorKey()
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(scope))
	mac.Write(raw[sha256.Size:])
	if !hmac.Equal(mac.Sum(nil), raw[:sha256.Size]) {
		return nil, errCursor
	}
	var plain map[string]string
	if err := json.Unmarshal(raw[sha256.Size:], &plain); err != nil {
		return nil, fmt.Errorf("store.decodeCursor: %w", errCursor)
	}
	key := map[string]types.AttributeValue{}
	for k, v := range plain {
		key[k] = &types.AttributeValueMemberS{Value: v}
	}
	return key, nil
}
