package social

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

func getJSON(ctx context.Context, client *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(v)
}

// gitHubIdentity reads the user and their primary, verified email from GitHub's API.
func gitHubIdentity(ctx context.Context, p Provider, client *http.Client) (Identity, error) {
	var user struct {
		ID    int64  `json:"id"`
		Login string `json:"login"`
		Name  string `json:"name"`
	}
	if err := getJSON(ctx, client, p.APIURL+"/user", &user); err != nil {
		return Identity{}, fmt.Errorf("social.GitHub: %w", errors.Join(ErrExchangeFailed, err))
	}
	var emails []struct {
		Email    string `json:"email"`
		Primary  bool   `json:"primary"`
		Verified bool   `json:"verified"`
	}
	if err := getJSON(ctx, client, p.APIURL+"/user/emails", &emails); err != nil {
		return Identity{}, fmt.Errorf("social.GitHub: %w", errors.Join(ErrExchangeFailed, err))
	}
	id := Identity{Provider: p.ID, Subject: strconv.FormatInt(user.ID, 10), Name: user.Name}
	if id.Name == "" {
		id.Name = user.Login
	}
	for _, e := range emails {
		if e.Primary {
			id.Email, id.EmailVerified = e.Email, e.Verified
		}
	}
	return id, nil
}

// facebookIdentity reads the profile from the Graph API; Facebook only returns an
// address its owner has confirmed.
func facebookIdentity(ctx context.Context, p Provider, client *http.Client) (Identity, error) {
	var me struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if err := getJSON(ctx, client, p.APIURL+"/me?fields=id,name,email", &me); err != nil {
		return Identity{}, fmt.Errorf("social.Facebook: %w", errors.Join(ErrExchangeFailed, err))
	}
	return Identity{Provider: p.ID, Subject: me.ID, Email: me.Email, EmailVerified: me.Email != "", Name: me.Name}, nil
}
