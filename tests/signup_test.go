package tests

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tribune/shared/mail"
)

func waitForMail(t *testing.T, rt *runtime, to, subjectPart string) mail.Stored {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		msgs, err := mail.ReadOutbox(filepath.Join(rt.DataDir, "outbox"))
		if err != nil {
			t.Fatal(err)
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].To == to && strings.Contains(msgs[i].Subject, subjectPart) {
				return msgs[i]
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no mail to %s about %q; runtime log:\n%s", to, subjectPart, rt.Log.String())
	return mail.Stored{}
}

// The whole sign-up over HTTP against the running product: the link comes from the
// outbox folder, the welcome mail from the event path (stream -> publisher -> bus ->
// notifications), and the member survives a restart (DynamoDB Local on disk).
func TestSignUpOverHTTPAndSurviveARestart(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	rt := startRuntime(t, dataDir)
	ctx := context.Background()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}

	resp, err := client.Post(rt.URL+"/api/auth/email/start", "application/json", strings.NewReader(`{"email":"gil@example.com","locale":"en"}`))
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("start: %v %v", resp, err)
	}
	resp.Body.Close()
	link := waitForMail(t, rt, "gil@example.com", "Confirm your email").Links()[0]
	token, ok := strings.CutPrefix(link, rt.URL+"/sign-in/link#token=")
	if !ok {
		t.Fatalf("link %q does not open the web app's confirmation page", link)
	}
	// A mail scanner fetches the link first (HEAD, GET): it gets the page and no session,
	// and the link stays usable.
	for _, method := range []string{"HEAD", "GET"} {
		req, _ := http.NewRequestWithContext(ctx, method, link, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || len(resp.Cookies()) != 0 {
			t.Fatalf("%s of the link: %d, cookies %v", method, resp.StatusCode, resp.Cookies())
		}
	}
	resp, body, err := get(ctx, client, link)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(body, `<div id="app">`) {
		t.Fatalf("following the link did not land on the web app: %v %d", err, resp.StatusCode)
	}
	// The page's button.
	resp, err = client.Post(rt.URL+"/api/auth/email/confirm", "application/json", strings.NewReader(`{"token":"`+token+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("confirm: %v %v", resp, err)
	}
	resp.Body.Close()
	_, body, _ = get(ctx, client, rt.URL+"/api/me")
	var me struct{ ID, Email string }
	if err := json.Unmarshal([]byte(body), &me); err != nil || me.Email != "gil@example.com" {
		t.Fatalf("me: %s", body)
	}
	waitForMail(t, rt, "gil@example.com", "Welcome to Tribune")
	if strings.Contains(rt.Log.String(), "gil@example.com") {
		t.Fatal("a full email address reached the log")
	}

	// Cookies are per host, not per port: the jar sends the session to the new process.
	rt.stop()
	rt = startRuntime(t, dataDir)
	resp, body, _ = get(ctx, client, rt.URL+"/api/me")
	var again struct{ ID string }
	if err := json.Unmarshal([]byte(body), &again); err != nil || resp.StatusCode != 200 || again.ID != me.ID {
		t.Fatalf("after a restart the member or session is gone: %d %s", resp.StatusCode, body)
	}
}

func TestDevOutboxPageShowsTheLink(t *testing.T) {
	t.Parallel()
	rt := startRuntime(t, "")
	resp, err := http.Post(rt.URL+"/api/auth/email/start", "application/json", strings.NewReader(`{"email":"hal@example.com","locale":"fr"}`))
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("start: %v %v", resp, err)
	}
	resp.Body.Close()
	link := waitForMail(t, rt, "hal@example.com", "rejoindre").Links()[0]
	_, page, err := get(context.Background(), http.DefaultClient, rt.devURL(t, "/_dev/outbox"))
	if err != nil || !strings.Contains(page, strings.ReplaceAll(link, "&", "&amp;")) {
		t.Fatalf("dev outbox page lacks the link %s", link)
	}
	if !strings.Contains(rt.Log.String(), link) {
		t.Fatal("the local runtime did not print the link")
	}
}
