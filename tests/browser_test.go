package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBrowserSignUp runs tests/browser/signup.cjs against a fresh local runtime.
func TestBrowserSignUp(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/signup.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserEveryPage runs tests/browser/pages.cjs: every page of the web app (the
// routes of web/src/routes.ts) as every role that may see it, in English and French, at
// 375 px and 1280 px, failing on sideways overflow, raw keys, a missing not-found page,
// a header menu that does not work, or a route the script does not visit. This half
// visits as a visitor, a member and a moderator; TestBrowserEveryPageAsStaff as a
// support agent and an admin: two runtimes side by side, the suite's longest test
// halved (docs/testing.md).
func TestBrowserEveryPage(t *testing.T) {
	t.Parallel()
	runBrowserScriptWith(t, "browser/pages.cjs", "", []string{"PERSONAS=visitor,member,moderator"}, "ADMIN_EMAILS=admin@example.com")
}

// TestBrowserEveryPageAsStaff is TestBrowserEveryPage's other half: as a support agent
// and an admin.
func TestBrowserEveryPageAsStaff(t *testing.T) {
	t.Parallel()
	runBrowserScriptWith(t, "browser/pages.cjs", "staff", []string{"PERSONAS=agent,admin"}, "ADMIN_EMAILS=admin@example.com")
}

// TestBrowserSignInLinks runs tests/browser/links.cjs: emailed links through the
// confirmation page, in English and French, at 375 px and 1280 px.
func TestBrowserSignInLinks(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/links.cjs")
}

// TestBrowserRulesAcceptance runs tests/browser/rules.cjs: a first post and a first
// comment held by the community rules, then published with a clear confirmation, in
// English and French, at 375 px and 1280 px.
func TestBrowserRulesAcceptance(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/rules.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserMentions runs tests/browser/mentions.cjs: the @ list of the composer,
// the edit box and the comment box, by keyboard, at 375 px and 1280 px, in English and
// French; aria-expanded on its combobox; no list inside code; the profile's language
// when the browser chose none.
func TestBrowserMentions(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/mentions.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserForms runs tests/browser/forms.cjs: every form of the web app sent empty or
// invalid on a 375 px phone in English and French, failing when the error is not under
// its field (aria-invalid, aria-describedby), a required field has no mark, or a page
// holds a form the script's table does not cover; bulk invitations name their bad lines
// and send to the valid addresses only once confirmed.
func TestBrowserForms(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/forms.cjs", "ADMIN_EMAILS=admin@example.com")
}

// TestBrowserComments runs tests/browser/comments.cjs: a comment's byline (avatar, name
// linked to the profile, time with the full date), its author's edit at 375 px and
// 1280 px in English and French (the field's error under it), another member offered no
// edit and refused one, a space moderator reading the comment's history.
func TestBrowserComments(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/comments.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserJoining runs tests/browser/joining.cjs: visitors see no control they
// cannot use and an invitation to sign in; a non-member finds Join (or Ask to join)
// where the comment box would be; joining, asking and accepting an invitation show the
// new state without a reload; requests are approved and declined from the requests
// list, and the member is told in their language; an invitation is declined and a
// request withdrawn (never "Leave"); closed spaces and their posts show visitors the
// sign-in invitation and no list tabs; at 375 px and 1280 px, in English and French.
func TestBrowserJoining(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/joining.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserModeration runs tests/browser/moderation.cjs: a space's moderator opens
// the moderation queue from the report email, reads the reporter's note and hides a
// comment with a reason (the empty reason's error under its field); its author reads
// why; an agent sees the customer's rating on the ticket page; the support queue lists
// by default only unsolved tickets, and a solved one shows no due line; in English and
// French, at 375 px and 1280 px.
func TestBrowserModeration(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/moderation.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserCampaigns runs tests/browser/campaigns.cjs, issue 12's story whole: a
// marketer writes and publishes a campaign with a proof challenge and adds its gift; a
// member joins it, sends a javascript: address (refused, nothing written) then a real one
// with the disclosure; the marketer approves it from the review queue; the member redeems
// the gift with the points earned; the marketer approves and ships the order; the member
// reads the tracking number; in English and French, at 375 px and 1280 px.
func TestBrowserCampaigns(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/campaigns.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserNewsletterAudience runs tests/browser/audience.cjs (issue 13, n2): a
// member's lists, the admin's segment and its live count, a simulated hard bounce that
// takes an address out of the audience and onto the suppression list, the unsubscribe
// page refusing a forged link; in English and French, at 375 px and 1280 px.
func TestBrowserNewsletterAudience(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/audience.cjs", "ADMIN_EMAILS=boss@example.com")
}

// runBrowserScript runs a playwright-core script in Debian's Chromium against a fresh
// local runtime started with env. Its screenshots are kept after the run, in
// build/screenshots/<script name> (SHOTS_DIR replaces build/screenshots), emptied first.
func runBrowserScript(t *testing.T, script string, env ...string) {
	runBrowserScriptWith(t, script, "", nil, env...)
}

// runBrowserScriptWith is runBrowserScript with the script's own environment (scriptEnv)
// and its screenshots under build/screenshots/<script>-<part> (part "": <script>), so
// two runs of one script side by side keep theirs apart.
func runBrowserScriptWith(t *testing.T, script, part string, scriptEnv []string, env ...string) {
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is missing (%v): run `make browser` (apt-get install chromium) or set CHROMIUM", err)
	}
	modules, _ := filepath.Abs("../.tools/node_modules")
	if _, err := os.Stat(filepath.Join(modules, "playwright-core")); err != nil {
		t.Fatalf("playwright-core is missing: run `make tools`")
	}
	shots := os.Getenv("SHOTS_DIR")
	if shots == "" {
		shots = filepath.Join("..", "build", "screenshots")
	}
	name := strings.TrimSuffix(filepath.Base(script), ".cjs")
	if part != "" {
		name += "-" + part
	}
	shots, _ = filepath.Abs(filepath.Join(shots, name))
	if err := os.RemoveAll(shots); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	rt := startRuntime(t, "", env...)
	cmd := exec.Command("node", script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "BASE_URL="+rt.URL, "DEV_KEY="+rt.devKey(t), "OUTBOX_DIR="+filepath.Join(rt.DataDir, "outbox"),
		"SHOTS_DIR="+shots, "CHROMIUM="+chromium)
	cmd.Env = append(cmd.Env, scriptEnv...)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s(%s in the browser; screenshots in %s)", out, time.Since(began).Round(time.Second), shots)
	if err != nil {
		t.Fatalf("browser test failed: %v\nruntime log:\n%s", err, rt.Log.String())
	}
}

// TestBrowserPostControls runs tests/browser/posts.cjs: the post page shows only what the
// server allows (a space moderator's Edit, Delete and Hide on staff's and members' texts,
// no accept on a hidden comment, Move to the server's targets), a reply to a hidden
// comment under its placeholder, the rest of a long thread read by cursor, the byline's
// space once and current name; the moderation and closed space pages ask for nothing
// the reader may not read; at 1280 px in English and 375 px in French.
func TestBrowserPostControls(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/posts.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserNewsletterResults runs tests/browser/results.cjs (issue 13, n4): a scheduled
// announcement published by the local scheduler, pinned once; a marketer schedules and
// cancels one from the editorial calendar, which shows a campaign's start; the admin's
// open-tracking switch, read by the marketer; in English and French, at 375 px and
// 1280 px, with axe-core.
func TestBrowserNewsletterResults(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/results.cjs", "ADMIN_EMAILS=boss@example.com")
}

// TestBrowserNewslettersWriting runs tests/browser/newsletters-writing.cjs (issue 13,
// writing): a marketer writes a newsletter with a community block, previews it live as a
// member chosen by name (their public post in it, a hidden space's canary not), is told
// why an unknown {{...}} is refused, saves the draft and sends a test to herself; the
// list with the digests and the branding, and the members' archive; in English and
// French, at 375 px and 1280 px, axe-core on each state.
func TestBrowserNewslettersWriting(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/newsletters-writing.cjs", "ADMIN_EMAILS=boss@example.com")
}
