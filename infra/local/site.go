package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
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

// siteOptions are what the web frontend and the development pages are served from.
type siteOptions struct {
	WebDir, OutboxDir, SMTPAddr string
	// DevChoices are who the development sign-in provider signs in (nil when
	// DEV_OIDC=off).
	DevChoices *devChoices
	// DevKey opens the development pages (newDevKey).
	DevKey    string
	PublicURL string
	// MailEvent hands a simulated SES event to the local bus (newsletters: the
	// development route that simulates a bounce and a complaint); nil: no route.
	MailEvent func(ctx context.Context, kind, email, newsletterID string) error
}

// newDevKey is the key of the development pages, new at every start (130 random bits).
func newDevKey() string { return rand.Text() }

// siteHandler serves the built web frontend (index.html for every app path) and the
// local-only development pages under /_dev/: the outbox and the development sign-in.
func siteHandler(o siteOptions) (http.Handler, error) {
	index := filepath.Join(o.WebDir, "index.html")
	if _, err := os.Stat(index); err != nil {
		return nil, fmt.Errorf("web frontend not built (%s missing): run `make build`", index)
	}
	files := http.FileServer(http.Dir(o.WebDir))
	mux := http.NewServeMux()
	dev := http.NewServeMux()
	page := func(w http.ResponseWriter, status int, t *template.Template, data map[string]any) {
		data["Key"] = o.DevKey
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_ = t.Execute(w, data)
	}
	dev.HandleFunc("GET /_dev/{$}", func(w http.ResponseWriter, r *http.Request) {
		page(w, http.StatusOK, devIndexPage, map[string]any{"SignIn": o.DevChoices != nil, "MailEvents": o.MailEvent != nil})
	})
	if o.MailEvent != nil {
		// Newsletters (issue 13): what SES's configuration set would put on the bus
		// when a mail bounces hard or its recipient complains, through the same consumer.
		dev.HandleFunc("GET /_dev/mail-event", func(w http.ResponseWriter, r *http.Request) {
			page(w, http.StatusOK, devMailEventPage, map[string]any{})
		})
		dev.HandleFunc("POST /_dev/mail-event", func(w http.ResponseWriter, r *http.Request) {
			kind, email, nl := r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("newsletter"))
			if err := o.MailEvent(r.Context(), kind, email, nl); err != nil {
				page(w, http.StatusBadRequest, devMailEventPage, map[string]any{"Error": err.Error(), "Email": email, "Newsletter": nl})
				return
			}
			page(w, http.StatusOK, devMailEventPage, map[string]any{"Done": kind, "Email": email, "Newsletter": nl})
		})
	}
	dev.HandleFunc("GET /_dev/outbox", func(w http.ResponseWriter, r *http.Request) {
		msgs, err := mail.ReadOutbox(o.OutboxDir)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		slices.Reverse(msgs)
		page(w, http.StatusOK, outboxPage, map[string]any{"Messages": msgs, "SMTP": o.SMTPAddr, "Dir": o.OutboxDir})
	})
	if o.DevChoices != nil {
		// Choosing who the development provider signs in next is a change: it is a
		// POST from the form, never a GET. The sign-in page's "Development sign-in"
		// button then starts the flow (a POST of the web app: no GET starts a sign-in).
		// The choice is this browser's, for its next sign-in within a few minutes.
		dev.HandleFunc("GET /_dev/sign-in", func(w http.ResponseWriter, r *http.Request) {
			email := r.URL.Query().Get("email")
			if email == "" {
				email = "jane.doe@example.com"
			}
			page(w, http.StatusOK, devSignInPage, map[string]any{"Email": email, "Minutes": int(o.DevChoices.TTL.Minutes())})
		})
		dev.HandleFunc("POST /_dev/sign-in", func(w http.ResponseWriter, r *http.Request) {
			email := strings.TrimSpace(r.PostFormValue("email"))
			if email == "" || !strings.Contains(email, "@") {
				page(w, http.StatusBadRequest, devSignInPage, map[string]any{"Email": email, "Error": "Type an email address.",
					"Minutes": int(o.DevChoices.TTL.Minutes())})
				return
			}
			local, _, _ := strings.Cut(email, "@")
			o.DevChoices.choose(w, r, &mockoidc.MockUser{Subject: "dev-" + email, Email: email, EmailVerified: r.PostFormValue("unverified") == "",
				PreferredUsername: local})
			http.Redirect(w, r, "/", http.StatusSeeOther)
		})
	}
	guarded := devOnly(o.DevKey, dev)
	mux.Handle("GET /_dev/", guarded)
	mux.Handle("POST /_dev/", guarded)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		path := filepath.Join(o.WebDir, filepath.FromSlash(filepath.Clean("/"+r.URL.Path)))
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
	return httpx.Wrap(mux, httpx.Options{TrustedOrigins: []string{o.PublicURL}})
}

// devOnly serves the development pages only to requests carrying the runtime's key
// (the link it printed at start, or the form field of its own pages): they show every
// sign-in link and choose who the development provider signs in, so they are for
// whoever started the runtime, not for any page or person that can reach the port.
func devOnly(key string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		// The key is in the address: it must not travel on in a Referer.
		w.Header().Set("Referrer-Policy", "no-referrer")
		given := r.URL.Query().Get("key")
		if r.Method == http.MethodPost {
			given = r.PostFormValue("key")
		}
		if subtle.ConstantTimeCompare([]byte(given), []byte(key)) != 1 {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			_ = devRefusedPage.Execute(w, nil)
			return
		}
		next.ServeHTTP(w, r)
	})
}

const devHead = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">`

var devRefusedPage = template.Must(template.New("dev-refused").Parse(devHead + `
<title>Development pages · Tribune</title></head>
<body><main>
<h1>Development pages</h1>
<p>These pages are for the person who started Tribune on this machine. Open the link the local runtime printed in its log when it started (the line "Tribune is up", field <code>dev</code>).</p>
</main></body></html>`))

var devIndexPage = template.Must(template.New("dev-index").Parse(devHead + `
<title>Development pages · Tribune</title></head>
<body><main>
<h1>Development pages</h1>
<p>Local only.</p>
<ul>
<li><a href="/_dev/outbox?key={{.Key}}">Outbox: every email Tribune sent</a></li>
{{if .SignIn}}<li><a href="/_dev/sign-in?key={{.Key}}">Development sign-in: choose who signs in</a></li>{{end}}
{{if .MailEvents}}<li><a href="/_dev/mail-event?key={{.Key}}">Mail events: simulate a bounce or a complaint</a></li>{{end}}
</ul>
</main></body></html>`))

var devMailEventPage = template.Must(template.New("dev-mail-event").Parse(devHead + `
<title>Simulate a mail event · Tribune</title></head>
<body><main>
<h1>Simulate a mail event</h1>
<p>Local only. Hands the audience consumer the event SES would put on the bus: a hard bounce or a complaint puts the address on the suppression list, for every list.</p>
{{if .Error}}<p role="alert">{{.Error}}</p>{{end}}
{{if .Done}}<p role="status">Done: a {{.Done}} of {{.Email}} was handed to the bus.</p>{{end}}
<form method="post" action="/_dev/mail-event">
<input type="hidden" name="key" value="{{.Key}}">
<p><label>Email address <input name="email" type="email" required value="{{.Email}}"></label></p>
<p><label>Newsletter id (optional) <input name="newsletter" value="{{.Newsletter}}"></label></p>
<p><button name="kind" value="bounce">Simulate a hard bounce</button> <button name="kind" value="complaint">Simulate a complaint</button></p>
</form>
</main></body></html>`))

var outboxPage = template.Must(template.New("outbox").Parse(devHead + `
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

var devSignInPage = template.Must(template.New("dev-sign-in").Parse(devHead + `
<title>Development sign-in · Tribune</title></head>
<body><main>
<h1>Development sign-in</h1>
<p>Local only: a real OIDC provider running inside <code>make run</code> signs you in as whoever you type. Choose, then press “Continue with Development sign-in” on the sign-in page.</p>
<p>The choice holds for this browser's next development sign-in, within {{.Minutes}} minutes. Any other sign-in (another browser, a later one, or after that time) is jane.doe@example.com. A new choice replaces the last one.</p>
{{if .Error}}<p role="alert" id="email-error">{{.Error}}</p>{{end}}
<form method="post" action="/_dev/sign-in">
<input type="hidden" name="key" value="{{.Key}}">
<p><label for="email">Email address</label> <input id="email" name="email" type="email" required value="{{.Email}}"{{if .Error}} aria-describedby="email-error"{{end}}></p>
<p><label><input type="checkbox" name="unverified" value="1"> The provider has not verified this address</label></p>
<p><button type="submit">Choose</button></p>
</form>
</main></body></html>`))
