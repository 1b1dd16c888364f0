package tests

import "testing"

// TestBrowserNewsletterStory runs tests/browser/newsletter-story.cjs, issue 13's story
// whole: a marketer writes a newsletter with a community block, chooses its audience in
// the editor's audience builder (the live count), previews it as a member picked by
// name, schedules it, takes it back to draft and sends it now through the local queue;
// the member's mail holds the block and a one-click unsubscribe (RFC 8058) that works
// once, without a cookie, and the member's preferences show the list off; in English
// and French, at 375 px and 1280 px, with axe-core.
func TestBrowserNewsletterStory(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/newsletter-story.cjs", "ADMIN_EMAILS=boss@example.com")
}
