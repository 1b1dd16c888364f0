package app

import "tribune/shared/httpx"

// newsletterAudienceRoutes are the newsletters' audience routes.
func newsletterAudienceRoutes(d Deps) []httpx.Route {
	return nil
}
