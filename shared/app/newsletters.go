package app

import "tribune/shared/httpx"

// NewslettersRoutes are the routes the newsletters function serves: writing, preview,
// digests and the archive (newsletters_writing.go), segments, consent and one-click
// unsubscribe (newsletters_audience.go), schedules, sending and results
// (newsletters_sending.go).
func NewslettersRoutes(d Deps) []httpx.Route {
	routes := newsletterWritingRoutes(d)
	routes = append(routes, newsletterAudienceRoutes(d)...)
	routes = append(routes, newsletterResultsRoutes(d)...)
	return append(routes, newsletterSendingRoutes(d)...)
}
