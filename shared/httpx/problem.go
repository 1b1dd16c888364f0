// Package httpx is the HTTP edge every domain shares: JSON in and out, RFC 9457 problem
// answers, the one mapping from error kinds to statuses, middleware and route tables.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"tribune/shared/errs"
	"tribune/shared/idempotency"
	"tribune/shared/logx"
)

// ProblemContentType is the media type of every error answer.
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem detail, with the stable code and the offending field.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
	Field  string `json:"field,omitempty"`
	// Invalid (an RFC 9457 extension member) names the wrong elements of the list
	// field Field, and Valid counts its right ones, when a request's list has some of
	// each (a bulk invitation's addresses).
	Invalid []errs.Entry `json:"invalid,omitempty"`
	Valid   *int         `json:"valid,omitempty"`
	// SpaceID (an extension member) is the space a not_space_member refusal is about,
	// where the reader may learn it (errs.Error.SpaceID).
	SpaceID string `json:"spaceId,omitempty"`
	// ArticleID (an extension member) is the article an answer_has_article refusal
	// names (errs.Error.ArticleID).
	ArticleID string `json:"articleId,omitempty"`
	// Fields (an extension member) lists every wrong field of a form checked at once
	// (errs.Fields): Code and Field are the first of them.
	Fields    []errs.FieldProblem `json:"fields,omitempty"`
	RequestID string              `json:"requestId,omitempty"`
}

// statusOf is the single place where an error kind becomes an HTTP status.
func statusOf(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Gone:
		return http.StatusGone
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.UnsupportedMedia:
		return http.StatusUnsupportedMediaType
	case errs.RateLimited:
		return http.StatusTooManyRequests
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	case errs.Unprocessable:
		return http.StatusUnprocessableEntity
	default:
		return http.StatusInternalServerError
	}
}

// StatusOf returns the HTTP status an error is answered with.
func StatusOf(err error) int {
	if e, ok := errs.As(err); ok {
		return statusOf(e.Kind)
	}
	return http.StatusInternalServerError
}

// WriteError answers with a problem. Errors without a code are logged in full and
// answered with a bare 500, so internals never reach the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	p := Problem{RequestID: logx.RequestID(r.Context())}
	if e, ok := errs.As(err); ok && e.Kind != errs.Internal {
		p.Status = statusOf(e.Kind)
		p.Code, p.Detail, p.Field, p.SpaceID, p.ArticleID, p.Fields = e.Code, e.Message, e.Field, e.SpaceID, e.ArticleID, e.Fields
		if len(e.Entries) > 0 {
			valid := e.Valid
			p.Invalid, p.Valid = e.Entries, &valid
		}
		if p.Status >= 500 {
			slog.ErrorContext(r.Context(), "request failed", "err", err.Error(), "status", p.Status)
		}
	} else if errors.Is(err, idempotency.ErrRepeated) {
		// A twin of a request that won its claim: this answer is dropped for the
		// winner's (answerOnce), so it is no failure; never written to a client.
		p.Status, p.Code, p.Detail = http.StatusConflict, "request_in_progress", idempotency.ErrInProgress.Message
		slog.InfoContext(r.Context(), "repeat lost to its twin", "err", err.Error())
	} else if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (a page left mid-call): nobody reads the answer and it is
		// no failure of ours; 499 is what proxies log for it.
		p.Status, p.Code, p.Detail = 499, "client_closed_request", "The client closed the request."
		slog.InfoContext(r.Context(), "client went away", "err", err.Error())
	} else {
		p.Status, p.Code = http.StatusInternalServerError, "internal"
		p.Detail = "Something went wrong on our side. Please try again later."
		slog.ErrorContext(r.Context(), "request failed", "err", err.Error(), "status", p.Status)
	}
	writeProblem(w, p)
}

// writeProblem writes a problem answer (p.Title from its status, p.Type from its code).
func writeProblem(w http.ResponseWriter, p Problem) {
	p.Title = http.StatusText(p.Status)
	if p.Title == "" {
		p.Title = "Client Closed Request"
	}
	p.Type = "urn:tribune:problem:" + p.Code
	if p.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "60")
	}
	w.Header().Set("Content-Type", ProblemContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}
