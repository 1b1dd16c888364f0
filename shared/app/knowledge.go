package app

import "tribune/shared/httpx"

// articleRoutes: the knowledge base's routes (helper 16A fills this file).
func articleRoutes(d Deps) []httpx.Route { return nil }
