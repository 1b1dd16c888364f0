package main

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/httpx"
	"tribune/shared/mail"
)

// siteHandler serves the built web frontend (index.html for every app path) and the
// local-only outbox page.
func siteHandler(webDir, outboxDir, smtpAddr string, devOIDC *mockoidc.MockOIDC) (http.Handler, error) {
	index := filepath.Join(webDir, "index.html")
	if _, err := os.Stat(index); err != nil {
		return nil, fmt.Errorf("web frontend not built (%s missing): run `make build`", index)
	}
	files := http.FileServer(http.Dir(webDir))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_dev/outbox", func(w http.ResponseWriter, r *http.Request) {
		msgs, err := mail.ReadOutbox(outboxDir)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		slices.Reverse(msgs)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_ = outboxPage.Execute(w, map[string]any{"Messages": msgs, "SMTP": smtpAddr, "Dir": outboxDir})
	})
	if devOIDC != nil {
		mux.HandleFunc("GET /_dev/sign-in", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = devSignInPage.Execute(w, nil)
		})
		// Choose who the development provider signs in next; the sign-in page's
		// "Development sign-in" button then starts the flow (a POST of the web app: no
		// GET starts a sign-in).
		mux.HandleFunc("POST /_dev/sign-in", func(w http.ResponseWriter, r *http.Request) {
			email := strings.TrimSpace(r.PostFormValue("email"))
			if email == "" {
				http.Redirect(w, r, "/_dev/sign-in", http.StatusSeeOther)
				return
			}
			local, _, _ := strings.Cut(email, "@")
			devOIDC.QueueUser(&mockoidc.MockUser{Subject: "dev-" + email, Email: email, EmailVerified: r.PostFormValue("unverified") == "",
				PreferredUsername: local})
			http.Redirect(w, r, "/", http.StatusSeeOther)
		})
	}
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		path := filepath.Join(webDir, filepath.FromSlash(filepath.Clean("/"+r.URL.Path)))
		if st, err := os.Stat(path); err == nil && !st.IsDir() {
			if strings.HasPrefix(r.URL.Path, "/assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			}
			files.ServeHTTP(w, r)
			return
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			httpx.WriteError(w, r, err)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFile(w, r, index)
	})
	return httpx.Wrap(mux, httpx.Options{})
}

var outboxPage = template.Must(template.New("outbox").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dev outbox · Tribune</title></head>
<body><main>
<h1>Dev outbox</h1>
<p>Local only. {{if .SMTP}}Mail goes to the SMTP server at {{.SMTP}}; this page shows nothing.{{else}}Every email Tribune sends is written to <code>{{.Dir}}</code>; newest first.{{end}}</p>
{{range .Messages}}<article>
<h2>{{.Subject}}</h2>
<p>To {{.To}} · {{.Date.Format "2006-01-02 15:04:05 MST"}}</p>
<ul>{{range .Links}}<li><a href="{{.}}">{{.}}</a></li>{{end}}</ul>
<pre>{{.Text}}</pre>
</article>{{else}}<p>No mail yet.</p>{{end}}
</main></body></html>`))

var devSignInPage = template.Must(template.New("dev-sign-in").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development sign-in · Tribune</title></head>
<body><main>
<h1>Development sign-in</h1>
<p>Local only: a real OIDC provider running inside <code>make run</code> signs you in as whoever you type. Choose, then press “Continue with Development sign-in” on the sign-in page.</p>
<form method="post" action="/_dev/sign-in">
<p><label for="email">Email address</label> <input id="email" name="email" type="email" required value="jane.doe@example.com"></p>
<p><label><input type="checkbox" name="unverified" value="1"> The provider has not verified this address</label></p>
<p><button type="submit">Choose</button></p>
</form>
</main></body></html>`))
