package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tribune/shared/errs"
	"tribune/shared/mail"
)

// A bulk invitation whose list holds entries that are not addresses invites nobody: the
// answer names each bad line (its position, the text as sent, why) and counts the valid
// addresses. Sent again with skipInvalid (the inviter confirmed), only the valid ones are
// invited and the bad lines come back as skipped. Issue 10, "Forms and figures".
func TestBulkInvitationsNameTheBadLinesAndInviteOnlyWhenConfirmed(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", "admin")
	list := `["ann@example.com", "not an address", "bob@example.com", "carol@@example.com", "ANN@example.com"]`

	var problem struct {
		Code    string
		Field   string
		Invalid []errs.Entry
		Valid   *int
	}
	status, body := c.call(admin, "POST", "/api/invitations", `{"emails":`+list+`}`, &problem)
	want := []errs.Entry{
		{Line: 2, Value: "not an address", Code: "invalid_email"},
		{Line: 4, Value: "carol@@example.com", Code: "invalid_email"},
	}
	got := make([]errs.Entry, len(problem.Invalid))
	for i, e := range problem.Invalid {
		if e.Detail == "" {
			t.Errorf("line %d has no sentence", e.Line)
		}
		e.Detail = ""
		got[i] = e
	}
	if status != http.StatusBadRequest || problem.Code != "invalid_emails" || problem.Field != "emails" || !slices.Equal(got, want) ||
		problem.Valid == nil || *problem.Valid != 2 {
		t.Fatalf("a list with two bad lines: %d %s, want 400 invalid_emails on emails naming lines 2 and 4, 2 valid", status, body)
	}
	var pending struct{ Invitations []struct{ Email string } }
	if status, body := c.call(admin, "GET", "/api/invitations", "", &pending); status != 200 || len(pending.Invitations) != 0 {
		t.Fatalf("the refused list invited someone: %d %s", status, body)
	}

	// Only bad lines: nothing to confirm, even with skipInvalid.
	status, body = c.call(admin, "POST", "/api/invitations", `{"emails":["nope","also nope"],"skipInvalid":true}`, &problem)
	if status != http.StatusBadRequest || problem.Code != "invalid_emails" || len(problem.Invalid) != 2 || problem.Valid == nil || *problem.Valid != 0 {
		t.Fatalf("only bad lines with skipInvalid: %d %s, want 400 invalid_emails, 0 valid", status, body)
	}

	// Confirmed: the two valid addresses (ann once), the bad lines listed as skipped.
	var done struct {
		Invitations []struct{ Email string }
		Skipped     []errs.Entry
	}
	status, body = c.call(admin, "POST", "/api/invitations", `{"emails":`+list+`,"skipInvalid":true}`, &done)
	var emails []string
	for _, i := range done.Invitations {
		emails = append(emails, i.Email)
	}
	slices.Sort(emails)
	if status != http.StatusCreated || !slices.Equal(emails, []string{"ann@example.com", "bob@example.com"}) || len(done.Skipped) != 2 ||
		done.Skipped[0].Line != 2 || done.Skipped[1].Value != "carol@@example.com" {
		t.Fatalf("confirmed: %d %s, want ann and bob invited, lines 2 and 4 skipped", status, body)
	}
	if status, body := c.call(admin, "GET", "/api/invitations", "", &pending); status != 200 || len(pending.Invitations) != 2 {
		t.Fatalf("pending after the confirmation: %d %s, want 2", status, body)
	}
	c.mailTo("ann@example.com", "/invite/")
	c.mailTo("bob@example.com", "/invite/")
	// Every email the event path writes is one of the two invitations.
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		msgs, _ := mail.ReadOutbox(c.outbox)
		for _, m := range msgs {
			if m.To != "ann@example.com" && m.To != "bob@example.com" {
				t.Fatalf("mail to %s", m.To)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Every 400 a form of the web app can meet names the field it is about, the form's own
// name for it, so the form shows it under that field. Issue 10, "Forms and figures".
func TestFormProblemsNameTheirField(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", "admin")
	member := c.as("Bea")
	long := strings.Repeat("x", 101)
	profile := func(company, location string) string {
		return fmt.Sprintf(`{"displayName":"Bea","bio":"","expertise":[],"interests":[],"company":%q,"location":%q,"links":[],"locale":"en"}`, company, location)
	}
	settings := func(products string, autoClose, highFirst, highResolution int) string {
		return fmt.Sprintf(`{"products":%s,"autoCloseDays":%d,"targets":{"low":{"firstResponseMinutes":60,"resolutionMinutes":120},`+
			`"normal":{"firstResponseMinutes":60,"resolutionMinutes":120},"high":{"firstResponseMinutes":%d,"resolutionMinutes":%d},`+
			`"urgent":{"firstResponseMinutes":60,"resolutionMinutes":120}}}`, products, autoClose, highFirst, highResolution)
	}
	for _, tc := range []struct {
		what, method, path, body string
		who                      *http.Client
		code, field              string
	}{
		{"a friend's address", "POST", "/api/invitations/friend", `{"email":"not an address"}`, member, "invalid_email", "email"},
		{"a long company", "PUT", "/api/me/profile", profile(long, ""), member, "field_too_long", "company"},
		{"a long location", "PUT", "/api/me/profile", profile("", long), member, "field_too_long", "location"},
		{"a long CRM reference", "PUT", "/api/members/m_Bea/staff", `{"crmRef":"` + long + `","leadStatus":"","notes":""}`, admin, "invalid_staff_fields", "crmRef"},
		{"an unknown lead status", "PUT", "/api/members/m_Bea/staff", `{"crmRef":"","leadStatus":"nope","notes":""}`, admin, "invalid_staff_fields", "leadStatus"},
		{"long staff notes", "PUT", "/api/members/m_Bea/staff", `{"crmRef":"","leadStatus":"","notes":"` + strings.Repeat("n", 4001) + `"}`, admin, "invalid_staff_fields", "notes"},
		{"a bad tag", "GET", "/api/members?tag=" + strings.Repeat("t", 31), "", member, "invalid_directory_query", "tag"},
		{"a long name", "GET", "/api/members?q=" + strings.Repeat("n", 61), "", member, "invalid_directory_query", "q"},
		{"no product", "PUT", "/api/support/settings", settings(`[]`, 7, 60, 120), admin, "invalid_support_settings", "products"},
		{"auto-close after 0 days", "PUT", "/api/support/settings", settings(`["App"]`, 0, 60, 120), admin, "invalid_support_settings", "autoCloseDays"},
		{"no first response target", "PUT", "/api/support/settings", settings(`["App"]`, 7, 0, 120), admin, "invalid_support_settings", "targets.high.firstResponseMinutes"},
		{"resolution before first response", "PUT", "/api/support/settings", settings(`["App"]`, 7, 60, 30), admin, "invalid_support_settings", "targets.high.resolutionMinutes"},
	} {
		var p struct{ Code, Field string }
		status, body := c.call(tc.who, tc.method, tc.path, tc.body, &p)
		if status != http.StatusBadRequest || p.Code != tc.code || p.Field != tc.field {
			t.Errorf("%s: %d %s, want 400 %s on %s", tc.what, status, body, tc.code, tc.field)
		}
	}
}
