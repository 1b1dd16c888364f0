package app

import "tribune/shared/httpx"

// bookmarkRoutes: members' bookmarks (helper 16B fills this file).
func bookmarkRoutes(d Deps) []httpx.Route { return nil }
