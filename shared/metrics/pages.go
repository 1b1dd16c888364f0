package metrics

import (
	"regexp"
	"strings"
)

// PagePaths are the route shapes of the web app's pages, as web/src/routes.ts lists
// them (TestPagePathsAreTheWebRoutes compares the two): a beacon whose path is no page
// the app can show (a typo, a script's "/conc", "/<script>") counts nothing (tester 14,
// finding 15). ":name" is one path segment that can be an id.
var PagePaths = []string{
	"/", "/sign-in/link", "/invite/:code", "/spaces/:id", "/posts/:id", "/tickets/:id", "/members", "/members/:id",
	"/me/profile", "/me/sessions", "/notifications", "/support", "/moderation", "/admin",
	"/campaigns", "/campaigns/manage", "/campaigns/manage/:id", "/campaigns/:id",
	"/rewards/catalogue", "/rewards/orders", "/rewards/admin/catalogue", "/rewards", "/leaderboard", "/rewards/admin",
	"/me/newsletters", "/unsubscribe", "/newsletters/audience", "/newsletters/calendar", "/newsletters/:id/results",
	"/newsletters", "/newsletters/archive", "/newsletters/archive/:id", "/newsletters/:id",
	"/kpis", "/kpis/participation", "/kpis/health-checks", "/kpis/health-checks/:id", "/kpis/manage",
	"/search", "/search/analytics",
	"/kb", "/kb/new", "/kb/articles/:id", "/kb/articles/:id/edit", "/kb/articles/:id/history", "/kb/articles/:id/diff",
	"/bookmarks", "/spaces/:id/documents/:docId",
}

// pageParam is what a ":name" segment may hold: an id's characters (httpx.IDPattern).
var pageParam = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

var pageShapes = func() [][]string {
	out := make([][]string, len(PagePaths))
	for i, p := range PagePaths {
		out[i] = strings.Split(p, "/")
	}
	return out
}()

// IsPage reports whether path is a page of the web app: one of PagePaths, segment by
// segment (case counts, as in the router; a trailing slash is ignored).
func IsPage(path string) bool {
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/")
	}
	parts := strings.Split(path, "/")
	for _, shape := range pageShapes {
		if len(shape) != len(parts) {
			continue
		}
		ok := true
		for i := 0; i < len(shape) && ok; i++ {
			if strings.HasPrefix(shape[i], ":") {
				ok = pageParam.MatchString(parts[i])
			} else {
				ok = shape[i] == parts[i]
			}
		}
		if ok {
			return true
		}
	}
	return false
}
