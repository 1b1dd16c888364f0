package newsletters

import (
	"context"
	"errors"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
)

// The members' archive (writing): the newsletters sent with "on the archive page"
// checked (not the digests, whose issues are each reader's own), newest first. Each
// reader reads one in their language, with their name, and its community blocks filled
// with what they may read now: the archive shows nobody what they cannot read.

// ArchiveStore lists the archive.
type ArchiveStore interface {
	// Archived lists the sent newsletters marked for the archive, newest first.
	Archived(ctx context.Context, cursor string, limit int) ([]Newsletter, string, error)
}

// ArchiveEntry is one newsletter of the archive as a reader's list shows it.
type ArchiveEntry struct {
	ID        string    `json:"id"`
	Subject   string    `json:"subject"`
	Preheader string    `json:"preheader"`
	SentAt    time.Time `json:"sentAt"`
}

// ArchivePage is a page of the archive.
type ArchivePage struct {
	Entries []ArchiveEntry `json:"entries"`
	Next    string         `json:"next,omitempty"`
}

// ArchiveIssue is one newsletter of the archive as the reader receives it.
type ArchiveIssue struct {
	ID        string `json:"id"`
	Subject   string `json:"subject"`
	Preheader string `json:"preheader"`
	HTML      string `json:"html"`
	// Page is the content for the app to show (no inline style).
	Page   string    `json:"page"`
	Lang   string    `json:"lang"`
	SentAt time.Time `json:"sentAt"`
}

// sentAt is when a newsletter went (its send time, else its last change).
func sentAt(n Newsletter) time.Time {
	if n.SendAt != nil {
		return *n.SendAt
	}
	return n.UpdatedAt
}

// inArchive reports whether a reader finds n in the archive: sent, marked for it, not a
// digest's issue, and not sent to some spaces' members or some roles only (what was
// written for a closed group is not shown to the whole community).
func inArchive(n Newsletter) bool {
	return n.State == StateSent && n.Archive && n.DigestID == "" && len(n.Segment.SpaceIDs) == 0 && len(n.Segment.Roles) == 0
}

// InArchive is inArchive for the store's listing.
func InArchive(n Newsletter) bool { return inArchive(n) }

// Archive lists the archive for a reader: each subject in their language, their name
// in it.
func (s *Writer) Archive(ctx context.Context, actor auth.Principal, store ArchiveStore, cursor string) (ArchivePage, error) {
	r, err := s.People.Recipient(ctx, actor.MemberID)
	if err != nil {
		return ArchivePage{}, err
	}
	// The archive's pages are the newsletters' list filtered: read on (10 pages at most)
	// until one holds something, so a reader is not shown an empty page with more after.
	var list []Newsletter
	next := cursor
	for range 10 {
		got, after, err := store.Archived(ctx, next, ListPage)
		if err != nil {
			return ArchivePage{}, err
		}
		list, next = append(list, got...), after
		if len(list) > 0 || next == "" {
			break
		}
	}
	page := ArchivePage{Entries: []ArchiveEntry{}, Next: next}
	for _, n := range list {
		if !inArchive(n) {
			continue
		}
		v := n.Writing.Version(r.Lang)
		first := FirstName(r.Name)
		if first == "" {
			first = v.FirstNameFallback
		}
		if first == "" {
			first = FirstNameDefault(v.Lang)
		}
		page.Entries = append(page.Entries, ArchiveEntry{ID: n.ID, Subject: strings.ReplaceAll(v.Subject, FirstNameToken, first),
			Preheader: strings.ReplaceAll(v.Preheader, FirstNameToken, first), SentAt: sentAt(n)})
	}
	return page, nil
}

// ReadArchived is one newsletter of the archive as the reader receives it today: their
// language and name, the blocks filled with what they may read now. A newsletter not in
// the archive (a draft, one being sent, one not marked, a digest) is not found.
func (s *Writer) ReadArchived(ctx context.Context, actor auth.Principal, id string) (ArchiveIssue, error) {
	n, err := s.Store.Newsletter(ctx, id)
	if errors.Is(err, errs.ErrNotFound) || (err == nil && !inArchive(n)) {
		return ArchiveIssue{}, ErrNoNewsletter
	}
	if err != nil {
		return ArchiveIssue{}, err
	}
	r, err := s.People.Recipient(ctx, actor.MemberID)
	if err != nil {
		return ArchiveIssue{}, err
	}
	out, page, err := s.Composer.renderPage(ctx, n, r)
	if errors.Is(err, ErrNothingNew) {
		return ArchiveIssue{}, ErrNoNewsletter
	}
	if err != nil {
		return ArchiveIssue{}, err
	}
	prefs := strings.TrimRight(s.Composer.PublicURL, "/") + "/me/profile"
	out = out.WithUnsubscribe(prefs, nil)
	return ArchiveIssue{ID: n.ID, Subject: out.Subject, Preheader: out.Preheader, HTML: out.HTML, Page: page, Lang: n.Writing.Version(r.Lang).Lang,
		SentAt: sentAt(n)}, nil
}
