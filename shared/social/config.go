package social

import (
	"fmt"
	"os"
	"strings"

	"tribune/shared/secret"
)

// wellKnown are the built-in providers; a deployment turns them on with credentials.
var wellKnown = map[string]Provider{
	"google":    {ID: "google", Name: "Google", Kind: KindOIDC, Issuer: "https://accounts.google.com"},
	"microsoft": {ID: "microsoft", Name: "Microsoft", Kind: KindOIDC, Issuer: "https://login.microsoftonline.com/common/v2.0", SkipIssuerCheck: true},
	"linkedin":  {ID: "linkedin", Name: "LinkedIn", Kind: KindOIDC, Issuer: "https://www.linkedin.com/oauth"},
	"github": {ID: "github", Name: "GitHub", Kind: KindGitHub, Scopes: []string{"read:user", "user:email"},
		AuthURL: "https://github.com/login/oauth/authorize", TokenURL: "https://github.com/login/oauth/access_token", APIURL: "https://api.github.com"},
	"facebook": {ID: "facebook", Name: "Facebook", Kind: KindFacebook, Scopes: []string{"email", "public_profile"},
		AuthURL: "https://www.facebook.com/v19.0/dialog/oauth", TokenURL: "https://graph.facebook.com/v19.0/oauth/access_token", APIURL: "https://graph.facebook.com/v19.0"},
}

// SecretLookup resolves a secret reference (a Secrets Manager ARN in AWS); it is
// called when the secret is first needed, not at start.
type SecretLookup func(ref string) (string, error)

// FromEnv reads the enabled providers: AUTH_PROVIDERS=google,github,oidc and, for
// each, AUTH_<ID>_CLIENT_ID plus AUTH_<ID>_CLIENT_SECRET (local) or
// AUTH_<ID>_CLIENT_SECRET_ARN (AWS, resolved by lookup). The generic provider "oidc"
// also needs AUTH_OIDC_ISSUER and may set AUTH_OIDC_NAME.
func FromEnv(lookup SecretLookup) ([]Provider, error) {
	var out []Provider
	for _, id := range strings.Split(os.Getenv("AUTH_PROVIDERS"), ",") {
		id = strings.ToLower(strings.TrimSpace(id))
		if id == "" {
			continue
		}
		prefix := "AUTH_" + strings.ToUpper(id) + "_"
		p, ok := wellKnown[id]
		if !ok {
			p = Provider{ID: id, Kind: KindOIDC, Issuer: os.Getenv(prefix + "ISSUER"), Name: os.Getenv(prefix + "NAME")}
			if p.Issuer == "" {
				return nil, fmt.Errorf("social: provider %q needs %sISSUER", id, prefix)
			}
			if p.Name == "" {
				p.Name = id
			}
		}
		p.ClientID = os.Getenv(prefix + "CLIENT_ID")
		p.ClientSecret = os.Getenv(prefix + "CLIENT_SECRET")
		if ref := os.Getenv(prefix + "CLIENT_SECRET_ARN"); ref != "" && lookup != nil {
			p.SecretSource = secret.Lazy(func() (string, error) { return lookup(ref) })
		}
		if p.ClientID == "" || (p.ClientSecret == "" && p.SecretSource == nil) {
			return nil, fmt.Errorf("social: provider %q needs %sCLIENT_ID and a client secret", id, prefix)
		}
		out = append(out, p)
	}
	return out, nil
}
