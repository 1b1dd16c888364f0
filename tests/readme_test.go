package tests

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"tribune/shared/policy"
)

// The README's table of what each role may do is the permission table of
// shared/policy, row for row: a change to one without the other fails here.
func TestREADMEPermissionTableIsThePolicy(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	roles := []string{policy.RoleAdmin, policy.RoleModerator, policy.RoleSupport, policy.RoleMarketer, policy.RoleMember}
	header := "| permission | what it allows | admin | moderator | support | marketer | member |"
	if !strings.Contains(string(readme), header) {
		t.Fatalf("the README has no permission table headed %q", header)
	}
	row := regexp.MustCompile("^\\| `([a-z.-]+)` \\|")
	seen := map[policy.Action]bool{}
	for _, line := range strings.Split(string(readme), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "|"), "|"), "|")
		if len(cells) != 2+len(roles) {
			t.Errorf("README row %q has %d cells, want %d", line, len(cells), 2+len(roles))
			continue
		}
		action := policy.Action(m[1])
		seen[action] = true
		for i, role := range roles {
			got := strings.TrimSpace(cells[2+i]) == "✓"
			if want := policy.Allowed([]string{role}, action); got != want {
				t.Errorf("README: %s may %s: %v; shared/policy says %v", role, action, got, want)
			}
		}
	}
	for _, a := range policy.Actions() {
		if !seen[a] {
			t.Errorf("the README's permission table has no row for %s", a)
		}
	}
	if len(seen) != len(policy.Actions()) {
		t.Errorf("the README's permission table has %d rows, shared/policy %d actions", len(seen), len(policy.Actions()))
	}
}

// The README is complete for someone who has only the repository: it points to no
// document outside it, names no issue of the tracker, and says how to run, stop, reset,
// test and deploy.
func TestREADMEStandsOnItsOwn(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	if m := regexp.MustCompile(`\.\./|(?i)\bissues? \d+`).FindString(text); m != "" {
		t.Errorf("the README points outside the repository or names an issue: %q", m)
	}
	for _, path := range regexp.MustCompile("`(docs/[a-z-]+\\.md)`").FindAllStringSubmatch(text, -1) {
		if _, err := os.Stat("../" + path[1]); err != nil {
			t.Errorf("the README names %s, which does not exist", path[1])
		}
	}
	for _, must := range []string{"make run", "make test", "make deploy", "rm -rf .data", "Ctrl-C", "community rules", "ADMIN_EMAILS"} {
		if !strings.Contains(text, must) {
			t.Errorf("the README does not say %q", must)
		}
	}
}
