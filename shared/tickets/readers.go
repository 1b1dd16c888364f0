package tickets

import "tribune/shared/auth"

// MayReadTexts is the part of reading a ticket's texts that needs no space: visitors
// read none, and internal notes are for support agents only. With Readable (the
// ticket's space as the caller sees it) it decides whether a text quoting a ticket
// shows it (a question made into a ticket, an image of a reply).
func MayReadTexts(actor auth.Principal, internal bool) bool {
	return actor.MemberID != "" && (!internal || IsAgent(actor.Roles))
}
