package app_test

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tribune/shared/app"
)

// The document is generated from the route table; this checks it is a sound OpenAPI
// 3.1 document and that every mounted route is in it, and nothing else.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc := app.OpenAPI()
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi = %v", doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	routes := app.AllRoutes(app.Deps{})
	described := 0
	for _, p := range paths {
		described += len(p.(map[string]any))
	}
	if described != len(routes) {
		t.Fatalf("%d operations described, %d routes mounted", described, len(routes))
	}
	for _, rt := range routes {
		op, ok := paths[rt.Pattern].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if !ok {
			t.Fatalf("%s %s is not described", rt.Method, rt.Pattern)
		}
		if op["summary"] == "" || len(op["responses"].(map[string]any)) == 0 {
			t.Fatalf("%s %s lacks a summary or responses", rt.Method, rt.Pattern)
		}
		bodiless := map[string]bool{"/api/auth/logout": true, "/api/me/sessions/revoke-all": true, "/api/members/{id}/reinstate": true,
			"/api/invitations/{id}/revoke": true, "/api/invitations/{id}/resend": true, "/api/spaces/{id}/join": true,
			"/api/spaces/{id}/leave": true, "/api/spaces/{id}/requests/{member}/approve": true, "/api/spaces/{id}/requests/{member}/decline": true,
			"/api/posts/{id}/comments/{comment}/accept": true, "/api/posts/{id}/reactions/{reaction}": true, "/api/posts/{id}/comments/{comment}/reactions/{reaction}": true,
			"/api/notifications/read":  true,
			"/api/campaigns/{id}/join": true, "/api/campaigns/{id}/seen": true,
			"/api/newsletters/{id}/unschedule": true, "/api/newsletters/{id}/pause": true, "/api/newsletters/{id}/resume": true, "/api/newsletters/{id}/cancel": true,
			// issue 14, round 2: freeze and run take nothing; the sales file is text/csv (its summary says so).
			"/api/kpis/baseline": true, "/api/kpis/health-checks": true, "/api/kpis/sales": true,
			// issue 16: following, publishing and unpublishing take nothing.
			"/api/kb/categories/{id}/follow": true, "/api/kb/articles/{id}/follow": true,
			"/api/kb/articles/{id}/publish": true, "/api/kb/articles/{id}/unpublish": true,
			// issue 16: a download (counted, hence a POST) and a bookmark take nothing.
			"/api/spaces/{id}/documents/{docId}/download": true, "/api/bookmarks/{kind}/{id}": true}
		if (rt.Method == http.MethodPost || rt.Method == http.MethodPut) && rt.Request == nil && !bodiless[rt.Pattern] {
			t.Fatalf("%s %s takes no documented body", rt.Method, rt.Pattern)
		}
	}
	start := paths["/api/auth/email/start"].(map[string]any)["post"].(map[string]any)
	schema := start["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if schema["$ref"] != "#/components/schemas/StartRequest" {
		t.Fatalf("start body schema %v", schema)
	}
	req := doc["components"].(map[string]any)["schemas"].(map[string]any)["StartRequest"].(map[string]any)
	if got := req["required"].([]string); len(got) != 1 || got[0] != "email" {
		t.Fatalf("StartRequest required = %v", got)
	}
}

// Every body the document describes has the members of the Go type the route reads or
// answers: two types of one name (spaces.Settings and tickets.Settings) once shared a
// component, so PUT /api/community/spaces was documented with the support settings.
func TestOpenAPIBodiesAreTheirOwnTypes(t *testing.T) {
	doc := app.OpenAPI()
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	members := func(schema map[string]any) []string {
		if ref, ok := schema["$ref"].(string); ok {
			schema = schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		}
		var out []string
		for name := range schema["properties"].(map[string]any) {
			out = append(out, name)
		}
		slices.Sort(out)
		return out
	}
	check := func(what string, body any, content map[string]any) {
		t.Helper()
		ty := reflect.TypeOf(body)
		for ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		if ty.Kind() != reflect.Struct {
			return
		}
		schema := content["application/json"].(map[string]any)["schema"].(map[string]any)
		if got, want := members(schema), jsonMembers(ty); !slices.Equal(got, want) {
			t.Errorf("%s (%s) is documented with %v, its type has %v", what, ty, got, want)
		}
	}
	routes := app.AllRoutes(app.Deps{})
	for _, rt := range routes {
		op := doc["paths"].(map[string]any)[rt.Pattern].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if rt.Request != nil {
			check(rt.Method+" "+rt.Pattern+" body", rt.Request, op["requestBody"].(map[string]any)["content"].(map[string]any))
		}
		for code, resp := range rt.Responses {
			if resp.Body != nil && code < 400 {
				answer := op["responses"].(map[string]any)[fmt.Sprint(code)].(map[string]any)
				check(rt.Method+" "+rt.Pattern+" answer", resp.Body, answer["content"].(map[string]any))
			}
		}
	}
	// The example: the space settings and the support settings are two components.
	put := doc["paths"].(map[string]any)["/api/community/spaces"].(map[string]any)["put"].(map[string]any)
	schema := put["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if got := members(schema); !slices.Equal(got, []string{"membersCreateGroups"}) {
		t.Fatalf("PUT /api/community/spaces is documented with %v (%v)", got, schema)
	}
}

// jsonMembers are the JSON member names of a struct type, embedded structs flattened.
func jsonMembers(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonMembers(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
