package store

import "strings"

// Attribute names in expressions. An expression names a content item's attribute by a
// placeholder, "#" and the attribute's name ("ADD #Comments :d"), and namesIn maps the
// placeholders it uses to these names, which are the field names of the item types
// (attrs_test.go checks each against its item type: renaming a field of postItem cannot
// silently leave an expression writing the old attribute).
const (
	nameKind           = "Kind"
	nameHidden         = "Hidden"
	nameLocked         = "Locked"
	nameDeleted        = "Deleted"
	nameTitle          = "Title"
	nameBody           = "Body"
	nameComments       = "Comments"
	nameAcceptedAnswer = "AcceptedAnswer"
	nameVotes          = "Votes"
	nameIdeaStatus     = "IdeaStatus"
	nameTally          = "Tally"
	nameClosesAt       = "ClosesAt"
	nameReactions      = "Reactions"
	nameTicketID       = "TicketID"
	nameTicketNumber   = "TicketNumber"
	nameHTML           = "HTML"
	nameEditedAt       = "EditedAt"
	nameMentions       = "Mentions"
	// An Image's.
	nameShownIn     = "ShownIn"
	nameShownAt     = "ShownAt"
	nameUnusedUntil = "UnusedUntil"
	nameSpaceID     = "SpaceID"
	nameMemberID    = "MemberID"
	nameFile        = "File"
	nameUploaderID  = "UploaderID"
	nameUploadedAt  = "UploadedAt"
)

// exprAttrs are the attribute names namesIn knows.
var exprAttrs = []string{nameKind, nameHidden, nameLocked, nameDeleted, nameTitle, nameBody, nameComments, nameAcceptedAnswer,
	nameVotes, nameIdeaStatus, nameTally, nameClosesAt, nameReactions, nameTicketID, nameTicketNumber, nameHTML, nameEditedAt, nameMentions,
	nameShownIn, nameShownAt, nameUnusedUntil, nameSpaceID, nameMemberID, nameFile, nameUploaderID, nameUploadedAt}

// namesIn returns the ExpressionAttributeNames of the placeholders ("#Name") of
// exprAttrs an expression uses (nil for none).
func namesIn(expr string) map[string]string {
	var names map[string]string
	for _, name := range exprAttrs {
		if placeholder := "#" + name; containsPlaceholder(expr, placeholder) {
			if names == nil {
				names = map[string]string{}
			}
			names[placeholder] = name
		}
	}
	return names
}

// containsPlaceholder reports whether expr uses placeholder as a whole name ("#Votes"
// is not "#VotesCast").
func containsPlaceholder(expr, placeholder string) bool {
	for rest := expr; ; {
		i := strings.Index(rest, placeholder)
		if i < 0 {
			return false
		}
		rest = rest[i+len(placeholder):]
		if rest == "" || !isNameByte(rest[0]) {
			return true
		}
	}
}

func isNameByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// withNames adds namesIn(expr) to names (which may be nil) and returns them.
func withNames(names map[string]string, expr string) map[string]string {
	for k, v := range namesIn(expr) {
		if names == nil {
			names = map[string]string{}
		}
		names[k] = v
	}
	return names
}
