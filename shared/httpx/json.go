package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"unicode/utf8"

	"tribune/shared/errs"
)

// MaxBodyBytes bounds every request body; larger ones are answered 413.
const MaxBodyBytes = 64 << 10

var (
	errTooLarge    = errs.New(errs.TooLarge, "body_too_large", "The request body is larger than 64 KiB.")
	errMalformed   = errs.New(errs.Invalid, "malformed_json", "The request body is not valid JSON for this operation.")
	errNotJSON     = errs.New(errs.UnsupportedMedia, "unsupported_media_type", "Send the request body as application/json.")
	errTrailingDoc = errs.New(errs.Invalid, "malformed_json", "The request body holds more than one JSON value.")
	errNotUTF8     = errs.New(errs.Invalid, "invalid_utf8", "The request body is not valid UTF-8 text: send JSON encoded in UTF-8.")
)

// DecodeJSON reads one JSON object into v, refusing a wrong content type, bodies over
// MaxBodyBytes (413), malformed JSON, unknown members (names match exactly), trailing
// data (400 malformed_json), a member named twice in one object, at any depth (400
// duplicate_member, naming it), a required member that is missing or null, or a null
// array element or map value (400 missing_field, naming it), and a member tagged
// format:"id" that cannot be an id (400 invalid_id). A member is required unless its
// json tag says omitempty or omitzero, the rule the OpenAPI document states, so the
// same rule holds on every route.
func DecodeJSON(r *http.Request, v any) error { return DecodeJSONLimit(r, v, MaxBodyBytes) }

// DecodeJSONLimit is DecodeJSON with another bound than MaxBodyBytes, for the few
// routes whose documented body is larger (a knowledge-base article's 100,000 bytes of
// text: 256 KiB of JSON); the function's handler must let such a body through
// (app.bodyLimit).
func DecodeJSONLimit(r *http.Request, v any, limit int64) error {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return errNotJSON
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	if err != nil {
		var over *http.MaxBytesError
		if errors.As(err, &over) {
			return tooLarge(limit)
		}
		return errMalformed
	}
	// encoding/json would turn bad bytes and lone surrogates into U+FFFD silently, so
	// the text stored would not be the text sent (RFC 8259 section 8.1, RFC 7493 2.1).
	if !utf8.Valid(raw) || hasLoneSurrogate(raw) {
		return errNotUTF8
	}
	// The document untyped first, token by token, to see what encoding/json cannot
	// tell: a member sent twice (it keeps the last), a member sent as null or not sent.
	generic := json.NewDecoder(bytes.NewReader(raw))
	generic.UseNumber()
	doc, err := readValue(generic, "")
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errMalformed
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailingDoc
	}
	return checkFields(reflect.TypeOf(v), doc, "")
}

// hasLoneSurrogate reports whether raw holds a \uXXXX escape of a UTF-16 surrogate
// that is not half of a pair (it names no character). A backslash occurs only inside
// JSON strings, so the escapes can be read without parsing the document.
func hasLoneSurrogate(raw []byte) bool {
	unit := func(i int) (rune, bool) {
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return 0, false
		}
		v, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 16)
		return rune(v), err == nil
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		r, ok := unit(i)
		if !ok {
			i++ // an escape such as \" or \\: skip the escaped byte
			continue
		}
		switch {
		case r >= 0xD800 && r <= 0xDBFF:
			low, ok := unit(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

// duplicateMember answers an object that names a member twice: encoding/json would
// keep the last one silently, so {"title":"t","title":"u"} would not mean what a
// reader (or a proxy or a log that keeps the first) sees.
func duplicateMember(path string) error {
	return errs.InvalidField(path, "duplicate_member", path+" appears more than once in its object: send each member once.")
}

// readValue reads one JSON value from dec as encoding/json's untyped form (objects
// map[string]any, arrays []any, numbers json.Number), refusing an object that names a
// member twice at any depth (400 duplicate_member, field naming it as path.member)
// and malformed JSON (400 malformed_json). Member names are compared as decoded, so
// "title" and "tit\u006ce" are the same member.
func readValue(dec *json.Decoder, path string) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, errMalformed
	}
	switch tok {
	case json.Delim('{'):
		obj := map[string]any{}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return nil, errMalformed
			}
			name, _ := key.(string)
			if _, seen := obj[name]; seen {
				return nil, duplicateMember(join(path, name))
			}
			val, err := readValue(dec, join(path, name))
			if err != nil {
				return nil, err
			}
			obj[name] = val
		}
		if _, err := dec.Token(); err != nil {
			return nil, errMalformed
		}
		return obj, nil
	case json.Delim('['):
		arr := []any{}
		for i := 0; dec.More(); i++ {
			val, err := readValue(dec, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			arr = append(arr, val)
		}
		if _, err := dec.Token(); err != nil {
			return nil, errMalformed
		}
		return arr, nil
	}
	return tok, nil
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Reply answers with v as JSON, or with err as a problem when err is set.
func Reply(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		WriteError(w, r, err)
		return
	}
	WriteJSON(w, status, v)
}

// Decoded decodes a JSON body into v, or answers the problem itself: handlers go on
// only when it returns true.
func Decoded(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := DecodeJSON(r, v); err != nil {
		WriteError(w, r, err)
		return false
	}
	return true
}
