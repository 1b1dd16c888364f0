package social

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// oauthServer answers like GitHub's (or Facebook's) token endpoint and API, as their
// documentation describes them; it checks the PKCE verifier and the bearer token.
func oauthServer(t *testing.T, verifier string, api map[string]any) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.Form.Get("code") != "the-code" || r.Form.Get("code_verifier") != verifier {
			http.Error(w, `{"error":"bad_verification_code"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"tok-1","token_type":"bearer"}`))
	})
	for path, body := range api {
		mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer tok-1" {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			_ = json.NewEncoder(w).Encode(body)
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestGitHubIdentityUsesThePrimaryEmailAndItsVerification(t *testing.T) {
	verifier := oauth2.GenerateVerifier()
	for _, verified := range []bool{true, false} {
		srv := oauthServer(t, verifier, map[string]any{
			"/user": map[string]any{"id": 42, "login": "octo", "name": ""},
			"/user/emails": []map[string]any{
				{"email": "old@example.com", "primary": false, "verified": true},
				{"email": "octo@example.com", "primary": true, "verified": verified},
			},
		})
		reg := NewRegistry("http://tribune.test", []Provider{{ID: "github", Name: "GitHub", Kind: KindGitHub, ClientID: "c", ClientSecret: "s",
			AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token", APIURL: srv.URL}})
		id, err := reg.Finish(context.Background(), Flow{Provider: "github", Verifier: verifier}, "the-code")
		if err != nil {
			t.Fatal(err)
		}
		if id.Subject != "42" || id.Email != "octo@example.com" || id.EmailVerified != verified || id.Name != "octo" {
			t.Fatalf("identity %+v (verified %v)", id, verified)
		}
		if _, err := reg.Finish(context.Background(), Flow{Provider: "github", Verifier: "wrong"}, "the-code"); err == nil {
			t.Fatal("a wrong verifier was accepted")
		}
	}
}

func TestFacebookIdentity(t *testing.T) {
	verifier := oauth2.GenerateVerifier()
	srv := oauthServer(t, verifier, map[string]any{"/me": map[string]any{"id": "fb-7", "name": "Fay", "email": "fay@example.com"}})
	reg := NewRegistry("http://tribune.test", []Provider{{ID: "facebook", Kind: KindFacebook, ClientID: "c", ClientSecret: "s",
		TokenURL: srv.URL + "/token", APIURL: srv.URL}})
	id, err := reg.Finish(context.Background(), Flow{Provider: "facebook", Verifier: verifier}, "the-code")
	if err != nil || id.Subject != "fb-7" || !id.EmailVerified || id.Name != "Fay" {
		t.Fatalf("identity %+v, %v", id, err)
	}
}

func TestStartAsksForPKCEAndState(t *testing.T) {
	reg := NewRegistry("https://tribune.test", []Provider{{ID: "github", Kind: KindGitHub, ClientID: "c", ClientSecret: "s",
		AuthURL: "https://github.example/authorize", TokenURL: "https://github.example/token"}})
	raw, flow, err := reg.Start(context.Background(), "github", "/spaces", "")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	if q.Get("state") != flow.State || len(flow.State) < 40 || q.Get("code_challenge") != oauth2.S256ChallengeFromVerifier(flow.Verifier) ||
		q.Get("redirect_uri") != "https://tribune.test/api/auth/oidc/github/callback" || !strings.HasPrefix(raw, "https://github.example/authorize?") {
		t.Fatalf("authorize URL %s for flow %+v", raw, flow)
	}
	if _, _, err := reg.Start(context.Background(), "nope", "/", ""); err != ErrUnknownProvider {
		t.Fatalf("unknown provider: %v", err)
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv("AUTH_PROVIDERS", "google, corp")
	t.Setenv("AUTH_GOOGLE_CLIENT_ID", "gid")
	t.Setenv("AUTH_GOOGLE_CLIENT_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:google")
	t.Setenv("AUTH_CORP_ISSUER", "https://id.corp.example")
	t.Setenv("AUTH_CORP_NAME", "Corp SSO")
	t.Setenv("AUTH_CORP_CLIENT_ID", "cid")
	t.Setenv("AUTH_CORP_CLIENT_SECRET", "local-secret")
	got, err := FromEnv(func(ref string) (string, error) { return "from:" + ref, nil })
	if err != nil {
		t.Fatal(err)
	}
	googleSecret, _ := got[0].SecretSource.Get()
	if len(got) != 2 || got[0].Issuer != "https://accounts.google.com" || googleSecret != "from:arn:aws:secretsmanager:eu-west-1:1:secret:google" ||
		got[1].Name != "Corp SSO" || got[1].ClientSecret != "local-secret" || got[1].Kind != KindOIDC {
		t.Fatalf("providers %+v", got)
	}
	t.Setenv("AUTH_PROVIDERS", "corp")
	t.Setenv("AUTH_CORP_CLIENT_SECRET", "")
	if _, err := FromEnv(nil); err == nil || !strings.Contains(err.Error(), "corp") {
		t.Fatalf("a provider without a secret: %v", err)
	}
}
