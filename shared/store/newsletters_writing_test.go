package store

import (
	"reflect"
	"testing"
)

// The attributes the newsletter expressions name are fields of the items they update
// (an expression and its item cannot drift apart silently).
func TestNewsletterAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{newsletterItem{}, []string{NewsletterAttrState, NewsletterAttrUpdatedAt, NewsletterAttrList, NewsletterAttrSegment, NewsletterAttrSendAt,
			nlName, nlDefaultLang, nlVersions, nlBlocks, nlPeriodDays, nlArchive, "GSI1PK"}},
		{digestItem{}, []string{nlName, nlVersions, nlBlocks}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
}
