package app

import "tribune/shared/httpx"

func campaignRoutes(d Deps) []httpx.Route { return nil }
