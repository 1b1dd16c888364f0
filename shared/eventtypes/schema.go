package eventtypes

//go:generate go run ./cmd/gen-events ../../events

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Field tags the schemas read, besides json:
//
//	schema:"enum=a|b;maxLength=150;minLength=1;minimum=0;format=email"
//	doc:"A description of the field."
//
// A time.Time is a date-time string; a pointer or an omitempty field may be null; a
// []string's enum applies to its items.

// Files renders the catalogue as events/ holds it: <detail-type>.schema.json (a JSON
// Schema of the payload type) and <detail-type>.sample.json (the sample), by file name.
func Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, def := range Catalog {
		schema, err := Schema(def)
		if err != nil {
			return nil, err
		}
		sample, err := encode(def.Sample)
		if err != nil {
			return nil, fmt.Errorf("eventtypes.Files %s sample: %w", def.DetailType, err)
		}
		out[def.DetailType+".schema.json"], out[def.DetailType+".sample.json"] = schema, sample
	}
	return out, nil
}

type schemaDoc struct {
	Schema               string     `json:"$schema"`
	ID                   string     `json:"$id"`
	Title                string     `json:"title"`
	Description          string     `json:"description"`
	Type                 string     `json:"type"`
	AdditionalProperties bool       `json:"additionalProperties"`
	Required             []string   `json:"required"`
	Properties           properties `json:"properties"`
}

type property struct {
	Type        any       `json:"type"`
	Description string    `json:"description,omitempty"`
	Format      string    `json:"format,omitempty"`
	Enum        []string  `json:"enum,omitempty"`
	MinLength   *int      `json:"minLength,omitempty"`
	MaxLength   *int      `json:"maxLength,omitempty"`
	Minimum     *float64  `json:"minimum,omitempty"`
	Items       *property `json:"items,omitempty"`
}

type namedProperty struct {
	name string
	property
}

// properties keeps the order of the Go fields.
type properties []namedProperty

func (ps properties) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(p.name)
		value, err := json.Marshal(p.property)
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Schema is the JSON Schema of one catalogued event, from its payload type.
func Schema(def Definition) ([]byte, error) {
	doc := schemaDoc{Schema: "https://json-schema.org/draft/2020-12/schema", ID: "urn:tribune:event:" + def.DetailType,
		Title: def.DetailType, Description: def.Description + " Source: " + def.Source + ".", Type: "object"}
	props, err := fieldsOf(reflect.TypeOf(def.New()).Elem())
	if err != nil {
		return nil, fmt.Errorf("eventtypes.Schema %s: %w", def.DetailType, err)
	}
	for _, p := range props {
		doc.Required = append(doc.Required, p.name)
	}
	doc.Properties = props
	return encode(doc)
}

var timeType = reflect.TypeOf(time.Time{})

func fieldsOf(t reflect.Type) (properties, error) {
	var out properties
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			embedded, err := fieldsOf(f.Type)
			if err != nil {
				return nil, err
			}
			out = append(out, embedded...)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		p, err := propertyOf(f.Type, f.Tag.Get("schema"))
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		if strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			p.Type = []string{p.Type.(string), "null"}
		}
		p.Description = f.Tag.Get("doc")
		out = append(out, namedProperty{name, p})
	}
	return out, nil
}

func propertyOf(t reflect.Type, tag string) (property, error) {
	var p property
	switch {
	case t == timeType:
		p.Type, p.Format = "string", "date-time"
	case t.Kind() == reflect.Pointer:
		inner, err := propertyOf(t.Elem(), tag)
		if err != nil {
			return p, err
		}
		inner.Type = []string{inner.Type.(string), "null"}
		return inner, nil
	case t.Kind() == reflect.String:
		p.Type = "string"
	case t.Kind() == reflect.Bool:
		p.Type = "boolean"
	case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
		p.Type = "integer"
	case t.Kind() == reflect.Float64:
		p.Type = "number"
	case t.Kind() == reflect.Slice:
		items, err := propertyOf(t.Elem(), tag)
		if err != nil {
			return p, err
		}
		return property{Type: "array", Items: &items}, nil
	default:
		return p, fmt.Errorf("no JSON Schema for %s", t)
	}
	for _, kv := range strings.Split(tag, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		var err error
		switch k {
		case "enum":
			p.Enum = strings.Split(v, "|")
		case "format":
			p.Format = v
		case "minLength", "maxLength":
			var n int
			n, err = strconv.Atoi(v)
			if k == "minLength" {
				p.MinLength = &n
			} else {
				p.MaxLength = &n
			}
		case "minimum":
			var f float64
			f, err = strconv.ParseFloat(v, 64)
			p.Minimum = &f
		default:
			err = fmt.Errorf("unknown schema tag %q", k)
		}
		if err != nil {
			return p, err
		}
	}
	return p, nil
}

// encode is JSON indented by two spaces, HTML characters left as they are, with a
// final newline.
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
