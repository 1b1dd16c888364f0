package store

import (
	"reflect"
	"testing"
)

// The results' expressions name attributes by constants: each is a field of the item
// it writes.
func TestNewsletterResultsAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{newsletterResultsItem{}, []string{nrBounced, nrComplaints, nrUnsubscribes, nrClicks, nrVisits, nrOpens, nrLinks, nrNewsletterID}},
		{newsletterLinkItem{}, []string{nrClicks, nrURL, nrCommunity, nrNewsletterID}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
	for _, name := range mailCounters {
		if _, ok := reflect.TypeOf(newsletterResultsItem{}).FieldByName(name); !ok {
			t.Errorf("mail counter %q is no field", name)
		}
	}
}
