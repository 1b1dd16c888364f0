package notifications

import "testing"

// Ticket news for agents stays with agents; news about a post needs the post readable.
func TestKindRules(t *testing.T) {
	t.Parallel()
	for kind, want := range map[string]bool{KindTicketOpened: true, KindTicketReopened: true, KindTicketAssigned: true,
		KindTicketBreached: true, KindTicketStatus: false, KindComment: false} {
		if got := ForAgentsOnly(kind); got != want {
			t.Errorf("ForAgentsOnly(%s) = %v", kind, got)
		}
	}
	for kind, want := range map[string]bool{KindComment: true, KindReply: true, KindAnswerAccepted: true, KindMention: true,
		KindIdeaStatus: true, KindReport: true, KindContentHidden: false, KindWarning: false, KindTicketOpened: false} {
		if got := AboutReadablePost(kind); got != want {
			t.Errorf("AboutReadablePost(%s) = %v", kind, got)
		}
	}
}
