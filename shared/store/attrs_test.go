package store

import (
	"reflect"
	"testing"
)

// Every attribute an expression names is a field of the item type that stores it: a
// field renamed in postItem, commentItem or imageItem fails here instead of leaving an
// expression to write an attribute nothing reads.
func TestExpressionAttributesAreItemFields(t *testing.T) {
	fields := map[string]bool{}
	for _, item := range []any{postItem{}, commentItem{}, imageItem{}} {
		ty := reflect.TypeOf(item)
		for i := range ty.NumField() {
			fields[ty.Field(i).Name] = true
		}
	}
	for _, name := range exprAttrs {
		if !fields[name] {
			t.Errorf("expressions name %q, which no item type has", name)
		}
	}
	if got := namesIn("SET #Votes = :n ADD #Comments :d REMOVE #AcceptedAnswer"); len(got) != 3 || got["#Votes"] != nameVotes {
		t.Fatalf("namesIn: %v", got)
	}
	if got := namesIn("SET #Kind2 = :k"); got != nil {
		t.Fatalf("namesIn took a longer placeholder for one of its names: %v", got)
	}
}
