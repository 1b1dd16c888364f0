// Package social signs people in with an account they already have: OpenID Connect
// providers (Google, Microsoft, LinkedIn, any issuer) and OAuth2 providers with a
// profile API (GitHub, Facebook), always with the authorization code flow, PKCE,
// state and (for OIDC) nonce. It returns a verified identity; the members domain
// decides what it means for the community.
package social

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"tribune/shared/errs"
	"tribune/shared/secret"
)

// Kinds of providers.
const (
	KindOIDC     = "oidc"
	KindGitHub   = "github"
	KindFacebook = "facebook"
)

// Provider is one configured way to sign in.
type Provider struct {
	// ID is the provider's name in routes and identity keys: google, github, ...
	ID string
	// Name is what the sign-in button says.
	Name         string
	Kind         string
	Issuer       string // OIDC
	ClientID     string
	ClientSecret string
	// SecretSource, when set, provides the client secret on first use (Secrets Manager).
	SecretSource *secret.Value
	Scopes       []string
	// AuthURL, TokenURL and APIURL are the OAuth2 endpoints of non-OIDC providers
	// (overridable for tests).
	AuthURL, TokenURL, APIURL string
	// SkipIssuerCheck is for multi-tenant issuers (Microsoft "common"), whose tokens
	// name the member's own tenant.
	SkipIssuerCheck bool
}

// Identity is who the provider says signed in.
type Identity struct {
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// Flow is what the start of a sign-in must remember until the callback.
type Flow struct {
	Provider string
	State    string
	Nonce    string
	Verifier string
	// Return is where the web app wants to land afterwards (a local path).
	Return string
	// Invitation is a code carried through the flow (invite-only communities).
	Invitation string
	// SwitchAccount: the person chose, when starting, that the sign-in may replace this
	// browser's session of another account (without it the callback refuses to).
	SwitchAccount bool
	// Locale is the language of the page that started the flow: a newcomer's account
	// (and so their emails) takes it.
	Locale string
}

// Errors of the flow, shown to the person who tried to sign in.
var (
	ErrUnknownProvider = errs.New(errs.NotFound, "unknown_provider", "This sign-in provider is not enabled.")
	ErrBadState        = errs.New(errs.Invalid, "oauth_state_mismatch", "The sign-in could not be completed (it expired or was started elsewhere). Try again.")
	ErrProviderDenied  = errs.New(errs.Invalid, "oauth_denied", "The sign-in was cancelled or refused by the provider.")
	ErrExchangeFailed  = errs.New(errs.Invalid, "oauth_exchange_failed", "The provider did not confirm the sign-in. Try again.")
	ErrBadToken        = errs.New(errs.Invalid, "oauth_bad_token", "The provider's answer could not be verified. Try again.")
)

// Registry holds the enabled providers.
type Registry struct {
	// RedirectBase is the public URL callbacks come back to: <base>/api/auth/oidc/<id>/callback.
	RedirectBase string
	providers    []Provider
	mu           sync.Mutex
	discovered   map[string]*oidc.Provider
}

// NewRegistry returns a registry of providers.
func NewRegistry(redirectBase string, providers []Provider) *Registry {
	return &Registry{RedirectBase: redirectBase, providers: providers, discovered: map[string]*oidc.Provider{}}
}

// Enabled lists the providers, in configuration order.
func (r *Registry) Enabled() []Provider {
	if r == nil {
		return nil
	}
	return slices.Clone(r.providers)
}

func (r *Registry) find(id string) (Provider, error) {
	if r != nil {
		for _, p := range r.providers {
			if p.ID == id {
				return p, nil
			}
		}
	}
	return Provider{}, ErrUnknownProvider
}

// oidcProvider discovers an issuer once (its metadata and keys).
func (r *Registry) oidcProvider(ctx context.Context, p Provider) (*oidc.Provider, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := r.discovered[p.ID]; ok {
		return d, nil
	}
	d, err := oidc.NewProvider(ctx, p.Issuer)
	if err != nil {
		return nil, fmt.Errorf("social: discover %s: %w", p.ID, err)
	}
	r.discovered[p.ID] = d
	return d, nil
}

func (r *Registry) config(ctx context.Context, p Provider) (*oauth2.Config, *oidc.Provider, error) {
	if p.ClientSecret == "" && p.SecretSource != nil {
		var err error
		if p.ClientSecret, err = p.SecretSource.Get(); err != nil {
			return nil, nil, fmt.Errorf("social: client secret of %s: %w", p.ID, err)
		}
	}
	cfg := &oauth2.Config{ClientID: p.ClientID, ClientSecret: p.ClientSecret, Scopes: p.Scopes,
		RedirectURL: r.RedirectBase + "/api/auth/oidc/" + p.ID + "/callback"}
	if p.Kind != KindOIDC {
		cfg.Endpoint = oauth2.Endpoint{AuthURL: p.AuthURL, TokenURL: p.TokenURL}
		return cfg, nil, nil
	}
	d, err := r.oidcProvider(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	cfg.Endpoint = d.Endpoint()
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "email", "profile"}
	}
	return cfg, d, nil
}

// Start begins a sign-in: the provider URL to send the browser to and the flow to keep.
func (r *Registry) Start(ctx context.Context, providerID, returnTo, invitation string) (string, Flow, error) {
	p, err := r.find(providerID)
	if err != nil {
		return "", Flow{}, err
	}
	cfg, _, err := r.config(ctx, p)
	if err != nil {
		return "", Flow{}, err
	}
	f := Flow{Provider: p.ID, State: rand.Text() + rand.Text(), Verifier: oauth2.GenerateVerifier(), Return: returnTo, Invitation: invitation}
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.Verifier)}
	if p.Kind == KindOIDC {
		f.Nonce = rand.Text() + rand.Text()
		opts = append(opts, oidc.Nonce(f.Nonce))
	}
	return cfg.AuthCodeURL(f.State, opts...), f, nil
}

// Finish trades the callback's code for a verified identity. The caller has already
// matched state against the stored flow.
func (r *Registry) Finish(ctx context.Context, f Flow, code string) (Identity, error) {
	p, err := r.find(f.Provider)
	if err != nil {
		return Identity{}, err
	}
	cfg, d, err := r.config(ctx, p)
	if err != nil {
		return Identity{}, err
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		return Identity{}, fmt.Errorf("social.Finish %s: %w", p.ID, errors.Join(ErrExchangeFailed, err))
	}
	switch p.Kind {
	case KindOIDC:
		return verifyIDToken(ctx, p, d, f, tok)
	case KindGitHub:
		return gitHubIdentity(ctx, p, cfg.Client(ctx, tok))
	case KindFacebook:
		return facebookIdentity(ctx, p, cfg.Client(ctx, tok))
	}
	return Identity{}, fmt.Errorf("social.Finish %s: unknown kind %q", p.ID, p.Kind)
}

func verifyIDToken(ctx context.Context, p Provider, d *oidc.Provider, f Flow, tok *oauth2.Token) (Identity, error) {
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return Identity{}, fmt.Errorf("social.Finish %s: no id_token: %w", p.ID, ErrBadToken)
	}
	idt, err := d.Verifier(&oidc.Config{ClientID: p.ClientID, SkipIssuerCheck: p.SkipIssuerCheck}).Verify(ctx, raw)
	if err != nil {
		return Identity{}, fmt.Errorf("social.Finish %s: %w", p.ID, errors.Join(ErrBadToken, err))
	}
	if idt.Nonce != f.Nonce {
		return Identity{}, fmt.Errorf("social.Finish %s: nonce mismatch: %w", p.ID, ErrBadToken)
	}
	var claims struct {
		Email         string `json:"email"`
		EmailVerified any    `json:"email_verified"`
		Name          string `json:"name"`
		Preferred     string `json:"preferred_username"`
		// Microsoft marks a domain-verified address with xms_edov.
		EDOV any `json:"xms_edov"`
	}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("social.Finish %s: %w", p.ID, errors.Join(ErrBadToken, err))
	}
	name := claims.Name
	if name == "" {
		name = claims.Preferred
	}
	return Identity{Provider: p.ID, Subject: idt.Subject, Email: claims.Email,
		EmailVerified: truthy(claims.EmailVerified) || truthy(claims.EDOV), Name: name}, nil
}

// truthy reads a boolean claim, which some providers send as a string.
func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case string:
		return b == "true"
	}
	return false
}
