package app

import "tribune/shared/httpx"

func catalogueRoutes(d Deps) []httpx.Route { return nil }
