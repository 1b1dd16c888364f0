package metrics

import (
	"context"
	"fmt"

	"tribune/shared/eventtypes"
)

// KPIs IX, XIII and XIV (issue 16; docs/kpis.md): documents produced, documents per
// staff member, documents bookmarked. A "document" of the KPIs is knowledge the
// community keeps: a knowledge-base article or a file of a space.

// Counter and sketch names of the knowledge KPIs.
const (
	// DocumentsProduced counts articles published for the first time and documents
	// uploaded (their first version: a new version is the same document).
	DocumentsProduced = "documents_produced"
	// DocumentsByStaff counts those of DocumentsProduced whose author held a staff role
	// when it was counted; DocumentStaff is the day's sketch of those authors.
	DocumentsByStaff = "documents_by_staff"
	DocumentStaff    = "document_staff"
	// DocumentsBookmarked counts new bookmarks of articles and documents (not of posts).
	DocumentsBookmarked = "documents_bookmarked"
)

// StaffOf reports whether a member holds a staff role now (false for one who is gone).
type StaffOf func(ctx context.Context, memberID string) (bool, error)

// produced are the counts of a document produced by authorID (staff or not).
func produced(authorID string, staff bool) []Count {
	counts := []Count{{Name: DocumentsProduced, Delta: 1}}
	if staff {
		counts = append(counts, Count{Name: DocumentsByStaff, Delta: 1}, Count{Name: DocumentStaff, Member: authorID})
	}
	return counts
}

// OnArticlePublished counts an article published for the first time (KPIs IX, XIII);
// publishing it again after an unpublish counts nothing. The author is staff when they
// hold a staff role as the event is counted (the event does not carry it).
func (s *Service) OnArticlePublished(ctx context.Context, evt eventtypes.ArticlePublished) error {
	if !evt.FirstTime {
		return nil
	}
	staff := false
	if s.Staff != nil {
		var err error
		if staff, err = s.Staff(ctx, evt.AuthorID); err != nil {
			return fmt.Errorf("metrics.OnArticlePublished %s: %w", evt.ArticleID, err)
		}
	}
	return s.countAll(ctx, evt.Meta, produced(evt.AuthorID, staff)...)
}

// OnDocumentUploaded counts a document uploaded (KPIs IX, XIII): its first version
// only; the uploader's staff flag is the event's (their roles at the upload).
func (s *Service) OnDocumentUploaded(ctx context.Context, evt eventtypes.DocumentUploaded) error {
	if evt.Version != 1 {
		return nil
	}
	return s.countAll(ctx, evt.Meta, produced(evt.UploadedBy, evt.Staff)...)
}

// OnBookmarkAdded counts a new bookmark of an article or a document (KPI XIV); a
// bookmark of a post is not a document's.
func (s *Service) OnBookmarkAdded(ctx context.Context, evt eventtypes.BookmarkAdded) error {
	if evt.Kind != "article" && evt.Kind != "document" {
		return nil
	}
	return s.countAll(ctx, evt.Meta, Count{Name: DocumentsBookmarked, Delta: 1})
}

// perStaff is KPI XIII over days: documents produced by staff over the distinct staff
// members who produced them (nil when none did); per day, that day's.
func (d *kpiData) perStaff(days []string) figureOf {
	var f figureOf
	over := NewSketch()
	total := int64(0)
	for _, day := range days {
		n := d.counters[DocumentsByStaff][day]
		total += n
		var v *float64
		if sk := d.sketches[DocumentStaff][day]; sk != nil {
			_ = over.Merge(sk)
			if people := sk.Estimate(); people > 0 {
				v = num(float64(n) / float64(people))
			}
		}
		f.series = append(f.series, Point{Day: day, Value: v})
	}
	if people := over.Estimate(); people > 0 {
		f.value = num(float64(total) / float64(people))
	}
	return f
}
