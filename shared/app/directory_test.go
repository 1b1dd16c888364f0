package app_test

import (
	"slices"
	"strings"
	"testing"

	"tribune/shared/members"
	"tribune/shared/policy"
)

// The member directory lists members before anything is typed, page by page, and
// finds any word of a name; each row says who is staff.
func TestMemberDirectoryListsBeforeTypingAndFindsAnyWord(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	jane, sam, ann, tom := c.as("jane"), c.as("sam", policy.RoleModerator), c.as("ann"), c.as("tom")
	c.profileAs(jane, "Jane Smith")
	c.profileAs(sam, "Sam Okafor")
	c.profileAs(ann, "Ann Lee")
	c.profileAs(tom, "Tom Smithson")
	banned := c.as("bart")
	c.profileAs(banned, "Bart Smith")
	if _, err := c.st.Members().SetStatus(t.Context(), "m_bart", members.StatusBanned, nil); err != nil {
		t.Fatal(err)
	}

	// Nothing typed: everyone (but the banned), by name.
	var page members.DirectoryPageResult
	if status, body := c.call(ann, "GET", "/api/members", "", &page); status != 200 {
		t.Fatalf("directory without a search: %d %s", status, body)
	}
	var names []string
	for _, m := range page.Members {
		names = append(names, m.DisplayName)
		if m.Staff != (m.DisplayName == "Sam Okafor") {
			t.Fatalf("staff mark of %s: %v", m.DisplayName, m.Staff)
		}
	}
	if got := strings.Join(names, ","); got != "Ann Lee,Jane Smith,Sam Okafor,Tom Smithson" {
		t.Fatalf("the directory lists %s", got)
	}
	// Page by page, bounded, each member once.
	var paged []string
	cursor := ""
	for i := 0; ; i++ {
		var p members.DirectoryPageResult
		if status, body := c.call(ann, "GET", "/api/members?limit=1&cursor="+cursor, "", &p); status != 200 || len(p.Members) > 1 {
			t.Fatalf("page %d: %d %s", i, status, body)
		}
		for _, m := range p.Members {
			paged = append(paged, m.DisplayName)
		}
		if cursor = p.Next; cursor == "" || i > 10 {
			break
		}
	}
	if !slices.Equal(paged, names) {
		t.Fatalf("page by page: %v, want %v", paged, names)
	}
	if status, _ := c.call(ann, "GET", "/api/members?limit=51", "", nil); status != 400 {
		t.Fatalf("a page of 51: %d", status)
	}

	// Any word of a name: "Smith" finds Jane Smith (and Tom Smithson), not the banned.
	for q, want := range map[string]string{"Smith": "Jane Smith,Tom Smithson", "okaf": "Sam Okafor", "jane%20sm": "Jane Smith", "lee": "Ann Lee"} {
		var found members.DirectoryPageResult
		if status, body := c.call(ann, "GET", "/api/members?q="+q, "", &found); status != 200 {
			t.Fatalf("q=%s: %d %s", q, status, body)
		}
		var got []string
		for _, m := range found.Members {
			got = append(got, m.DisplayName)
		}
		if strings.Join(got, ",") != want {
			t.Errorf("q=%s finds %v, want %s", q, got, want)
		}
	}
	if status, _ := c.call(ann, "GET", "/api/members?q=smith&tag=go", "", nil); status != 400 {
		t.Fatalf("both q and tag: %d", status)
	}
	// A search costs the guard, one query and one read of the members found; the whole
	// list at most one query per bucket.
	if n := c.tripsOf("m_ann", "/api/members?q=smith"); n != 3 {
		t.Fatalf("a search took %d round trips, want 3", n)
	}
	if n := c.tripsOf("m_ann", "/api/members"); n > 1+8 {
		t.Fatalf("the list took %d round trips", n)
	}
}
