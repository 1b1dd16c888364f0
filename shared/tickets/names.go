package tickets

import (
	"context"

	"tribune/shared/content"
	"tribune/shared/errs"
)

// Mentions in tickets. A ticket is not a place to call people in: the reply box offers
// no one and a mention in a ticket tells nobody (the mentioned member may not read
// it). But a ticket made from a community question carries its text, mentions included,
// and a customer may paste one: every mention shows the member's name as it is now,
// never an id, as in posts (shared/posts/names.go; docs/decisions.md, "Issue 10:
// mentions by name and excerpts").

// MaxNamedMentions bounds the members one ticket text mentions (as posts do).
const MaxNamedMentions = 50

// ExcerptRunes bounds the excerpt of a reply that notifications and emails quote.
const ExcerptRunes = 280

// ErrTooManyMentions refuses a text that mentions too many members.
var ErrTooManyMentions = errs.InvalidField("body", "too_many_mentions", "A text mentions at most 50 members.")

// Names reads members' display names as they are now.
type Names interface {
	// MemberNames returns the display name of each member id, "" for an id of no
	// member or of a deleted member; every id is in the map.
	MemberNames(ctx context.Context, ids []string) (map[string]string, error)
}

// render turns a ticket text into sanitized HTML with its mentions shown by name, and
// returns the names it shows.
func (s *Service) render(ctx context.Context, body string) (string, map[string]string, error) {
	ids := content.Mentions(body)
	if len(ids) > MaxNamedMentions {
		return "", nil, ErrTooManyMentions
	}
	var names map[string]string
	if len(ids) > 0 {
		var err error
		if names, err = s.Store.MemberNames(ctx, ids); err != nil {
			return "", nil, err
		}
	}
	html, err := content.RenderMentions(body, names)
	return html, names, err
}

// showNames brings the names a ticket and its replies show up to date: one read of the
// names (none when no text mentions anyone), a new rendering of a text only when a
// name it shows changed.
func (s *Service) showNames(ctx context.Context, t *Ticket, replies []Reply) error {
	texts := []content.Named{{Body: t.Body, HTML: &t.HTML, Names: &t.Mentions}}
	for i := range replies {
		texts = append(texts, content.Named{Body: replies[i].Body, HTML: &replies[i].HTML, Names: &replies[i].Mentions})
	}
	return content.ShowNamesNow(ctx, texts, s.Store.MemberNames)
}
