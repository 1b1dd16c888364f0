package app

import "tribune/shared/httpx"

func pointsRoutes(d Deps) []httpx.Route { return nil }
