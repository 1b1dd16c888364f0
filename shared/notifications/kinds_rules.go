package notifications

import "slices"

// Which notifications need what of their reader, at delivery and each time the inbox
// is read (the app's notification subjects apply them; written there before issue 11).

// agentKinds are told to support agents only.
var agentKinds = []string{KindTicketOpened, KindTicketReopened, KindTicketAssigned, KindTicketBreached}

// postKinds are about a post the reader must still be able to read.
var postKinds = []string{KindComment, KindReply, KindAnswerAccepted, KindMention, KindIdeaStatus, KindReport}

// ForAgentsOnly reports whether a kind is told to support agents only: someone who is
// no longer an agent hears nothing of it, even about a ticket they may read as a
// customer.
func ForAgentsOnly(kind string) bool { return slices.Contains(agentKinds, kind) }

// AboutReadablePost reports whether a kind is about a post (or a comment of it) that
// the reader must still be able to read.
func AboutReadablePost(kind string) bool { return slices.Contains(postKinds, kind) }
