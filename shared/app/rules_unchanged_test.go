package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// Publishing the community rules unchanged makes no version and asks nobody to
// accept them again; a change does, once, however many admins publish it at once.
func TestPublishingTheRulesUnchangedMakesNoVersion(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	ann := c.as("ann")
	sp := c.space(admin, "General", spaces.Public)
	c.join(ann, sp.ID)
	var rules members.Rules
	// The default rules, published as they are: still version 1, nothing stored.
	before := c.settledItems()
	if status, body := c.call(admin, "PUT", "/api/community/rules", `{"text":`+jsonText(members.DefaultRules.Text)+`}`, &rules); status != 200 ||
		rules.Version != 1 || !rules.Unchanged {
		t.Fatalf("the default rules published again: %d %s", status, body)
	}
	if after := c.tbl.Items(t); after != before {
		t.Fatalf("publishing the default rules unchanged wrote %d items", after-before)
	}
	c.post(ann, sp.ID, `{"kind":"status","body":"still allowed"}`)

	rules = members.Rules{}
	if c.call(admin, "PUT", "/api/community/rules", `{"text":"Be nice."}`, &rules); rules.Version != 2 || rules.Unchanged {
		t.Fatalf("new rules: %+v", rules)
	}
	if status, _ := c.call(ann, "POST", "/api/me/rules", `{"version":2}`, nil); status != 204 {
		t.Fatalf("accepting version 2: %d", status)
	}
	// The same text again, even with other line endings and trailing blanks: no version.
	for _, same := range []string{`"Be nice."`, `"Be nice.\r\n\n  "`, `"\n\nBe nice."`} {
		rules = members.Rules{}
		if status, body := c.call(admin, "PUT", "/api/community/rules", `{"text":`+same+`}`, &rules); status != 200 || rules.Version != 2 || !rules.Unchanged {
			t.Fatalf("the rules in force published again (%s): %d %s", same, status, body)
		}
	}
	var current members.Rules
	if c.call(c.visitor(), "GET", "/api/community/rules", "", &current); current.Version != 2 || current.Text != "Be nice." {
		t.Fatalf("rules in force: %+v", current)
	}
	// Ann accepted version 2 and is not asked again.
	if status, body := c.call(ann, "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"status","body":"not asked again"}`, nil); status != http.StatusCreated {
		t.Fatalf("posting after the same rules were published again: %d %s", status, body)
	}

	// Five admins publish the same new text at once: one version.
	admins := []*http.Client{admin, c.as("abe", policy.RoleAdmin), c.as("amy", policy.RoleAdmin), c.as("art", policy.RoleAdmin), c.as("ava", policy.RoleAdmin)}
	var wg sync.WaitGroup
	versions := make([]int, len(admins))
	for i, a := range admins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var r members.Rules
			c.call(a, "PUT", "/api/community/rules", `{"text":"Be kind."}`, &r)
			versions[i] = r.Version
		}()
	}
	wg.Wait()
	for _, v := range versions {
		if v != 3 {
			t.Fatalf("concurrent publications of one text gave versions %v, want 3 for all", versions)
		}
	}
	if status, body := c.call(ann, "POST", "/api/spaces/"+sp.ID+"/posts", `{"kind":"status","body":"new rules"}`, nil); status != 403 ||
		!strings.Contains(body, "rules_not_accepted") {
		t.Fatalf("a changed text asks again: %d %s", status, body)
	}
}

// jsonText is s as a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
