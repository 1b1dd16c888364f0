package app

import "tribune/shared/httpx"

// documentRoutes: the documents of spaces (helper 16B fills this file).
func documentRoutes(d Deps) []httpx.Route { return nil }
