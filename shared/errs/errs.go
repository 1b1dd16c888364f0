// Package errs holds the coded errors every domain returns. A domain names what went
// wrong (a Kind and a stable Code); httpx alone turns a Kind into an HTTP status.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for its caller; it is what decides the HTTP status.
type Kind int

const (
	Internal Kind = iota
	Invalid
	Unauthenticated
	Forbidden
	NotFound
	Conflict
	Gone
	TooLarge
	UnsupportedMedia
	RateLimited
	Unavailable
	// Unprocessable: well-formed, but cannot be taken as asked (an Idempotency-Key
	// reused for another request).
	Unprocessable
)

// Error is a coded error safe to show to a client: Code is stable for programs,
// Message is plain English for people (the web frontend translates by Code).
type Error struct {
	Kind    Kind
	Code    string
	Message string
	// Field names the input that is wrong, for validation errors.
	Field string
	// Entries are the wrong elements of a list field (Field), each named, when a request
	// sends a list and some of its elements are wrong (a bulk invitation's addresses);
	// Valid then counts the right ones. The problem answer carries both.
	Entries []Entry
	Valid   int
	// SpaceID names the space a refusal is about when the client may act on it (a post
	// of a space the reader is no member of: the page offers to ask to join it). The
	// problem answer carries it as spaceId.
	SpaceID string
	// ArticleID names the knowledge-base article a conflict is about (an answer already
	// turned into one, issue 16); the problem answer carries it as articleId.
	ArticleID string
	// Fields are every wrong field of a form when a request checks them all at once
	// (the campaign editor): the error itself is the first of them, and the problem
	// answer lists them all as fields, so a form shows each next to its field.
	Fields []FieldProblem
}

// FieldProblem is one wrong field of a form: its name, a problem code and its English
// sentence.
type FieldProblem struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

// Fields returns the first of a form's field errors carrying them all (Fields), or nil
// when there is none. Errors without a coded field error are returned as they are.
func Fields(list []error) error {
	var first *Error
	var all []FieldProblem
	for _, err := range list {
		e, ok := As(err)
		if !ok || e.Kind != Invalid {
			return err
		}
		if first == nil {
			c := *e
			first = &c
		}
		all = append(all, FieldProblem{Field: e.Field, Code: e.Code, Detail: e.Message})
	}
	if first == nil {
		return nil
	}
	first.Fields = all
	return first
}

// Entry is one wrong element of a list input: its line (its position in the list, from
// 1: a list typed one element per line numbers as its lines), the element as sent, and
// what is wrong with it (a problem code and its English sentence).
type Entry struct {
	Line   int    `json:"line"`
	Value  string `json:"value"`
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s): %s", e.Code, e.Field, e.Message)
	}
	return e.Code + ": " + e.Message
}

// New returns a coded error.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// InvalidField returns a validation error about one input field.
func InvalidField(field, code, message string) *Error {
	return &Error{Kind: Invalid, Code: code, Message: message, Field: field}
}

// As finds the coded error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Is reports whether err carries a coded error with this code.
func Is(err error, code string) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// ErrNotFound is what every store returns, wrapped, when an item does not exist.
var ErrNotFound = New(NotFound, "not_found", "The resource does not exist.")
