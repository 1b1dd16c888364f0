package httpx

import (
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"tribune/shared/errs"
)

// Ids are made by the domains, never typed by people: a prefix and 26 base32
// characters ("m_…", "p_…", "s_…", "t_…"), 16 for invitations, a 64-hex-digit hash for
// sessions, an invitation code ("<id>-<secret>", 43), an image's file name. So every
// id fits MaxIDBytes of IDPattern, and a longer or stranger one cannot name anything
// stored: it is refused before it reaches the store (DynamoDB refuses keys over
// 2,048 bytes, sort keys over 1,024, with an error that would be a 500).
const (
	MaxIDBytes = 64
	// MaxQueryBytes bounds a documented query parameter unless its Param says otherwise.
	MaxQueryBytes = 1024
)

// IDPattern is the shape of every id, in a path or in a body.
var IDPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ValidID reports whether s can be an id.
func ValidID(s string) bool { return IDPattern.MatchString(s) }

// Problems of inputs that cannot be right, whatever the route.
var (
	// ErrNoSuchID answers a path whose parameter cannot be an id: nothing is there.
	ErrNoSuchID = errs.New(errs.NotFound, "not_found", "There is nothing here: this is not an id Tribune made.")
)

func missingField(path string) error {
	return errs.InvalidField(path, "missing_field", path+" is required: send it, and not as null.")
}

func invalidID(path string) error {
	return errs.InvalidField(path, "invalid_id", path+" is not an id: ids are 1 to 64 letters, digits, '_', '-' or '.'.")
}

func invalidQuery(name string, max int) error {
	return errs.InvalidField(name, "invalid_query", fmt.Sprintf("The query parameter %s is longer than %d bytes.", name, max))
}

func repeatedQuery(name string) error {
	return errs.InvalidField(name, "repeated_query", fmt.Sprintf("The query parameter %s is given more than once: give it once.", name))
}

// checkInput refuses, before anything reads the store, a path parameter that cannot
// be an id (404) and a documented query parameter over its bound (400): refuse(problem)
// answers instead of h.
func checkInput(rt Route, h http.HandlerFunc, refuse func(problem error) http.HandlerFunc) http.HandlerFunc {
	var params []string
	for _, p := range pathParams(rt.Pattern) {
		if !strings.HasSuffix(rt.Pattern, "{"+p+"...}") {
			params = append(params, p)
		}
	}
	limits := map[string]int{}
	for _, q := range rt.Query {
		limits[q.Name] = MaxQueryBytes
		if q.MaxBytes > 0 {
			limits[q.Name] = q.MaxBytes
		}
	}
	return func(w http.ResponseWriter, r *http.Request) {
		for _, p := range params {
			if !ValidID(r.PathValue(p)) {
				refuse(ErrNoSuchID)(w, r)
				return
			}
		}
		if len(limits) > 0 && r.URL.RawQuery != "" {
			for name, values := range r.URL.Query() {
				max, ok := limits[name]
				if ok && len(values) > 1 {
					// No route reads a documented parameter twice: the first one won
					// silently (tester 14, finding 18).
					refuse(repeatedQuery(name))(w, r)
					return
				}
				for _, v := range values {
					if ok && len(v) > max {
						refuse(invalidQuery(name, max))(w, r)
						return
					}
				}
			}
		}
		h(w, r)
	}
}

// field is one JSON member of a request type.
type field struct {
	name     string
	typ      reflect.Type
	required bool
	id       bool
}

// jsonFields lists the JSON members of a struct type the way encoding/json sees them
// (embedded structs without a name are flattened). A member is required unless its
// tag says omitempty or omitzero: the rule the OpenAPI document states too.
func jsonFields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		optional := slices.Contains(strings.Split(opts, ","), "omitempty") || slices.Contains(strings.Split(opts, ","), "omitzero")
		out = append(out, field{name: name, typ: f.Type, required: !optional, id: f.Tag.Get("format") == "id"})
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// checkFields walks a decoded JSON document beside the Go type it was decoded into:
// every required member is present and not null, no array element or map value is
// null, member names match exactly (encoding/json would take "Roles" for "roles"),
// and members tagged format:"id" are ids (or empty, which the domain reads as none).
func checkFields(t reflect.Type, doc any, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == timeType {
			return nil
		}
		obj, ok := doc.(map[string]any)
		if !ok {
			return errMalformed
		}
		fields := jsonFields(t)
		for key := range obj {
			if !slices.ContainsFunc(fields, func(f field) bool { return f.name == key }) {
				return errMalformed
			}
		}
		for _, f := range fields {
			val, present := obj[f.name]
			if !present || val == nil {
				if f.required {
					return missingField(join(path, f.name))
				}
				continue
			}
			if s, ok := val.(string); ok && f.id && s != "" && !ValidID(s) {
				return invalidID(join(path, f.name))
			}
			if err := checkFields(f.typ, val, join(path, f.name)); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		arr, _ := doc.([]any)
		for i, el := range arr {
			at := path + "[" + strconv.Itoa(i) + "]"
			if el == nil {
				return missingField(at)
			}
			if err := checkFields(t.Elem(), el, at); err != nil {
				return err
			}
		}
	case reflect.Map:
		obj, _ := doc.(map[string]any)
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if obj[k] == nil {
				return missingField(join(path, k))
			}
			if err := checkFields(t.Elem(), obj[k], join(path, k)); err != nil {
				return err
			}
		}
	}
	return nil
}
