package metrics

// Counters of newsletters (issue 13, results), per day.
const (
	// NewsletterVisits counts the visits that arrived from a newsletter: clicks of its
	// signed redirects whose link is a page of the community (written by the redirect,
	// in the click's own transaction).
	NewsletterVisits = "newsletter_visits"
)
