package app

import "tribune/shared/httpx"

// newsletterWritingRoutes are the newsletters' writing routes.
func newsletterWritingRoutes(d Deps) []httpx.Route {
	return nil
}
