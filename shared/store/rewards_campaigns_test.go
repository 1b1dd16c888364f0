package store

import (
	"reflect"
	"testing"
)

// Every attribute the campaign expressions name is a field of the item that stores it,
// so an expression and the item cannot drift apart silently.
func TestCampaignAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{campaignItem{}, []string{caState, caUpdatedAt, caStartedAt, caEndedAt, caPointsBudget, caGiftBudget, caPointsBudgetLeft, caGiftBudgetLeft,
			caTrialSlots, caTrialSlotsLeft, caSaw, caJoined, caSubmitted, caApproved, caRejected, caCompletions, caPointsPaid, caTrialApplied,
			caTrialApproved, caGiftsShipped, "Title", "Description", "HTML", "ImageKey", "Audience", "StartsAt", "EndsAt", "Disclosure", "Challenges", "HasTrial",
			"TrialOffer", "TrialInstructions", "GSI1SK"}},
		{completionItem{}, []string{caCount, "MemberID", "ChallengeID"}},
		{progressItem{}, []string{caObjects, "ChallengeID"}},
		{submissionItem{}, []string{caStatus}},
		{trialItem{}, []string{caStatus}},
		{localScheduleItem{}, []string{"At"}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
}
