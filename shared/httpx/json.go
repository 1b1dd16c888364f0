package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"

	"tribune/shared/errs"
)

// MaxBodyBytes bounds every request body; larger ones are answered 413.
const MaxBodyBytes = 64 << 10

var (
	errTooLarge    = errs.New(errs.TooLarge, "body_too_large", "The request body is larger than 64 KiB.")
	errMalformed   = errs.New(errs.Invalid, "malformed_json", "The request body is not valid JSON for this operation.")
	errNotJSON     = errs.New(errs.UnsupportedMedia, "unsupported_media_type", "Send the request body as application/json.")
	errTrailingDoc = errs.New(errs.Invalid, "malformed_json", "The request body holds more than one JSON value.")
)

// DecodeJSON reads one JSON object into v, refusing a wrong content type, bodies over
// MaxBodyBytes (413), malformed JSON, unknown members (names match exactly), trailing
// data (400 malformed_json), a required member that is missing or null, or a null
// array element or map value (400 missing_field, naming it), and a member tagged
// format:"id" that cannot be an id (400 invalid_id). A member is required unless its
// json tag says omitempty or omitzero, the rule the OpenAPI document states, so the
// same rule holds on every route.
func DecodeJSON(r *http.Request, v any) error {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mediaType != "application/json" {
		return errNotJSON
	}
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return errTooLarge
		}
		return errMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errMalformed
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errTrailingDoc
	}
	// The same document again, untyped, to see what encoding/json cannot tell apart:
	// a member sent as null, or not sent, from one sent empty.
	var doc any
	generic := json.NewDecoder(bytes.NewReader(raw))
	generic.UseNumber()
	if err := generic.Decode(&doc); err != nil {
		return errMalformed
	}
	return checkFields(reflect.TypeOf(v), doc, "")
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
