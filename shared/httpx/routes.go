package httpx

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"tribune/shared/idempotency"
	"tribune/shared/logx"
	"tribune/shared/policy"
	"tribune/shared/prefetch"
)

// Route is one operation of the API: how it is mounted and how it is documented.
// The OpenAPI document is generated from the same values, so the two cannot drift.
type Route struct {
	Method  string
	Pattern string // Go 1.22 ServeMux path, e.g. /api/spaces/{id}
	Summary string
	Tag     string
	// Request is a zero value of the JSON body type, or nil.
	Request any
	Query   []Param
	// Responses maps each documented status to its description and body type.
	Responses map[int]Response
	// Action is what policy must allow the caller; policy.Public for anyone.
	Action  policy.Action
	Handler http.HandlerFunc
	// Prefetch names what the path's {id} is ("space" or "post") on read routes that
	// read it first: the session check fetches it in the same round trip.
	Prefetch string
	// Repeats (docs/api.md, "Repeated requests"). Every unsafe route honours the
	// Idempotency-Key header unless NoIdempotencyKey (routes that spend a one-time link
	// or set a cookie: their answer must not be replayed). SameWithin, on routes that
	// create something, makes the same request of the same member (route, target and
	// normalised body) within that time the same request, key or not: answered with
	// the first answer, written once.
	NoIdempotencyKey bool
	SameWithin       time.Duration
}

// Prefetch kinds.
const (
	PrefetchSpace = "space"
	PrefetchPost  = "post"
	// PrefetchMember: the handler reads the caller's own member item.
	PrefetchMember = "member"
	// PrefetchImage: the path names an uploaded image ({id} its space, if any, then
	// {member} and {file}): its record and its space come with the session.
	PrefetchImage = "image"
)

// Param is a documented query parameter.
type Param struct {
	Name        string
	Required    bool
	Description string
	// MaxBytes bounds the value (400 invalid_query above it); 0 means MaxQueryBytes.
	MaxBytes int
}

// Response documents one status of a route. Body nil means no JSON body.
type Response struct {
	Description string
	Body        any
}

// Guard wraps a handler so that it runs only for callers allowed the action.
type Guard func(action policy.Action, h http.HandlerFunc) http.HandlerFunc

// Answers documents a route's answers: the success (its status, description and body
// type, nil for none) and each problem's status and description. The guard's 401 and
// 403 and the 403 of cross-origin unsafe requests are added by OpenAPI.
func Answers(status int, description string, body any, problems map[int]string) map[int]Response {
	out := map[int]Response{status: {Description: description, Body: body}}
	for code, d := range problems {
		out[code] = Response{Description: d}
	}
	return out
}

// Mount registers routes on mux, each behind guard. With a repeat store, a repeated
// unsafe request is answered once (nameRequest, answerOnce); nil leaves that out.
func Mount(mux *http.ServeMux, routes []Route, guard Guard, repeats RepeatStore) {
	for _, rt := range routes {
		handler := rt.Handler
		once := repeats != nil && repeatable(rt)
		if once {
			handler = answerOnce(repeats, handler)
		}
		h := guard(rt.Action, handler)
		if rt.Prefetch != "" {
			h = announce(rt.Prefetch, h)
		}
		if once {
			h = nameRequest(rt, guard, h)
		}
		// Ids and query parameters are checked before anything, the prefetch included,
		// reads the store; a caller the guard turns away still hears 401 or 403 first.
		h = checkInput(rt, h, func(problem error) http.HandlerFunc {
			return guard(rt.Action, func(w http.ResponseWriter, r *http.Request) { WriteError(w, r, problem) })
		})
		mux.HandleFunc(rt.Method+" "+rt.Pattern, h)
	}
}

// Methods are the methods routes answer (GET routes answer HEAD too).
var Methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// NoRoute answers a request no route of mux took (mount it on mux's catch-all pattern,
// "/api/"): 405 method_not_allowed with an Allow header (RFC 9110, 15.5.6) when a route
// of mux has the path under other methods, else notFound (404 no_route).
func NoRoute(mux *http.ServeMux, notFound error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		allow := Allowed(mux, r)
		if len(allow) == 0 {
			WriteError(w, r, notFound)
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeProblem(w, Problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
			Detail: "This operation takes " + strings.Join(allow, ", ") + " only.", RequestID: logx.RequestID(r.Context())})
	}
}

// Allowed lists the methods a route of mux answers at r's path, other than the
// catch-all that took r (HEAD with GET).
func Allowed(mux *http.ServeMux, r *http.Request) []string {
	_, fallback := mux.Handler(r)
	var allow []string
	for _, m := range Methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != fallback {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	return allow
}

// announce tells the store, before the guard runs, what the handler reads first.
func announce(kind string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		var ctx context.Context
		switch kind {
		case PrefetchMember:
			ctx = prefetch.WithMember(r.Context())
		case PrefetchImage:
			ctx = prefetch.WithImage(r.Context(), id, r.PathValue("member"), r.PathValue("file"))
		case PrefetchSpace:
			ctx = prefetch.With(r.Context(), id, "")
		default:
			ctx = prefetch.With(r.Context(), "", id)
		}
		h(w, r.WithContext(ctx))
	}
}

// OpenAPI returns an OpenAPI 3.1 document describing routes.
func OpenAPI(title, version string, routes []Route) map[string]any {
	paths := map[string]any{}
	schemas := &components{schemas: map[string]any{}, names: schemaNames(routes)}
	schemas.schemas["Problem"] = schemaOf(reflect.TypeOf(Problem{}), nil)
	for _, rt := range routes {
		item, _ := paths[rt.Pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Pattern] = item
		}
		op := map[string]any{
			"summary":     rt.Summary,
			"operationId": operationID(rt),
			"tags":        []string{rt.Tag},
		}
		var params []any
		for _, name := range pathParams(rt.Pattern) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": idSchema(false)})
		}
		for _, q := range rt.Query {
			max := q.MaxBytes
			if max == 0 {
				max = MaxQueryBytes
			}
			params = append(params, map[string]any{"name": q.Name, "in": "query", "required": q.Required,
				"description": q.Description, "schema": map[string]any{"type": "string", "maxLength": max}})
		}
		if repeatable(rt) {
			params = append(params, map[string]any{"name": IdempotencyKeyHeader, "in": "header", "required": false,
				"description": "Names the request so that sending it again does nothing more (draft-ietf-httpapi-idempotency-key-header); remembered 24 hours",
				"schema":      map[string]any{"type": "string", "maxLength": idempotency.MaxKeyLength + 2}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Request), schemas)}}}
		}
		if rt.Action != policy.Public {
			// The action the guard asks: one of those GET /api/me answers.
			op["x-action"] = string(rt.Action)
		}
		switch rt.Action {
		case policy.Public:
		case policy.Visitors:
			// Signed in or not (visitors when the community's access mode allows it).
			op["security"] = []any{map[string]any{}, map[string]any{"session": []string{}}}
		default:
			op["security"] = []any{map[string]any{"session": []string{}}}
			op["x-roles"] = policy.AllowedRoles(rt.Action)
		}
		answers := map[int]Response{}
		for code, r := range rt.Responses {
			answers[code] = r
		}
		implied := map[int]string{}
		if rt.Action != policy.Public {
			implied[401] = "Not signed in"
			implied[403] = "Not allowed, or the account is suspended or banned"
		}
		if rt.Method != http.MethodGet {
			implied[403] = strings.TrimPrefix(implied[403]+", or a cross-origin request", ", or a")
		}
		if repeatable(rt) {
			implied[400] = "Bad Idempotency-Key header"
			implied[409] = "The same request is still being processed (request_in_progress)"
			implied[422] = "The Idempotency-Key was used for a different request"
		}
		for code, d := range implied {
			if _, ok := answers[code]; !ok {
				answers[code] = Response{Description: strings.ToUpper(d[:1]) + d[1:]}
			}
		}
		responses := map[string]any{}
		codes := make([]int, 0, len(answers))
		for code := range answers {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		for _, code := range codes {
			resp := answers[code]
			r := map[string]any{"description": resp.Description}
			switch {
			case code >= 400:
				r["content"] = map[string]any{ProblemContentType: map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}
			case resp.Body != nil:
				r["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(resp.Body), schemas)}}
			}
			responses[strconv.Itoa(code)] = r
		}
		op["responses"] = responses
		item[strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": title, "version": version},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas.schemas,
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "tribune_session"},
			},
		},
	}
}

func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.FieldsFunc(rt.Pattern, func(r rune) bool { return r == '/' || r == '.' || r == '{' || r == '}' }) {
		if part == "api" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func pathParams(pattern string) []string {
	var names []string
	for _, seg := range strings.Split(pattern, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			names = append(names, strings.TrimSuffix(strings.TrimSuffix(seg[1:len(seg)-1], "..."), "$"))
		}
	}
	return names
}

var timeType = reflect.TypeOf(time.Time{})

// Enumerated is a named type whose values are a fixed list (policy.Action): the
// document describes it as one component with an enum, so the web's generated type is
// the union of its values.
type Enumerated interface{ EnumValues() []string }

// FieldEnums is a struct type some of whose string members take their values from a
// fixed list (a space's visibility): OpenAPIEnums maps each such member's JSON name to
// its values, from the domain's own constants. The document states them as enums;
// naming a member the type does not have panics (every test of the document fails).
type FieldEnums interface{ OpenAPIEnums() map[string][]string }

var (
	enumeratedType = reflect.TypeOf((*Enumerated)(nil)).Elem()
	fieldEnumsType = reflect.TypeOf((*FieldEnums)(nil)).Elem()
)

// enumValues are t's values when t is Enumerated, else nil.
func enumValues(t reflect.Type) []string {
	if t.Name() == "" || !t.Implements(enumeratedType) {
		return nil
	}
	return reflect.Zero(t).Interface().(Enumerated).EnumValues()
}

// enumSchema describes a string of one of values (an array of them for a list).
func enumSchema(t reflect.Type, values []string) map[string]any {
	if t.Kind() == reflect.Slice {
		return map[string]any{"type": "array", "items": enumSchema(t.Elem(), values)}
	}
	return map[string]any{"type": "string", "enum": values}
}

// components are the named schemas of a document, each Go struct type under its own
// name (names from schemaNames).
type components struct {
	schemas map[string]any
	names   map[reflect.Type]string
}

// schemaNames gives each named struct type the routes' bodies use (at any depth) its
// component name: its Go name when no other type of the document has it, otherwise its
// package's name and its own ("spaces.Settings", "tickets.Settings"), and a number
// after that if even those meet (types declared inside functions). Every type of a
// shared name is qualified, so no name depends on which route comes first.
func schemaNames(routes []Route) map[reflect.Type]string {
	var order []reflect.Type
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if enumValues(t) != nil && !seen[t] {
			seen[t] = true
			order = append(order, t)
			return
		}
		if t.Kind() != reflect.Struct || t == timeType || seen[t] {
			return
		}
		seen[t] = true
		if t.Name() != "" {
			order = append(order, t)
		}
		for _, f := range jsonFields(t) {
			walk(f.typ)
		}
	}
	for _, rt := range routes {
		if rt.Request != nil {
			walk(reflect.TypeOf(rt.Request))
		}
		codes := make([]int, 0, len(rt.Responses))
		for code := range rt.Responses {
			codes = append(codes, code)
		}
		sort.Ints(codes)
		for _, code := range codes {
			if body := rt.Responses[code].Body; body != nil {
				walk(reflect.TypeOf(body))
			}
		}
	}
	byName := map[string]int{"Problem": 1}
	for _, t := range order {
		byName[t.Name()]++
	}
	names := map[reflect.Type]string{}
	taken := map[string]bool{"Problem": true}
	for _, t := range order {
		name := t.Name()
		if byName[name] > 1 {
			pkg := t.PkgPath()
			name = pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
		}
		for i, base := 2, name; taken[name]; i++ {
			name = base + "_" + strconv.Itoa(i)
		}
		taken[name] = true
		names[t] = name
	}
	return names
}

// schemaOf returns a JSON Schema for t; named structs go into components once, under
// the name schemaNames gave them.
func schemaOf(t reflect.Type, c *components) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if values := enumValues(t); values != nil {
		s := map[string]any{"type": "string", "enum": values}
		name := ""
		if c != nil {
			name = c.names[t]
		}
		if name == "" {
			return s
		}
		c.schemas[name] = s
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), c)}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), c)}
	case t.Kind() == reflect.Struct:
		name := ""
		if c != nil {
			name = c.names[t]
		}
		if name != "" {
			if _, done := c.schemas[name]; done {
				return map[string]any{"$ref": "#/components/schemas/" + name}
			}
			// Claimed before the members are described, so a type that contains itself ends.
			c.schemas[name] = nil
		}
		// The members and the required rule are DecodeJSON's own (jsonFields), so the
		// document and the decoder cannot disagree.
		props, required := map[string]any{}, []string{}
		var enums map[string][]string
		if t.Implements(fieldEnumsType) {
			enums = reflect.Zero(t).Interface().(FieldEnums).OpenAPIEnums()
		}
		for _, f := range jsonFields(t) {
			props[f.name] = schemaOf(f.typ, c)
			if f.id {
				props[f.name] = idSchema(true) // "" is "none" in a body
			}
			if values, ok := enums[f.name]; ok {
				props[f.name] = enumSchema(f.typ, values)
			}
			if f.required {
				required = append(required, f.name)
			}
		}
		for name := range enums {
			if _, ok := props[name]; !ok {
				panic(fmt.Sprintf("httpx: %s.OpenAPIEnums names %q, a member it does not have", t, name))
			}
		}
		s := map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
		if name == "" {
			return s
		}
		c.schemas[name] = s
		return map[string]any{"$ref": "#/components/schemas/" + name}
	default:
		return map[string]any{}
	}
}

// idSchema describes an id (see IDPattern), or "" too when empty is allowed.
func idSchema(empty bool) map[string]any {
	pattern := IDPattern.String()
	if empty {
		pattern = strings.Replace(pattern, "{1,", "{0,", 1)
	}
	return map[string]any{"type": "string", "maxLength": MaxIDBytes, "pattern": pattern}
}
