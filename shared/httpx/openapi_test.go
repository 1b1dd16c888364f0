package httpx

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/prefetch"
)

// Request shares its name with prefetch.Request (and with a type declared inside the
// test): three different bodies.
type Request struct {
	Visibility string `json:"visibility"`
}

// Every Go type gets its own component, whatever name it shares with another: a
// document where two types meet under one name describes one of them with the other's
// members (issue 9: PUT /api/community/spaces was documented with the support
// settings).
func TestTwoTypesOfOneNameGetTwoComponents(t *testing.T) {
	type Request struct {
		Count int `json:"count"`
	}
	routes := []Route{
		{Method: "PUT", Pattern: "/a", Action: policy.SignedIn, Request: prefetch.Request{}, Responses: Answers(200, "A", Request{}, nil)},
		{Method: "PUT", Pattern: "/b", Action: policy.SignedIn, Request: httpxRequest(), Responses: Answers(204, "B", nil, nil)},
	}
	doc := OpenAPI("t", "1", routes)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	resolve := func(schema any) (string, []string) {
		ref, _ := schema.(map[string]any)["$ref"].(string)
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Fatalf("%q names no component: %v", ref, schemas)
		}
		var props []string
		for p := range s["properties"].(map[string]any) {
			props = append(props, p)
		}
		slices.Sort(props)
		return name, props
	}
	op := func(path, method string) map[string]any {
		return doc["paths"].(map[string]any)[path].(map[string]any)[method].(map[string]any)
	}
	body := func(o map[string]any) any {
		return o["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	}
	answer := func(o map[string]any, code string) any {
		return o["responses"].(map[string]any)[code].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
	}
	names := map[string]bool{}
	for _, c := range []struct {
		schema any
		props  []string
	}{
		{body(op("/a", "put")), []string{"ImageFile", "ImageMember", "Member", "PostID", "SpaceID"}},
		{answer(op("/a", "put"), "200"), []string{"count"}},
		{body(op("/b", "put")), []string{"visibility"}},
	} {
		name, props := resolve(c.schema)
		if !reflect.DeepEqual(props, c.props) {
			t.Fatalf("component %s has %v, want %v", name, props, c.props)
		}
		if !strings.HasSuffix(strings.Split(name, "_")[0], "Request") || names[name] {
			t.Fatalf("component name %q (taken: %v)", name, names)
		}
		names[name] = true
	}
	if !names["prefetch.Request"] || !names["httpx.Request"] {
		t.Fatalf("package-qualified names: %v", names)
	}
	// Names do not depend on the order of routes.
	slices.Reverse(routes)
	again := OpenAPI("t", "1", routes)["components"].(map[string]any)["schemas"].(map[string]any)
	if _, ok := again["prefetch.Request"]; !ok || len(again) != len(schemas) {
		t.Fatalf("reversed routes: %v", again)
	}
}

func httpxRequest() Request { return Request{} }
