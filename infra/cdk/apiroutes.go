package main

import (
	"sort"
	"strings"

	"tribune/shared/app"
)

// apiRoutes are the API Gateway route paths of each HTTP function, by function name: the
// Go route table's paths, folded into one greedy route `P/{proxy+}` (plus `P` when P is a
// path itself) wherever every path under P is one function's and no other function has
// a path a request under P could match. Each route is one resource of CloudFormation's
// 500 per stack; folding keeps newsletters' 29 paths to a handful, so the stack has room
// for the domains still planned (decisions.md, "API routes folded by function").
//
// A request reaching a folded route is routed by the function's own Go mux, which
// answers a path it does not serve with 404 problem+json, as the local runtime does; a
// request API Gateway could send to two functions never meets a greedy route (the
// second condition), so API Gateway's precedence (exact, then variables, then greedy)
// picks the function the Go route table would. TestAPIRoutesSendEveryPathToItsFunction
// checks that on every path of the table.
func apiRoutes(fns []app.Function) map[string][]string {
	var all []path
	seen := map[string]bool{}
	for _, f := range fns {
		if f.Routes == nil {
			continue
		}
		for _, rt := range f.Routes(app.Deps{}) {
			if !seen[rt.Pattern] {
				seen[rt.Pattern] = true
				all = append(all, path{segments(rt.Pattern), f.Name})
			}
		}
	}
	out := map[string][]string{}
	// Go's trailing wildcard {name...} is API Gateway's greedy {name+}.
	emit := func(fn, p string) {
		if strings.HasSuffix(p, "...}") {
			p = strings.TrimSuffix(p, "...}") + "+}"
		}
		out[fn] = append(out[fn], p)
	}
	// fold handles the paths starting with prefix (all of them share it).
	var fold func(prefix []string, under []path)
	fold = func(prefix []string, under []path) {
		owners := map[string]bool{}
		exact := ""
		for _, p := range under {
			owners[p.fn] = true
			if len(p.segs) == len(prefix) {
				exact = p.fn
			}
		}
		if len(prefix) > 0 && len(owners) == 1 && !reachable(prefix, all, under[0].fn) {
			fn := under[0].fn
			if exact != "" {
				emit(fn, join(prefix))
			}
			if len(under) > 1 || exact == "" {
				emit(fn, join(append(prefix[:len(prefix):len(prefix)], "{proxy+}")))
			}
			return
		}
		if exact != "" {
			emit(exact, join(prefix))
		}
		// One child per next segment, as written: API Gateway tells {id} and {spaceId}
		// apart only by name, and the Go table never has two at one place.
		children := map[string][]path{}
		var order []string
		for _, p := range under {
			if len(p.segs) == len(prefix) {
				continue
			}
			next := p.segs[len(prefix)]
			if _, ok := children[next]; !ok {
				order = append(order, next)
			}
			children[next] = append(children[next], p)
		}
		sort.Strings(order)
		for _, next := range order {
			fold(append(prefix[:len(prefix):len(prefix)], next), children[next])
		}
	}
	fold(nil, all)
	return out
}

// reachable reports whether a path of a function other than fn could match some request
// longer than prefix that starts with it: then a greedy route at prefix would compete
// with that path, and the prefix is not folded.
func reachable(prefix []string, all []path, fn string) bool {
	for _, p := range all {
		if p.fn == fn || len(p.segs) <= len(prefix) {
			continue
		}
		compatible := true
		for i, s := range prefix {
			if s != p.segs[i] && !variable(s) && !variable(p.segs[i]) {
				compatible = false
				break
			}
		}
		if compatible {
			return true
		}
	}
	return false
}

// path is one path of the Go route table, split at its slashes, and its function.
type path struct {
	segs []string
	fn   string
}

func segments(pattern string) []string { return strings.Split(strings.Trim(pattern, "/"), "/") }
func join(segs []string) string        { return "/" + strings.Join(segs, "/") }
func variable(seg string) bool         { return strings.HasPrefix(seg, "{") }
