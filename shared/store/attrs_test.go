package store

import (
	"reflect"
	"testing"
	"tribune/shared/posts"
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

// The attributes the expressions of repeats, profiles, status changes, the moderation
// queue, the inbox's read mark, invitations, revisions and metric values name by
// constant are fields of the item types that store them.
func TestNamedAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{repeatItem{}, []string{attrOwner, attrStatus, attrContentType, attrLocation, attrRepeatBody, attrGzip, attrClaimedAt, AttrExpires}},
		{memberItem{}, []string{attrDisplayName, attrBio, attrExpertise, attrInterests, attrCompany, attrLocation, attrLinks, attrLocale,
			attrStatus, attrSuspendedUntil, attrAvatarKey, attrNoActivityEmails, attrRoles, attrEmail}},
		{staffItem{}, []string{attrCRMRef, attrLeadStatus, attrNotes}},
		{posts.QueueItem{}, []string{attrFirstAt, attrReports, attrReasons, attrAuthorDeleted, attrAuthorName, attrExcerpt}},
		{posts.Report{}, []string{attrNote}},
		{invitationItem{}, []string{attrRevokedAt}},
		{revisionItem{}, []string{attrCommentID}},
		{spaceItem{}, []string{attrKind, attrVisibility}},
		{latestValueItem{}, []string{attrAt}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
}
