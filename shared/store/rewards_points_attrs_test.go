package store

import (
	"reflect"
	"testing"
)

// The attributes the points expressions name are fields of the items that store them:
// a field renamed in accountItem, boardItem, dailyCapItem or statItem fails here
// instead of leaving an ADD to write an attribute nothing reads.
func TestRewardsNamedAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{accountItem{}, []string{AttrType, attrMemberID, attrBalance, attrLifetime, attrOptedOut}},
		{boardItem{}, []string{AttrType, attrMemberID, attrSpaceID, attrPeriod, attrScore, AttrGSI1PK, AttrGSI1SK}},
		{dailyCapItem{}, []string{AttrType, AttrExpires, attrPoints}},
		{statItem{}, []string{AttrType, attrCount}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
}
