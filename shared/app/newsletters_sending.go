package app

import "tribune/shared/httpx"

// newsletterSendingRoutes are the newsletters' sending routes.
func newsletterSendingRoutes(d Deps) []httpx.Route {
	return nil
}
