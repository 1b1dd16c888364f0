package app_test

import (
	"testing"

	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// The knowledge base's reads stay within their DynamoDB calls (docs/data-model.md,
// "Round trips per request"): an article page of a space 7 (the guard, the article,
// the space and membership, its category, the names of author and editor, the reader's
// follow and feedback in one read, their bookmark), a community-wide one 6.
func TestKnowledgeReadsStayWithinTheirRoundTrips(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("adam", policy.RoleAdmin)
	mia := c.as("mia")
	sp := c.space(admin, "Help", spaces.Public, mia)
	cat := c.kbCategory(admin, sp.ID, "Guides")
	a := c.kbArticle(admin, cat.ID, "Trips", "Count them.", true)
	community := c.kbCategory(admin, "", "Community")
	b := c.kbArticle(admin, community.ID, "Trips 2", "Count them.", true)
	for path, budget := range map[string]int64{
		"/api/kb/articles/" + a.ID:                       7,
		"/api/kb/articles/" + b.ID:                       6,
		"/api/kb/categories?space=" + sp.ID:              4,
		"/api/kb/categories":                             3,
		"/api/kb/articles?space=" + sp.ID:                5,
		"/api/kb/articles/" + a.ID + "/versions":         5,
		"/api/kb/articles/" + a.ID + "/diff?from=2&to=2": 6,
	} {
		if got := c.tripsOf("m_mia", path); got > budget {
			t.Errorf("GET %s: %d DynamoDB calls, budget %d", path, got, budget)
		}
	}
}
