package members

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Rules are the community's terms of use. A member accepts them once before they first
// post; a new version of the text asks again.
type Rules struct {
	Text      string     `json:"text"`
	Version   int        `json:"version"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
	// Unchanged: the text published was the text in force (once cleaned by text.Body), so
	// no version was made and nobody is asked to accept again. Only in Save's answer.
	Unchanged bool `json:"unchanged,omitempty"`
}

// MaxRulesRunes bounds the rules' text.
const MaxRulesRunes = 20000

// DefaultRules hold until an admin writes the community's own.
var DefaultRules = Rules{Version: 1, Text: `Be kind and respectful. No harassment, hate or personal attacks.
Stay on topic, and post in the space that fits.
No spam, no advertising without the staff's consent.
Do not share other people's personal data.
Moderators may hide, move or lock content, and warn, suspend or ban members who break these rules.`}

// Errors of rules.
var (
	ErrRulesText    = errs.InvalidField("text", "invalid_rules", "The rules have 1 to 20,000 characters.")
	ErrRulesVersion = errs.New(errs.Conflict, "rules_changed", "The rules changed meanwhile; read them again.")
	ErrRulesImages  = errs.InvalidField("text", "rules_no_images", "The rules are plain text read by everyone: they show no uploaded image.")
)

// RulesStore is where the rules and their acceptance live.
type RulesStore interface {
	// GetRules returns the saved rules (errs.ErrNotFound if never saved).
	GetRules(ctx context.Context) (Rules, error)
	// SaveRules writes a new text as the next version, only if it differs from the
	// saved text: the same text again writes nothing and answers the rules in force
	// with Unchanged set.
	SaveRules(ctx context.Context, text string, now time.Time) (Rules, error)
	// AcceptRules records that a member accepted a version.
	AcceptRules(ctx context.Context, memberID string, version int) error
}

// RulesService reads, changes and accepts the rules.
type RulesService struct {
	Store RulesStore
	Now   func() time.Time
}

// Current returns the rules in force.
func (s *RulesService) Current(ctx context.Context) (Rules, error) {
	r, err := s.Store.GetRules(ctx)
	if errors.Is(err, errs.ErrNotFound) {
		return DefaultRules, nil
	}
	if err != nil {
		return Rules{}, fmt.Errorf("members.Rules: %w", err)
	}
	return r, nil
}

// Save replaces the text; every member accepts the new version before posting again.
// Publishing the text in force again (compared once cleaned by text.Body: line endings,
// trailing spaces and blank first lines do not count) makes no version: the rules in
// force come back with Unchanged set, and nobody is asked to accept them again.
func (s *RulesService) Save(ctx context.Context, raw string) (Rules, error) {
	body, err := text.Body("text", raw)
	if err != nil {
		return Rules{}, fmt.Errorf("members.SaveRules: %w", err)
	}
	if n := utf8.RuneCountInString(body); n < 1 || n > MaxRulesRunes {
		return Rules{}, fmt.Errorf("members.SaveRules: %w", ErrRulesText)
	}
	// Everyone reads the rules, visitors too, as plain text: no text that grants an
	// uploaded image to its readers, so they name none.
	for _, src := range content.ImageSources(body) {
		if content.PointsUnder(src, "/api/images/") {
			return Rules{}, fmt.Errorf("members.SaveRules: %w", ErrRulesImages)
		}
	}
	current, err := s.Current(ctx)
	if err != nil {
		return Rules{}, err
	}
	if current.Text == body {
		// The default rules are never stored: only this comparison keeps them version 1.
		current.Unchanged = true
		return current, nil
	}
	r, err := s.Store.SaveRules(ctx, body, s.Now().UTC())
	if err != nil {
		return Rules{}, fmt.Errorf("members.SaveRules: %w", err)
	}
	return r, nil
}

// Accept records the actor's acceptance of the version they read.
func (s *RulesService) Accept(ctx context.Context, actor auth.Principal, version int) error {
	current, err := s.Current(ctx)
	if err != nil {
		return err
	}
	if version != current.Version {
		return fmt.Errorf("members.AcceptRules: %w", ErrRulesVersion)
	}
	if err := s.Store.AcceptRules(ctx, actor.MemberID, version); err != nil {
		return fmt.Errorf("members.AcceptRules: %w", err)
	}
	return nil
}

// RulesHTTP exposes the rules.
type RulesHTTP struct{ Service *RulesService }

// RulesText is what an admin sends.
type RulesText struct {
	Text string `json:"text"`
}

// RulesAcceptance is what a member sends: the version they read.
type RulesAcceptance struct {
	Version int `json:"version"`
}

// Routes returns the rules operations.
func (h RulesHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/community/rules", Tag: "community", Handler: h.get,
			Summary: "The community rules (terms of use) in force.", Responses: httpx.Answers(200, "The rules", Rules{}, nil)},
		{Method: "PUT", Pattern: "/api/community/rules", Tag: "staff", Action: policy.CommunitySettings, Handler: h.save, Request: RulesText{},
			Summary:   "Replace the rules (admins); members accept the new version before posting again. The text in force again makes no version (unchanged: true).",
			Responses: httpx.Answers(200, "The rules", Rules{}, map[int]string{400: "Empty or too long"})},
		{Method: "POST", Pattern: "/api/me/rules", Tag: "me", Action: policy.SignedIn, Handler: h.accept, Request: RulesAcceptance{},
			Summary:   "Accept the version of the rules the member read.",
			Responses: httpx.Answers(204, "Accepted", nil, map[int]string{409: "The rules changed meanwhile"})},
	}
}

func (h RulesHTTP) get(w http.ResponseWriter, r *http.Request) {
	rules, err := h.Service.Current(r.Context())
	httpx.Reply(w, r, http.StatusOK, rules, err)
}

func (h RulesHTTP) save(w http.ResponseWriter, r *http.Request) {
	var t RulesText
	if err := httpx.DecodeJSON(r, &t); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	rules, err := h.Service.Save(r.Context(), t.Text)
	httpx.Reply(w, r, http.StatusOK, rules, err)
}

func (h RulesHTTP) accept(w http.ResponseWriter, r *http.Request) {
	var a RulesAcceptance
	if err := httpx.DecodeJSON(r, &a); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p := auth.Caller(r)
	if err := h.Service.Accept(r.Context(), p, a.Version); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
