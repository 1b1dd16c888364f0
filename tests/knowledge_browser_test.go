package tests

import "testing"

// TestBrowserKnowledge runs tests/browser/knowledge.cjs (issue 16): an expert of a space
// writes, previews and publishes an article, edits it (a stale save said as a sentence,
// the text kept); a follower follows it, says it helped, is told of the change in the
// app and opens the comparison (insertions and deletions as <ins> and <del>); a partner
// filters the partner space's documents by the tag "europe", downloads the brochure (its
// count grows by one), bookmarks it and finds it in "My bookmarks"; in English and
// French, at 375 px and 1280 px, with axe-core on each state.
func TestBrowserKnowledge(t *testing.T) {
	t.Parallel()
	runBrowserScript(t, "browser/knowledge.cjs", "ADMIN_EMAILS=boss@example.com")
}
