package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// devChoiceCookie names a browser's choice on the development sign-in page.
const devChoiceCookie = "tribune_dev_choice"

// devChoiceTTL is how long a choice waits for its browser's sign-in.
const devChoiceTTL = 5 * time.Minute

// devChoices are the people chosen on the development sign-in page, each for the
// browser that chose it only: the choice is bound to that browser by a cookie, then to
// the flows that browser starts (by their OIDC state, taken from the start's answer);
// the first of those flows that reaches the provider signs in as the chosen person and
// uses the choice up. A new choice replaces the browser's older one; an unused choice
// expires after devChoiceTTL. Every other flow gets the provider's default person. (The
// provider's own queue is global and FIFO: a choice whose flow failed would sign in
// the next browser that came, whoever it was.)
type devChoices struct {
	// Queue is the development provider's user queue, filled for one authorization
	// at a time.
	Queue  *mockoidc.UserQueue
	Secure bool
	TTL    time.Duration
	Now    func() time.Time

	mu       sync.Mutex
	browsers map[string]devChoice // by cookie value
	flows    map[string]devFlow   // by OIDC state
	// authorizing makes filling the queue and the provider's pop one step.
	authorizing sync.Mutex
}

type devChoice struct {
	user    *mockoidc.MockUser
	expires time.Time
}

type devFlow struct {
	browser string
	expires time.Time
}

func newDevChoices(queue *mockoidc.UserQueue, secure bool) *devChoices {
	return &devChoices{Queue: queue, Secure: secure, TTL: devChoiceTTL, Now: time.Now,
		browsers: map[string]devChoice{}, flows: map[string]devFlow{}}
}

// sweep drops what has expired; c.mu is held.
func (c *devChoices) sweep(now time.Time) {
	for k, v := range c.browsers {
		if !now.Before(v.expires) {
			delete(c.browsers, k)
		}
	}
	for k, v := range c.flows {
		if !now.Before(v.expires) {
			delete(c.flows, k)
		}
	}
}

// choose records user as the next person for the browser of r (replacing its earlier
// choice) and sets the browser's cookie.
func (c *devChoices) choose(w http.ResponseWriter, r *http.Request, user *mockoidc.MockUser) {
	now := c.Now()
	id := rand.Text()
	c.mu.Lock()
	c.sweep(now)
	if old, err := r.Cookie(devChoiceCookie); err == nil {
		delete(c.browsers, old.Value)
	}
	c.browsers[id] = devChoice{user: user, expires: now.Add(c.TTL)}
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: devChoiceCookie, Value: id, Path: "/", MaxAge: int(c.TTL.Seconds()), HttpOnly: true,
		Secure: c.Secure, SameSite: http.SameSiteStrictMode})
}

// flowStarts wraps the API: when a browser holding a live choice starts a development
// sign-in (POST /api/auth/oidc/dev/start), the flow's state is bound to its choice.
func (c *devChoices) flowStarts(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookie, err := r.Cookie(devChoiceCookie)
		if r.Method != http.MethodPost || r.URL.Path != "/api/auth/oidc/dev/start" || err != nil || !c.live(cookie.Value) {
			api.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		api.ServeHTTP(rec, r)
		var answer struct {
			Redirect string `json:"redirect"`
		}
		if rec.status == http.StatusOK && json.Unmarshal(rec.body.Bytes(), &answer) == nil {
			if u, err := url.Parse(answer.Redirect); err == nil && u.Query().Get("state") != "" {
				c.mu.Lock()
				if choice, ok := c.browsers[cookie.Value]; ok {
					c.flows[u.Query().Get("state")] = devFlow{browser: cookie.Value, expires: choice.expires}
				}
				c.mu.Unlock()
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

// live reports whether browser has a choice that has not expired.
func (c *devChoices) live(browser string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	choice, ok := c.browsers[browser]
	return ok && c.Now().Before(choice.expires)
}

// take returns the choice bound to the flow of state, using it up (nil when there is
// none, it expired, or another flow of the browser used it).
func (c *devChoices) take(state string) *mockoidc.MockUser {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.Now()
	c.sweep(now)
	flow, ok := c.flows[state]
	if !ok {
		return nil
	}
	delete(c.flows, state)
	choice, ok := c.browsers[flow.browser]
	if !ok {
		return nil
	}
	delete(c.browsers, flow.browser)
	return choice.user
}

// authorize is the development provider's middleware: its authorization endpoint
// signs in the choice bound to the flow's state, or its default person.
func (c *devChoices) authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != mockoidc.AuthorizationEndpoint {
			next.ServeHTTP(w, r)
			return
		}
		c.authorizing.Lock()
		defer c.authorizing.Unlock()
		user := c.take(r.FormValue("state"))
		c.Queue.Lock()
		c.Queue.Queue = nil
		if user != nil {
			c.Queue.Queue = append(c.Queue.Queue, user)
		}
		c.Queue.Unlock()
		next.ServeHTTP(w, r)
		// A request the provider refused before taking the user leaves nobody behind.
		c.Queue.Lock()
		c.Queue.Queue = nil
		c.Queue.Unlock()
	})
}

// recorder keeps an answer to pass it on after reading it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
