package tests

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// newsletterCrashVisibility is the local newsletter queue's visibility timeout in
// TestNewsletterSendKilledMidSendSkipsNobodyAndSendsNobodyTwice
// (NEWSLETTER_SEND_VISIBILITY): the sender's timeout is 20 s, a claim holds 8 s. A batch
// of 50 takes about 10 s at the test's rate (two at once share it), well within the
// timeout; a killed sender's claims are at least 15 s old when its message comes again.
const newsletterCrashVisibility = 24 * time.Second

// xffTransport is a proxy in front of the runtime (TRUSTED_PROXIES=1): it tells the
// runtime each member's own address, so 150 sign-ins are not 150 from one client (the
// sign-in limits count per client).
type xffTransport struct{ addr string }

func (x xffTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", x.addr)
	return http.DefaultTransport.RoundTrip(r)
}

// signUpReader signs email up through the development sign-in (from address addr) and
// subscribes them to the product news list; it returns no error only when both worked.
// It is devSignIn without t, for goroutines.
func signUpReader(rt *runtime, key, addr, email string) error {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: xffTransport{addr}, Timeout: 30 * time.Second}
	resp, err := client.PostForm(rt.URL+"/_dev/sign-in", url.Values{"key": {key}, "email": {email}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp, err = client.Post(rt.URL+"/api/auth/oidc/dev/start", "application/json", strings.NewReader(`{}`)); err != nil {
		return err
	}
	var start struct{ Redirect string }
	err = json.NewDecoder(resp.Body).Decode(&start)
	resp.Body.Close()
	if err != nil || start.Redirect == "" {
		return fmt.Errorf("%s: development sign-in start answered %d (%v)", email, resp.StatusCode, err)
	}
	if resp, err = client.Get(start.Redirect); err != nil {
		return err
	}
	resp.Body.Close()
	req, _ := http.NewRequest("PUT", rt.URL+"/api/me/newsletters", strings.NewReader(`{"lists":{"product":true}}`))
	req.Header.Set("Content-Type", "application/json")
	if resp, err = client.Do(req); err != nil {
		return err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: subscribe: %d %s", email, resp.StatusCode, b)
	}
	return nil
}

// newsletterMail is one mail of the outbox, as its headers say.
type newsletterMail struct{ File, To, MessageID, Newsletter string }

// outboxReader reads the outbox folder, each file once (a file appears whole: the
// outbox links it in once written).
type outboxReader struct {
	dir  string
	seen map[string]newsletterMail
}

// read parses the files not read yet and returns every mail of newsletter id.
func (o *outboxReader) read(id string) ([]newsletterMail, error) {
	entries, err := os.ReadDir(o.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if _, ok := o.seen[name]; ok || e.IsDir() || strings.HasPrefix(name, ".") || !strings.HasSuffix(name, ".eml") {
			continue
		}
		f, err := os.Open(filepath.Join(o.dir, name))
		if err != nil {
			return nil, err
		}
		m, err := mail.ReadMessage(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			return nil, fmt.Errorf("%s: To %q: %w", name, m.Header.Get("To"), err)
		}
		o.seen[name] = newsletterMail{File: name, To: to.Address, MessageID: m.Header.Get("Message-ID"), Newsletter: m.Header.Get("X-Tribune-Newsletter")}
	}
	var out []newsletterMail
	for _, m := range o.seen {
		if m.Newsletter == id {
			out = append(out, m)
		}
	}
	return out, nil
}

// The local runtime (the binary `make run` runs) is killed with SIGKILL while it sends a
// newsletter to 150 members, between 30 % and 60 % of the way, and started again on the
// same data directory. Once the newsletter is sent: every recipient has exactly one mail
// of it in the outbox, nobody else has one, and its counters count each recipient once
// (issue 13; docs/newsletters.md, "The delivery guarantee").
func TestNewsletterSendKilledMidSendSkipsNobodyAndSendsNobodyTwice(t *testing.T) {
	t.Parallel()
	const readers, rate = 150, 10
	started := time.Now()
	dataDir := t.TempDir()
	env := []string{"ADMIN_EMAILS=boss@example.com", "TRUSTED_PROXIES=1",
		"NEWSLETTER_SEND_VISIBILITY=" + newsletterCrashVisibility.String()}
	rt := startRuntime(t, dataDir, env...)
	up := time.Since(started)
	port, err := strconv.Atoi(rt.URL[strings.LastIndex(rt.URL, ":")+1:])
	if err != nil {
		t.Fatal(err)
	}

	// The audience: 150 members signed up, each subscribed to product news (a list
	// nobody is on by default), 8 at a time.
	key := rt.devKey(t)
	emails := make([]string, readers)
	work := make(chan int)
	errs := make(chan error, readers)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range work {
				errs <- signUpReader(rt, key, fmt.Sprintf("198.51.100.%d", i+1), emails[i])
			}
		})
	}
	for i := range readers {
		emails[i] = fmt.Sprintf("reader-%03d@example.com", i)
		work <- i
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("sign-up: %v; runtime log but requests:\n%s", err, logButRequests(rt))
		}
	}
	seeded := time.Since(started) - up

	// A marketer, made by the admin, writes the newsletter to product news at 10 mails
	// a second and sends it now.
	boss := devSignIn(t, rt, "boss@example.com")
	mia := devSignIn(t, rt, "mia@example.com")
	var me struct{ ID string }
	call(t, mia, "GET", rt.URL+"/api/me", "", &me)
	if status, body := call(t, boss, "PUT", rt.URL+"/api/members/"+me.ID+"/roles", `{"roles":["marketer"]}`, nil); status != 200 {
		t.Fatalf("marketer: %d %s", status, body)
	}
	if status, body := call(t, mia, "PUT", rt.URL+"/api/newsletter-sending-settings",
		fmt.Sprintf(`{"timeZone":"UTC","ratePerSecond":%d,"lateAfterHours":6,"errorPercent":5}`, rate), nil); status != 200 {
		t.Fatalf("sending settings: %d %s", status, body)
	}
	var count struct{ Count int }
	if status, body := call(t, mia, "POST", rt.URL+"/api/newsletters/audience/count", `{"list":"product","segment":{"spaceIds":[],"roles":[],"languages":[]}}`, &count); status != 200 || count.Count != readers {
		t.Fatalf("audience: %d %s, want %d members", status, body, readers)
	}
	var nl struct{ ID string }
	if status, body := call(t, mia, "POST", rt.URL+"/api/newsletters", `{"name":"Crash test","defaultLang":"en",`+
		`"versions":[{"lang":"en","subject":"News for {{first_name}}","body":"Hello {{first_name}}, **this** is the news."}],`+
		`"blocks":[],"list":"product","segment":{"spaceIds":[],"roles":[],"languages":[]}}`, &nl); status != 201 {
		t.Fatalf("newsletter: %d %s", status, body)
	}
	if status, body := call(t, mia, "POST", rt.URL+"/api/newsletters/"+nl.ID+"/schedule", `{"now":true}`, nil); status != 200 {
		t.Fatalf("send now: %d %s", status, body)
	}
	sendStart := time.Now()

	// Killed with SIGKILL once 30 % of the mails are in the outbox.
	outbox := &outboxReader{dir: filepath.Join(dataDir, "outbox"), seen: map[string]newsletterMail{}}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		got, err := outbox.read(nl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= readers*30/100 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails in a minute; runtime log but requests:\n%s", len(got), logButRequests(rt))
		}
	}
	rt.kill()
	killedAt := time.Now()
	before, err := outbox.read(nl.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed the runtime with SIGKILL %v after the send started, with %d of %d mails in the outbox", killedAt.Sub(sendStart).Round(time.Millisecond), len(before), readers)
	if len(before) == 0 || len(before) >= readers {
		t.Fatalf("the kill came with %d of %d mails sent: not in the middle of the send", len(before), readers)
	}
	if goruntime.GOOS == "linux" {
		// The killed runtime's DynamoDB Local goes with it; the next one needs its files.
		for deadline := time.Now().Add(10 * time.Second); len(serversOn(dataDir)) > 0 && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
	}
	rt = startRuntimeOn(t, port, dataDir, env...)
	restarted := time.Since(killedAt)

	// Sent, within the visibility timeout and the rest of the mails at the rate (and
	// some room for a busy machine).
	var status struct {
		State    string
		Progress struct{ Total, Sent, Skipped, Errors, Remaining int }
	}
	for deadline := time.Now().Add(newsletterCrashVisibility + 45*time.Second); ; time.Sleep(250 * time.Millisecond) {
		if code, body := call(t, mia, "GET", rt.URL+"/api/newsletters/"+nl.ID+"/sending", "", &status); code != 200 {
			t.Fatalf("sending: %d %s", code, body)
		}
		if status.State == "sent" {
			break
		}
		if time.Now().After(deadline) {
			mails, _ := outbox.read(nl.ID)
			t.Fatalf("not sent %v after the kill: %s %+v, %d mails in the outbox; runtime log but requests:\n%s", time.Since(killedAt).Round(time.Second),
				status.State, status.Progress, len(mails), logButRequests(rt))
		}
	}
	sentAfter := time.Since(killedAt)

	// Count: each reader exactly one mail of it (by address and by message id), nobody
	// else; the counters: each once.
	mails, err := outbox.read(nl.ID)
	if err != nil {
		t.Fatal(err)
	}
	byTo, byID := map[string]int{}, map[string]int{}
	for _, m := range mails {
		byTo[strings.ToLower(m.To)]++
		byID[m.MessageID]++
	}
	var missing, twice, strangers []string
	for _, e := range emails {
		switch n := byTo[e]; {
		case n == 0:
			missing = append(missing, e)
		case n > 1:
			twice = append(twice, fmt.Sprintf("%s (%d)", e, n))
		}
		delete(byTo, e)
	}
	for to := range byTo {
		strangers = append(strangers, to)
	}
	t.Logf("runtime up in %v; %d recipients signed up and subscribed in %v (8 at a time); %d mails before the kill; restarted in %v; sent %v after the kill; %d mails of it in the outbox, %d message ids; progress %+v; total %v",
		up.Round(time.Millisecond), readers, seeded.Round(time.Millisecond), len(before), restarted.Round(time.Millisecond), sentAfter.Round(time.Millisecond),
		len(mails), len(byID), status.Progress, time.Since(started).Round(time.Millisecond))
	if len(missing) > 0 || len(twice) > 0 || len(strangers) > 0 || len(mails) != readers || len(byID) != readers {
		t.Errorf("%d mails for %d recipients: %d missing %v, %d received it twice %v, %d not in the audience %v, %d message ids",
			len(mails), readers, len(missing), missing, len(twice), twice, len(strangers), strangers, len(byID))
	}
	if p := status.Progress; p.Total != readers || p.Sent != readers || p.Skipped != 0 || p.Errors != 0 || p.Remaining != 0 {
		t.Errorf("progress %+v, want %d sent of %d", p, readers, readers)
	}
}

// logButRequests is the runtime's log without its lines of requests.
func logButRequests(rt *runtime) string {
	var b strings.Builder
	for line := range strings.Lines(rt.Log.String()) {
		if !strings.Contains(line, `"msg":"request"`) {
			b.WriteString(line)
		}
	}
	return b.String()
}

// NEWSLETTER_SEND_VISIBILITY other than a duration from 10 s to 6 min: the local runtime
// does not start, and says which setting is wrong.
func TestLocalRuntimeRefusesABadNewsletterSendVisibility(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"5s", "ten", "1h"} {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, binary)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), fmt.Sprintf("LISTEN_ADDR=localhost:%d", freePort(t)), "DATA_DIR="+t.TempDir(), "SMTP_ADDR=", "DYNAMODB_ENDPOINT=",
			"NEWSLETTER_SEND_VISIBILITY="+v)
		out, err := cmd.CombinedOutput()
		cancel()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "NEWSLETTER_SEND_VISIBILITY") ||
			strings.Contains(string(out), "Tribune is up") {
			t.Errorf("NEWSLETTER_SEND_VISIBILITY=%s: %v\n%s", v, err, out)
		}
	}
}
