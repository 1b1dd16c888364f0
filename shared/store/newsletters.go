package store

// Newsletters stores the newsletters: newsletters and their versions, digests, segments,
// consent and the suppression list, schedules, delivery records and results
// (docs/newsletters.md, docs/data-model.md). Its methods are in newsletters_writing.go,
// newsletters_audience.go and newsletters_sending.go.
type Newsletters struct{ *Store }

// Newsletters is the store of the newsletters over the core.
func (s *Store) Newsletters() *Newsletters { return &Newsletters{s} }
