package store

import (
	"reflect"
	"testing"
)

// The catalogue's expressions name attributes by constants: each is a field of the item
// it writes, so renaming a field cannot leave an expression writing an attribute nothing
// reads.
func TestCatalogueNamedAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{variantItem{}, []string{attrStock, attrAdded, attrGiftID, attrVariantID}},
		{giftCountItem{}, []string{attrCount, attrGiftID}},
		{giftItem{}, []string{attrActive, attrUpdatedAt, attrCampaignID}},
		{orderItem{}, []string{attrUpdatedAt, attrStatus}},
		{orderAddressItem{}, []string{AttrExpires}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
}
