package app_test

import (
	"net/http"
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
			"/api/spaces/{id}/leave": true, "/api/spaces/{id}/requests/{member}/approve": true,
			"/api/posts/{id}/comments/{comment}/accept": true, "/api/posts/{id}/reactions/{reaction}": true, "/api/posts/{id}/comments/{comment}/reactions/{reaction}": true,
			"/api/notifications/read": true}
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
