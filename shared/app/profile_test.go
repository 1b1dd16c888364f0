package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"tribune/shared/members"
	"tribune/shared/policy"
)

func TestProfilesDirectoryAndStaffSection(t *testing.T) {
	t.Parallel()
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
	for _, q := range []string{"?q=a&tag=go", "?tag=not%20a%20tag", "?q=a&limit=0", "?q=a&cursor=forged", "?cursor=forged"} {
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

func TestExportAndAccountDeletion(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann")
	var me struct{ ID string }
	c.call(ann, "GET", "/api/me", "", &me)
	c.call(ann, "PUT", "/api/me/profile", `{"displayName":"Ann","bio":"hi","expertise":["go"],"interests":[],"company":"","location":"","links":[],"locale":"en"}`, nil)
	var export members.Export
	if status, body := c.call(ann, "GET", "/api/me/export", "", &export); status != 200 || export.Member.Email != "ann@example.com" ||
		export.Member.Bio != "hi" || len(export.Sessions) != 2 {
		t.Fatalf("export: %d %s", status, body)
	}
	if status, _ := c.call(ann, "POST", "/api/me/delete", `{"confirm":false}`, nil); status != 400 {
		t.Fatalf("unconfirmed deletion: %d", status)
	}
	if status, body := c.call(ann, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("deletion: %d %s", status, body)
	}
	if status, _ := c.call(ann, "GET", "/api/me", "", nil); status != 401 {
		t.Fatalf("me after deletion: %d", status)
	}
	other := c.as("otto")
	if status, _ := c.call(other, "GET", "/api/members/"+me.ID, "", nil); status != 404 {
		t.Fatalf("profile of a deleted member: %d", status)
	}
	var page members.DirectoryPageResult
	if c.call(other, "GET", "/api/members?tag=go", "", &page); len(page.Members) != 0 {
		t.Fatalf("deleted member still in the directory: %+v", page)
	}
	m, err := c.st.Members().GetMember(t.Context(), me.ID)
	if err != nil || m.Email != "" || m.DisplayName != members.DeletedName || m.Bio != "" || m.Status != members.StatusDeleted {
		t.Fatalf("member item after deletion: %+v %v", m, err)
	}
	// The address is free again: signing up with it makes a new member.
	if status, body, _ := c.signUp("ann@example.com", ""); status != http.StatusOK {
		t.Fatalf("sign-up after deletion: %d %s", status, body)
	}
	if id, _, _, _ := c.st.Members().Admission(t.Context(), "ann@example.com", ""); id == me.ID || id == "" {
		t.Fatalf("re-registration reused the deleted member: %q", id)
	}
}

func TestAvatarUploadThroughPresignedURLs(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann")
	var me struct{ ID string }
	c.call(ann, "GET", "/api/me", "", &me)
	// Refused before anything is uploaded.
	for _, bad := range []string{`{"contentType":"image/gif","size":100}`, `{"contentType":"image/png","size":0}`} {
		if status, body := c.call(ann, "POST", "/api/me/avatar/upload", bad, nil); status != 400 {
			t.Fatalf("%s: %d %s", bad, status, body)
		}
	}
	if status, body := c.call(ann, "POST", "/api/me/avatar/upload", `{"contentType":"image/png","size":3000000}`, nil); status != 413 || !strings.Contains(body, "avatar_too_large") {
		t.Fatalf("oversized avatar: %d %s", status, body)
	}
	if status, _ := c.call(ann, "PUT", "/api/me/avatar", `{"key":"avatars/`+me.ID+`/never-uploaded.png"}`, nil); status != 400 {
		t.Fatalf("confirming nothing: %d", status)
	}
	if status, _ := c.call(ann, "PUT", "/api/me/avatar", `{"key":"avatars/m_someone_else/x.png"}`, nil); status != 400 {
		t.Fatalf("confirming another member's key: %d", status)
	}

	png := []byte("\x89PNG\r\n\x1a\n fake image bytes")
	var up members.Upload
	body := `{"contentType":"image/png","size":` + strconv.Itoa(len(png)) + `}`
	if status, b := c.call(ann, "POST", "/api/me/avatar/upload", body, &up); status != 200 || up.UploadURL == "" {
		t.Fatalf("upload URL: %d %s", status, b)
	}
	req, _ := http.NewRequest("PUT", up.UploadURL, bytes.NewReader(png))
	req.Header.Set("Content-Type", up.ContentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT to the presigned URL: %v %v", resp, err)
	}
	resp.Body.Close()
	var m members.Member
	if status, b := c.call(ann, "PUT", "/api/me/avatar", `{"key":"`+up.Key+`"}`, &m); status != 200 || !m.HasAvatar {
		t.Fatalf("confirm: %d %s", status, b)
	}
	other := c.as("otto")
	req, _ = http.NewRequest("GET", c.srv.URL+"/api/members/"+me.ID+"/avatar", nil)
	resp, err = other.Do(req)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("avatar: %v %v", resp, err)
	}
	resp.Body.Close()
	img, err := http.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(img.Body)
	img.Body.Close()
	if !bytes.Equal(got, png) {
		t.Fatalf("downloaded avatar differs: %q", got)
	}
	if status, _ := c.call(ann, "DELETE", "/api/me/avatar", "", nil); status != 204 {
		t.Fatalf("remove: %d", status)
	}
	if status, _ := c.call(other, "GET", "/api/members/"+me.ID+"/avatar", "", nil); status != 404 {
		t.Fatalf("avatar after removal: %d", status)
	}
}
