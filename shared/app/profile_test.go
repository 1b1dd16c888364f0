package app_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"tribune/shared/members"
	"tribune/shared/policy"
)

func TestProfilesDirectoryAndStaffSection(t *testing.T) {
	c := newCommunity(t)
	ann := c.as("ann")
	support := c.as("sam", policy.RoleSupport)
	var me struct{ ID string }
	c.call(ann, "GET", "/api/me", "", &me)

	good := `{"displayName":"Ann Lee","bio":"Data engineer.","expertise":["Go","dynamodb"],"interests":["hiking"],` +
		`"company":"Acme","location":"Lyon","links":["https://ann.example"],"locale":"fr"}`
	for _, bad := range []string{
		strings.Replace(good, `"Ann Lee"`, `""`, 1),
		strings.Replace(good, `"Ann Lee"`, `"`+strings.Repeat("a", 61)+`"`, 1),
		strings.Replace(good, `"Data engineer."`, `"`+strings.Repeat("b", 1001)+`"`, 1),
		strings.Replace(good, `"dynamodb"`, `"no spaces allowed"`, 1),
		strings.Replace(good, `["hiking"]`, `["a","b","c","d","e","f","g","h","i","j","k"]`, 1),
		strings.Replace(good, `"https://ann.example"`, `"javascript:alert(1)"`, 1),
		strings.Replace(good, `"fr"`, `"de"`, 1),
	} {
		if status, body := c.call(ann, "PUT", "/api/me/profile", bad, nil); status != 400 {
			t.Fatalf("bad profile accepted: %d %s", status, body)
		}
	}
	var unchanged struct{ DisplayName, Bio string }
	if c.call(ann, "GET", "/api/me", "", &unchanged); unchanged.DisplayName != "ann" || unchanged.Bio != "" {
		t.Fatalf("a refused profile was written: %+v", unchanged)
	}
	if status, body := c.call(ann, "PUT", "/api/me/profile", good, nil); status != 200 {
		t.Fatalf("profile: %d %s", status, body)
	}

	var pub map[string]any
	c.call(support, "GET", "/api/members/"+me.ID, "", &pub)
	raw, _ := json.Marshal(pub)
	if pub["displayName"] != "Ann Lee" || pub["company"] != "Acme" || strings.Contains(string(raw), "ann@example.com") {
		t.Fatalf("public profile: %s", raw)
	}
	var page members.DirectoryPageResult
	if status, _ := c.call(support, "GET", "/api/members?q=ANN%20l", "", &page); status != 200 || len(page.Members) != 1 || page.Members[0].ID != me.ID {
		t.Fatalf("directory by prefix: %+v", page)
	}
	if c.call(support, "GET", "/api/members?tag=go", "", &page); len(page.Members) != 1 || page.Members[0].DisplayName != "Ann Lee" {
		t.Fatalf("directory by tag: %+v", page)
	}
	for _, q := range []string{"", "?q=a&tag=go", "?tag=not%20a%20tag", "?q=a&limit=0", "?q=a&cursor=forged"} {
		if status, body := c.call(support, "GET", "/api/members"+q, "", nil); status != 400 {
			t.Fatalf("directory %q: %d %s", q, status, body)
		}
	}

	if status, body := c.call(support, "PUT", "/api/members/"+me.ID+"/staff", `{"crmRef":"SF-42","leadStatus":"customer","notes":"Renewal in May"}`, nil); status != 200 {
		t.Fatalf("staff section: %d %s", status, body)
	}
	if status, _ := c.call(support, "PUT", "/api/members/"+me.ID+"/staff", `{"crmRef":"x","leadStatus":"best friend","notes":""}`, nil); status != 400 {
		t.Fatalf("unknown lead status: %d", status)
	}
	var staff members.StaffFields
	if c.call(support, "GET", "/api/members/"+me.ID+"/staff", "", &staff); staff.CRMRef != "SF-42" {
		t.Fatalf("staff section read back: %+v", staff)
	}
	if status, _ := c.call(ann, "GET", "/api/members/"+me.ID+"/staff", "", nil); status != http.StatusForbidden {
		t.Fatalf("a member reads their own staff section: %d", status)
	}
	_, body := c.call(ann, "GET", "/api/me", "", nil)
	if strings.Contains(body, "SF-42") || strings.Contains(body, "Renewal") {
		t.Fatalf("GET /api/me leaks the staff section: %s", body)
	}
}
