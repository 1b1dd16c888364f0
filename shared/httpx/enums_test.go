package httpx

import (
	"reflect"
	"strings"
	"testing"

	"tribune/shared/policy"
)

type shade string

func (shade) EnumValues() []string { return []string{"light", "dark"} }

type paint struct {
	Shade  shade    `json:"shade"`
	Shades []shade  `json:"shades"`
	Finish string   `json:"finish"`
	Tints  []string `json:"tints,omitempty"`
}

func (paint) OpenAPIEnums() map[string][]string {
	return map[string][]string{"finish": {"matt", "gloss"}, "tints": {"warm", "cold"}}
}

type badPaint struct {
	Finish string `json:"finish"`
}

func (badPaint) OpenAPIEnums() map[string][]string { return map[string][]string{"finsh": {"matt"}} }

// A named type with fixed values is one component with an enum; a struct's members
// with fixed values are enums in place (a list's items too); so the web's generated
// types are unions, not string.
func TestEnumsAreStated(t *testing.T) {
	doc := OpenAPI("t", "1", []Route{{Method: "PUT", Pattern: "/p", Action: policy.SignedIn, Request: paint{}, Responses: Answers(204, "Done", nil, nil)}})
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	if got := schemas["shade"]; !reflect.DeepEqual(got, map[string]any{"type": "string", "enum": []string{"light", "dark"}}) {
		t.Fatalf("shade: %v", got)
	}
	props := schemas["paint"].(map[string]any)["properties"].(map[string]any)
	want := map[string]any{
		"shade":  map[string]any{"$ref": "#/components/schemas/shade"},
		"shades": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/components/schemas/shade"}},
		"finish": map[string]any{"type": "string", "enum": []string{"matt", "gloss"}},
		"tints":  map[string]any{"type": "array", "items": map[string]any{"type": "string", "enum": []string{"warm", "cold"}}},
	}
	if !reflect.DeepEqual(props, want) {
		t.Fatalf("paint's members: %v", props)
	}
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), `"finsh"`) {
			t.Fatalf("an enum naming no member: %v", p)
		}
	}()
	OpenAPI("t", "1", []Route{{Method: "PUT", Pattern: "/b", Action: policy.SignedIn, Request: badPaint{}, Responses: Answers(204, "Done", nil, nil)}})
}
