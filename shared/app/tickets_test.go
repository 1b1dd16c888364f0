package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/mail"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// outboxDetails is every event payload the table ever held.
func (c *community) outboxDetails() string {
	out, err := c.tbl.DB.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name)})
	if err != nil {
		c.t.Fatal(err)
	}
	var all strings.Builder
	for _, item := range out.Items {
		if fmt.Sprint(item["Type"]) != "" && strings.Contains(fmt.Sprint(item["PK"]), "OUTBOX#") {
			all.WriteString(fmt.Sprint(item["Detail"]))
		}
	}
	return all.String()
}

func TestTicketsFromOpeningToRating(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara, gus := c.as("cara"), c.as("gus")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	globex := c.customerSpace(admin, "Globex", "m_gus")
	c.join(cara, acme.ID)
	c.join(gus, globex.ID)
	general := c.space(admin, "General", spaces.Public)

	// Bad input is refused and writes nothing.
	for _, bad := range []string{
		`{"subject":"","product":"General","severity":"high","body":"x"}`,
		`{"subject":"Down","product":"General","severity":"critical","body":"x"}`,
		`{"subject":"Down","product":"Toaster","severity":"high","body":"x"}`,
		`{"subject":"Down","product":"General","severity":"high","body":""}`,
		`{"subject":"Down","product":"General","severity":"high","body":"x","attachments":[{"key":"attachments/m_gus/x.png","name":"x.png","contentType":"image/png","size":3}]}`,
	} {
		if status, body := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets", bad, nil); status != 400 {
			t.Fatalf("%s: %d %s", bad, status, body)
		}
	}
	if status, _ := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets", `{"subject":"Down","product":"General","severity":"high","body":"`+strings.Repeat("x", 20001)+`"}`, nil); status != 400 {
		t.Fatalf("an oversized body: %d", status)
	}
	if status, _ := c.call(admin, "POST", "/api/spaces/"+general.ID+"/tickets", `{"subject":"Down","product":"General","severity":"high","body":"x"}`, nil); status != 409 {
		t.Fatalf("a ticket in a community space: %d", status)
	}

	// Opening: the acknowledgement carries the number and the expected first response.
	tk := c.ticket(cara, acme.ID, `{"subject":"Sync is down","product":"General","severity":"high","body":"Since **9:00**."}`)
	if tk.Number != 1001 || tk.Status != tickets.StatusNew || tk.FirstResponseDue.Sub(tk.CreatedAt) != 4*time.Hour {
		t.Fatalf("opened: %+v", tk)
	}
	var view tickets.View
	c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &view)
	if len(view.Replies) != 1 || !view.Replies[0].Automatic || !strings.Contains(view.Replies[0].Body, "#1001") || !strings.Contains(view.Replies[0].Body, "4 hours") {
		t.Fatalf("acknowledgement in the ticket: %+v", view.Replies)
	}
	ack := c.mailTo("cara@example.com", "/tickets/"+tk.ID)
	if ack == "" {
		t.Fatal("no acknowledgement email")
	}
	if n := c.inbox(sam, notifications.KindTicketOpened); n.TicketID != tk.ID || n.TicketNumber != 1001 {
		t.Fatalf("agent told of the new ticket: %+v", n)
	}

	// Members of another customer space get 404 on every route of this one.
	for _, call := range [][3]string{{"GET", "/api/tickets/" + tk.ID, ""}, {"GET", "/api/spaces/" + acme.ID + "/tickets", ""},
		{"POST", "/api/spaces/" + acme.ID + "/tickets", `{"subject":"x","product":"General","severity":"low","body":"x"}`},
		{"POST", "/api/tickets/" + tk.ID + "/replies", `{"body":"hi"}`}, {"POST", "/api/tickets/" + tk.ID + "/status", `{"status":"solved"}`},
		{"POST", "/api/tickets/" + tk.ID + "/rating", `{"good":true}`}, {"GET", "/api/tickets/" + tk.ID + "/attachment?key=x", ""}} {
		if status, _ := c.call(gus, call[0], call[1], call[2], nil); status != 404 {
			t.Fatalf("%s %s as another customer: %d, want 404", call[0], call[1], status)
		}
	}

	// The queue: agents only, oldest first, filtered.
	if status, _ := c.call(cara, "GET", "/api/support/queue", "", nil); status != 403 {
		t.Fatalf("a customer reads the queue: %d", status)
	}
	var q tickets.Page
	if c.call(sam, "GET", "/api/support/queue?severity=high&status=new&space="+acme.ID, "", &q); len(q.Tickets) != 1 || q.Tickets[0].ID != tk.ID {
		t.Fatalf("filtered queue: %+v", q)
	}
	if c.call(sam, "GET", "/api/support/queue?severity=low", "", &q); len(q.Tickets) != 0 {
		t.Fatalf("queue of low tickets: %+v", q)
	}
	if status, _ := c.call(sam, "GET", "/api/support/queue?status=closed", "", nil); status != 400 {
		t.Fatalf("a closed queue: %d", status)
	}

	// An internal note and a public reply: the customer sees only the reply, anywhere.
	const secret = "INTERNAL-7f3a: customer is on the legacy plan"
	if status, _ := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"psst","internal":true}`, nil); status != 403 {
		t.Fatalf("a customer writes an internal note: %d", status)
	}
	var beforeNote, afterNote tickets.Page
	c.call(cara, "GET", "/api/spaces/"+acme.ID+"/tickets", "", &beforeNote)
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", fmt.Sprintf(`{"body":%q,"internal":true}`, secret), nil); status != 200 {
		t.Fatalf("internal note: %d %s", status, body)
	}
	// Not even the ticket's update time tells the customer a note was written.
	if c.call(cara, "GET", "/api/spaces/"+acme.ID+"/tickets", "", &afterNote); !afterNote.Tickets[0].UpdatedAt.Equal(beforeNote.Tickets[0].UpdatedAt) {
		t.Fatalf("an internal note changed the ticket's update time: %v -> %v", beforeNote.Tickets[0].UpdatedAt, afterNote.Tickets[0].UpdatedAt)
	}
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/assign", `{"assigneeId":"m_sam"}`, nil)
	if status, _ := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/assign", `{"assigneeId":"m_cara"}`, nil); status != 400 {
		t.Fatalf("assigning to a customer: %d", status)
	}
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"We are on it: restart the agent."}`, &view)
	if view.Ticket.Status != tickets.StatusOpen || view.Ticket.FirstResponseAt == nil || view.Ticket.AssigneeName != "sam" || len(view.Replies) != 3 {
		t.Fatalf("after the agent's replies: %+v", view.Ticket)
	}
	c.inbox(cara, notifications.KindTicketReply)
	c.mailTo("cara@example.com", "/tickets/"+tk.ID)
	var mine tickets.View
	c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &mine)
	if len(mine.Replies) != 2 || mine.Agent {
		t.Fatalf("the customer's view: %+v", mine.Replies)
	}
	var export, list, inbox string
	_, export = c.call(cara, "GET", "/api/me/export", "", nil)
	_, list = c.call(cara, "GET", "/api/spaces/"+acme.ID+"/tickets", "", nil)
	_, inbox = c.call(cara, "GET", "/api/notifications", "", nil)
	_, ticketJSON := c.call(cara, "GET", "/api/tickets/"+tk.ID, "", nil)
	msgs, _ := mail.ReadOutbox(c.outbox)
	var mails strings.Builder
	for _, m := range msgs {
		mails.WriteString(m.Subject + m.Text + m.HTML)
	}
	for where, text := range map[string]string{"the ticket": ticketJSON, "the space's list": list, "the inbox": inbox, "the export": export,
		"an email": mails.String(), "an event": c.outboxDetails()} {
		if strings.Contains(text, "INTERNAL-7f3a") {
			t.Fatalf("an internal note reached %s", where)
		}
	}
	var agentView tickets.View
	if c.call(sam, "GET", "/api/tickets/"+tk.ID, "", &agentView); len(agentView.Replies) != 3 || !agentView.Agent {
		t.Fatalf("the agent's view: %+v", agentView.Replies)
	}

	// The workflow: only along allowed moves, by the right people.
	if status, _ := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"on_hold"}`, nil); status != 409 {
		t.Fatalf("a customer puts a ticket on hold: %d", status)
	}
	if status, _ := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"closed"}`, nil); status != 409 {
		t.Fatalf("closing a ticket that is not solved: %d", status)
	}
	if status, _ := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/rating", `{"good":true}`, nil); status != 409 {
		t.Fatalf("rating an open ticket: %d", status)
	}
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"solved"}`, &view)
	if view.Ticket.AutoCloseAt == nil || view.Ticket.SolvedAt == nil {
		t.Fatalf("solved: %+v", view.Ticket)
	}
	c.inbox(cara, notifications.KindTicketStatus)
	if status, _ := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/rating", `{"good":false}`, nil); status != 403 {
		t.Fatalf("an agent rates: %d", status)
	}
	_, rated := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/rating", `{"good":true,"comment":"Fast!"}`, &view)
	if view.Ticket.Rating == nil || !view.Ticket.Rating.Good {
		t.Fatalf("rated: %+v", view.Ticket.Rating)
	}
	if strings.Contains(rated, "INTERNAL-7f3a") {
		t.Fatal("an internal note reached the customer in the rating's answer")
	}
	// A customer's reply reopens a solved ticket; the assignee hears of it.
	var reopened tickets.View
	_, replied := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"It broke again."}`, &reopened)
	if strings.Contains(replied, "INTERNAL-7f3a") {
		t.Fatal("an internal note reached the customer in the reply's answer")
	}
	if reopened.Ticket.Status != tickets.StatusOpen || reopened.Ticket.AutoCloseAt != nil || reopened.Ticket.SolvedAt != nil {
		t.Fatalf("reopened: %+v", reopened.Ticket)
	}
	c.inbox(sam, notifications.KindTicketReopened)

	// The sweeper: a solved ticket closes after the delay; a missed target is flagged once.
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"solved"}`, nil)
	urgent := c.ticket(cara, acme.ID, `{"subject":"All down","product":"General","severity":"urgent","body":"Everything."}`)
	later := &tickets.Service{Store: c.st.Tickets(), Now: func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }}
	closed, breached, err := later.Sweep(context.Background())
	if err != nil || closed != 1 || breached != 1 {
		t.Fatalf("sweep: closed %d, breached %d, %v", closed, breached, err)
	}
	if closed, breached, err := later.Sweep(context.Background()); err != nil || closed != 0 || breached != 1 {
		t.Fatalf("second sweep: closed %d, breached %d (the resolution target), %v", closed, breached, err)
	}
	if closed, breached, _ := later.Sweep(context.Background()); closed+breached != 0 {
		t.Fatalf("third sweep changed %d tickets", closed+breached)
	}
	if status, body := c.call(cara, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"One more thing"}`, nil); status != 409 || !strings.Contains(body, "ticket_closed") {
		t.Fatalf("replying to a closed ticket: %d %s", status, body)
	}
	c.call(sam, "GET", "/api/support/queue", "", &q)
	if len(q.Tickets) != 1 || q.Tickets[0].ID != urgent.ID || !q.Tickets[0].Breached {
		t.Fatalf("queue after the sweep: %+v", q.Tickets)
	}
	c.inbox(sam, notifications.KindTicketBreached)

	// The support report.
	var r metrics.SupportReport
	waitFor(t, "the support figures", func() bool {
		r = metrics.SupportReport{}
		c.call(sam, "GET", "/api/support/metrics?days=7", "", &r)
		// Summed over the days: a run that crosses midnight counts on two of them.
		var opened, solved int64
		for _, d := range r.Days {
			opened, solved = opened+d.Opened, solved+d.Solved
		}
		ok := opened == 2 && solved == 2 && r.FirstResponse.Count == 1 && r.Rated == 1 && r.Satisfaction == 1
		if !ok {
			t.Logf("report so far: %+v", r)
		}
		return ok
	})
	if r.Resolution.Count != 1 || r.FirstResponse.Median <= 0 || r.FirstResponse.P90 < r.FirstResponse.Median {
		t.Fatalf("report: %+v", r)
	}
	if status, _ := c.call(cara, "GET", "/api/support/metrics", "", nil); status != 403 {
		t.Fatalf("a customer reads the report: %d", status)
	}
}

func TestQuestionBecomesATicketLinkedBothWays(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara, bob := c.as("cara"), c.as("bob")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	general := c.space(admin, "General", spaces.Public)
	c.join(cara, general.ID)
	c.join(bob, general.ID)
	q := c.post(cara, general.ID, `{"kind":"question","title":"Export fails","body":"The CSV export stops at 1,000 rows."}`)
	other := c.post(bob, general.ID, `{"kind":"question","title":"Mine","body":"?"}`)
	body := fmt.Sprintf(`{"spaceId":%q,"product":"General","severity":"normal"}`, acme.ID)
	if status, _ := c.call(cara, "POST", "/api/posts/"+q.ID+"/ticket", body, nil); status != 403 {
		t.Fatalf("a member turns a question into a ticket: %d", status)
	}
	if status, _ := c.call(sam, "POST", "/api/posts/"+other.ID+"/ticket", body, nil); status != 400 {
		t.Fatalf("a ticket for someone outside the customer space: %d", status)
	}
	var tk tickets.Ticket
	if status, raw := c.call(sam, "POST", "/api/posts/"+q.ID+"/ticket", body, &tk); status != 201 || tk.QuestionID != q.ID || tk.RequesterID != "m_cara" {
		t.Fatalf("from the question: %d %s", status, raw)
	}
	var p posts.Post
	if c.call(cara, "GET", "/api/posts/"+q.ID, "", &p); p.TicketID != tk.ID || p.TicketNumber != tk.Number {
		t.Fatalf("the asker sees the link: %+v", p)
	}
	var theirs posts.Post
	if c.call(bob, "GET", "/api/posts/"+q.ID, "", &theirs); theirs.TicketID != "" {
		t.Fatalf("another member sees the link: %+v", theirs)
	}
	var view tickets.View
	if c.call(cara, "GET", "/api/tickets/"+tk.ID, "", &view); !strings.Contains(view.Ticket.HTML, "/posts/"+q.ID) {
		t.Fatalf("the ticket links back: %s", view.Ticket.HTML)
	}
}

func TestSupportSettingsAreKeptByAdmins(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, sam := c.as("ada", policy.RoleAdmin), c.as("sam", policy.RoleSupport)
	good := `{"products":["Sync","Sync","Reports"],"autoCloseDays":3,"targets":{"low":{"firstResponseMinutes":600,"resolutionMinutes":6000},
		"normal":{"firstResponseMinutes":240,"resolutionMinutes":2400},"high":{"firstResponseMinutes":60,"resolutionMinutes":600},
		"urgent":{"firstResponseMinutes":15,"resolutionMinutes":120}}}`
	if status, _ := c.call(sam, "PUT", "/api/support/settings", good, nil); status != 403 {
		t.Fatalf("an agent changes the settings: %d", status)
	}
	for _, bad := range []string{`{"products":[],"autoCloseDays":3,"targets":{}}`,
		strings.Replace(good, `"firstResponseMinutes":15`, `"firstResponseMinutes":500`, 1), strings.Replace(good, `"autoCloseDays":3`, `"autoCloseDays":0`, 1)} {
		if status, _ := c.call(admin, "PUT", "/api/support/settings", bad, nil); status != 400 {
			t.Fatalf("settings %s: %d", bad, status)
		}
	}
	var st tickets.Settings
	if c.call(admin, "PUT", "/api/support/settings", good, &st); len(st.Products) != 2 || st.Targets["urgent"].FirstResponseMinutes != 15 {
		t.Fatalf("saved: %+v", st)
	}
	var agents tickets.AgentList
	if c.call(sam, "GET", "/api/support/agents", "", &agents); len(agents.Agents) != 2 || agents.Agents[0].Name != "ada" {
		t.Fatalf("agents: %+v", agents)
	}
}

func TestAgentsWorkTicketsOfHiddenCustomerSpaces(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam, bob := c.as("sam", policy.RoleSupport), c.as("bob")
	var board spaces.Space
	c.call(admin, "POST", "/api/spaces", `{"name":"Initech","visibility":"hidden","kind":"customer"}`, &board)
	c.call(admin, "POST", "/api/spaces/"+board.ID+"/invitations", `{"memberId":"m_bob"}`, nil)
	c.join(bob, board.ID)
	tk := c.ticket(bob, board.ID, `{"subject":"Help","product":"General","severity":"low","body":"Please."}`)
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"On it."}`, nil); status != 200 {
		t.Fatalf("an agent outside a hidden customer space replies: %d %s", status, body)
	}
	var page tickets.Page
	if status, _ := c.call(sam, "GET", "/api/spaces/"+board.ID+"/tickets", "", &page); status != 200 || len(page.Tickets) != 1 {
		t.Fatalf("an agent lists a hidden space's tickets: %d %+v", status, page)
	}
	// The agent sees the space (support admits its members) but not its posts.
	if status, _ := c.call(sam, "GET", "/api/spaces/"+board.ID+"/posts", "", nil); status != 403 {
		t.Fatalf("the agent still cannot read the hidden space's posts: %d", status)
	}
}

func TestTicketAttachmentsAndEmailPreferences(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	cara := c.as("cara")
	acme := c.customerSpace(admin, "Acme", "m_cara")
	c.join(cara, acme.ID)
	if status, _ := c.call(cara, "POST", "/api/uploads/attachments", `{"name":"a.exe","contentType":"application/x-msdownload","size":10}`, nil); status != 400 {
		t.Fatalf("an executable: %d", status)
	}
	if status, _ := c.call(cara, "POST", "/api/uploads/attachments", fmt.Sprintf(`{"name":"big.zip","contentType":"application/zip","size":%d}`, tickets.MaxAttachmentBytes+1), nil); status != 413 {
		t.Fatalf("an oversized file: %d", status)
	}
	upload := func(who *http.Client, name, text string) tickets.Attachment {
		var up tickets.Upload
		if status, body := c.call(who, "POST", "/api/uploads/attachments", fmt.Sprintf(`{"name":%q,"contentType":"text/plain","size":%d}`, name, len(text)), &up); status != 200 {
			t.Fatalf("upload: %d %s", status, body)
		}
		req, _ := http.NewRequest("PUT", up.UploadURL, strings.NewReader(text))
		req.Header.Set("Content-Type", "text/plain")
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
			t.Fatalf("PUT: %v %v", resp, err)
		}
		return up.Attachment
	}
	// A file that claims another size than was uploaded is refused, and nothing is written.
	lying := upload(cara, "log.txt", "short")
	lying.Size = 3
	before := c.settledItems()
	body := func(a tickets.Attachment) string {
		return fmt.Sprintf(`{"subject":"Logs","product":"General","severity":"low","body":"See the log.","attachments":[{"key":%q,"name":%q,"contentType":"text/plain","size":%d}]}`, a.Key, a.Name, a.Size)
	}
	if status, _ := c.call(cara, "POST", "/api/spaces/"+acme.ID+"/tickets", body(lying), nil); status != 400 {
		t.Fatalf("a mis-sized attachment: %d", status)
	}
	if after := c.tbl.Items(t); after != before {
		t.Fatalf("a refused ticket wrote %d items", after-before)
	}
	// Cara turns activity emails off: her inbox still gets the reply, her mailbox does not.
	if status, _ := c.call(cara, "PUT", "/api/me/preferences", `{"activityEmails":false}`, nil); status != 200 {
		t.Fatal("preferences")
	}
	log := upload(cara, "sync.log", "ERROR at 9:00")
	tk := c.ticket(cara, acme.ID, body(log))
	note := upload(sam, "internal.txt", "account notes")
	var view tickets.View
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", fmt.Sprintf(`{"body":"See the file","internal":true,"attachments":[{"key":%q,"name":"internal.txt","contentType":"text/plain","size":%d}]}`, note.Key, note.Size), &view)
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Looking into it."}`, nil)
	c.inbox(cara, notifications.KindTicketReply)
	msgs, _ := mail.ReadOutbox(c.outbox)
	for _, m := range msgs {
		if m.To == "cara@example.com" && strings.Contains(m.Subject, "#") {
			t.Fatalf("cara chose no activity emails but got %q", m.Subject)
		}
	}
	// Files: the customer gets hers, not the internal note's; the agent gets both.
	get := func(who *http.Client, key string) int {
		resp, err := who.Get(c.srv.URL + "/api/tickets/" + tk.ID + "/attachment?key=" + key)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	if get(cara, log.Key) != http.StatusFound || get(cara, note.Key) != http.StatusNotFound || get(sam, note.Key) != http.StatusFound {
		t.Fatalf("attachments: cara %d/%d, sam %d", get(cara, log.Key), get(cara, note.Key), get(sam, note.Key))
	}
}
