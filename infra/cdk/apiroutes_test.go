package main

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"tribune/shared/app"
	"tribune/shared/httpx"
)

// TestAPIRoutesSendEveryPathToItsFunction: for every path of the Go route table, with
// its variables filled with a plain value and with every literal written at that place
// elsewhere in the table, API Gateway's choice among the folded routes (apiRoutes) is
// the function whose Go route answers it in the local runtime's single mux.
func TestAPIRoutesSendEveryPathToItsFunction(t *testing.T) {
	routes := apiRoutes(app.Catalogue())
	type apiRoute struct {
		segs []string
		fn   string
	}
	var api []apiRoute
	total := 0
	for fn, paths := range routes {
		for _, p := range paths {
			api = append(api, apiRoute{segments(p), fn})
			total++
		}
	}
	// The local runtime's answer: one mux holding every function's paths.
	mux := http.NewServeMux()
	owner := map[string]string{}
	literals := map[int]map[string]bool{}
	var patterns []string
	seen := map[string]bool{}
	for _, f := range app.Catalogue() {
		if f.Routes == nil {
			continue
		}
		for _, rt := range f.Routes(app.Deps{}) {
			key := rt.Method + " " + rt.Pattern
			if _, dup := owner[key]; dup {
				continue
			}
			owner[key] = f.Name
			if !seen[rt.Pattern] {
				seen[rt.Pattern] = true
				patterns = append(patterns, rt.Pattern)
			}
			mux.HandleFunc(key, func(http.ResponseWriter, *http.Request) {})
			for i, s := range segments(rt.Pattern) {
				if !variable(s) {
					if literals[i] == nil {
						literals[i] = map[string]bool{}
					}
					literals[i][s] = true
				}
			}
		}
	}
	// API Gateway's precedence: a route without a greedy variable first, then the one
	// whose first differing segment is a literal (AWS: "most specific match").
	choose := func(req []string) string {
		best := -1
		for i, r := range api {
			if !apiMatches(r.segs, req) {
				continue
			}
			if best < 0 || moreSpecific(r.segs, api[best].segs) {
				best = i
			}
		}
		if best < 0 {
			return ""
		}
		return api[best].fn
	}
	requests := 0
	for _, p := range patterns {
		segs := segments(p)
		var fills [][]string
		fills = append(fills, nil)
		for i, s := range segs {
			if !variable(s) {
				continue
			}
			for lit := range literals[i] {
				alt := append([]string(nil), segs...)
				alt[i] = lit
				fills = append(fills, alt)
			}
		}
		for _, f := range fills {
			req := append([]string(nil), segs...)
			if f != nil {
				req = f
			}
			for i, s := range req {
				if variable(s) {
					req[i] = "v" + strings.Repeat("1", i+1)
				}
			}
			// API Gateway's routes are ANY: every method must find the same function.
			for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
				_, pattern := mux.Handler(httptest.NewRequest(method, join(req), nil))
				want := owner[pattern]
				if want == "" {
					continue // no route answers it: a 404 or a 405 whoever says it
				}
				requests++
				if got := choose(req); got != want {
					t.Errorf("%s %s (route %s of %s) goes to %q through API Gateway", method, join(req), pattern, want, got)
				}
			}
		}
	}
	if requests < len(patterns) {
		t.Fatalf("only %d requests checked for %d paths", requests, len(patterns))
	}
	if total*3 > len(patterns)*2 {
		t.Errorf("%d API routes for %d paths: folding saves less than a third", total, len(patterns))
	}
	t.Logf("%d API routes for %d paths, %d requests checked", total, len(patterns), requests)
}

// TestAPIRoutesFoldOnlyWhatOneFunctionOwns: a greedy route stops where another
// function's path begins, and an exact path of that function stays a route.
func TestAPIRoutesFoldOnlyWhatOneFunctionOwns(t *testing.T) {
	fn := func(name string, patterns ...string) app.Function {
		return app.Function{Name: name, Routes: func(app.Deps) []httpx.Route {
			var rs []httpx.Route
			for _, p := range patterns {
				rs = append(rs, httpx.Route{Method: "GET", Pattern: p})
			}
			return rs
		}}
	}
	got := apiRoutes([]app.Function{
		fn("posting", "/api/spaces", "/api/spaces/{id}", "/api/spaces/{id}/posts", "/api/posts/{id}", "/api/posts/{id}/comments"),
		fn("newsletters", "/api/spaces/{id}/scheduled-announcements", "/api/newsletters", "/api/newsletters/{id}", "/api/newsletters/{id}/send"),
		fn("drafts", "/api/posts/drafts/mine"),
		fn("files", "/api/posts/{id}/files/{name...}"),
	})
	want := map[string]string{
		"posting":     "/api/spaces,/api/spaces/{id},/api/spaces/{id}/posts,/api/posts/{id},/api/posts/{id}/comments",
		"newsletters": "/api/newsletters,/api/newsletters/{proxy+},/api/spaces/{id}/scheduled-announcements",
		"drafts":      "/api/posts/drafts/mine",
		"files":       "/api/posts/{id}/files/{proxy+}",
	}
	for name, paths := range want {
		g := append([]string(nil), got[name]...)
		sort.Strings(g)
		w := strings.Split(paths, ",")
		sort.Strings(w)
		if strings.Join(g, ",") != strings.Join(w, ",") {
			t.Errorf("%s: %v, want %v", name, g, w)
		}
	}
}

func apiMatches(route, req []string) bool {
	greedy := len(route) > 0 && strings.HasSuffix(route[len(route)-1], "+}")
	if greedy {
		if len(req) < len(route) {
			return false
		}
		route = route[:len(route)-1]
	} else if len(req) != len(route) {
		return false
	}
	for i, s := range route {
		if !variable(s) && s != req[i] {
			return false
		}
	}
	return true
}

func moreSpecific(a, b []string) bool {
	ga, gb := strings.HasSuffix(a[len(a)-1], "+}"), strings.HasSuffix(b[len(b)-1], "+}")
	if ga != gb {
		return !ga
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		if va, vb := variable(a[i]), variable(b[i]); va != vb {
			return !va
		}
	}
	return len(a) > len(b)
}
