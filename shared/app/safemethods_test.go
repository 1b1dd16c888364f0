package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/invitations"
	"tribune/shared/mail"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/rewards"
	"tribune/shared/social"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
	"tribune/shared/tickets"
)

// newSocialCommunity is newCommunity (every route, the event path) with one OIDC
// provider, "mock": a real local OIDC server.
func newSocialCommunity(t *testing.T) (*community, *mockoidc.MockOIDC) {
	m, err := mockoidc.Run()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	tbl := dynamotest.NewTable(t)
	c := &community{t: t, tbl: tbl, st: store.New(tbl.DB, tbl.Name), outbox: t.TempDir()}
	c.srv = httptest.NewServer(nil)
	t.Cleanup(c.srv.Close)
	mc := m.Config()
	cfg := config.Config{PublicURL: c.srv.URL, SocialProviders: []social.Provider{{ID: "mock", Name: "Mock", Kind: social.KindOIDC,
		Issuer: m.Issuer(), ClientID: mc.ClientID, ClientSecret: mc.ClientSecret}}}
	sender := mail.Outbox{Dir: c.outbox, From: "t@example.com"}
	h, err := app.LocalHandler(app.Deps{Config: cfg, Store: c.st, Mail: sender, Files: testFiles(t)})
	if err != nil {
		t.Fatal(err)
	}
	c.srv.Config.Handler = h
	local := &bus.Local{Consumers: app.Consumers(cfg, c.st, sender, nil), Attempts: 3, Backoff: 10 * time.Millisecond}
	c.delivered = &deliveredEvents{next: local, ids: map[string]bool{}}
	stop := pollStream(tbl.PollerStreams(t, pollerIdle), tbl.StreamARN, filepath.Join(t.TempDir(), "ckpt.json"), c.delivered)
	t.Cleanup(func() { stop(); local.Wait() })
	return c, m
}

// walkFixture is a community with something behind every GET route: spaces of every
// visibility and a customer space, posts of every kind with comments, votes, an edit, a
// report and a hidden post, an image, an avatar, a ticket with a file, notifications,
// invitations, pending sign-in links and a social sign-in waiting for its callback.
type walkFixture struct {
	c                            *community
	adminID, memberID            string
	adminCookie, memberCookie    string
	public, closed, hidden, cust spaces.Space
	question, idea, poll, gone   posts.Post
	commentID                    string
	imageURL                     string
	ticket                       tickets.Ticket
	attachmentKey                string
	emailCode, linkCode          string
	memberToken, newToken        string
	inviteeToken                 string
	callbackURL                  string
	// Campaigns (issue 12, r2): a live campaign with a proof (with a screenshot) and a
	// trial application of the member.
	campaignID, submissionID string
	// Newsletters (issue 13): a draft the admin wrote, the member's consent, a real
	// one-click unsubscribe token, a link's signed redirect and the open-tracking image
	// of the newsletter.
	newsletterID                          string
	unsubscribeToken, clickPath, openPath string
	// Documents and bookmarks (issue 16): a document of the public space with two
	// versions, one of the hidden space; the member's bookmarks of a post and of it.
	documentID, hiddenDocumentID string
	// The knowledge base (issue 16): a community-wide category with a published article
	// (three versions, followed, with feedback) and a draft; a hidden space's article.
	categoryID, articleID, draftID, hiddenArticleID string
}

func newWalkFixture(t *testing.T) *walkFixture {
	c, oidc := newSocialCommunity(t)
	c.withSearch()
	f := &walkFixture{c: c}
	admin := c.as("ada", policy.RoleAdmin)
	member := c.as("mel")
	f.adminID, f.memberID = "m_ada", "m_mel"
	f.adminCookie, f.memberCookie = cookieFor(t, c.st, f.adminID), cookieFor(t, c.st, f.memberID)
	if status, body := c.call(admin, "PUT", "/api/community/access", `{"accessMode":"hybrid","hybridRegistration":"open"}`, nil); status != 200 {
		t.Fatalf("access mode: %d %s", status, body)
	}

	f.public = c.space(admin, "Open talk", spaces.Public)
	f.closed = c.space(admin, "Insiders", spaces.Closed)
	f.hidden = c.space(admin, "Board", spaces.Hidden)
	f.cust = c.customerSpace(admin, "Acme", f.memberID)
	c.join(member, f.public.ID)
	c.join(member, f.cust.ID)
	if status, body := c.call(member, "POST", "/api/spaces/"+f.closed.ID+"/join", "", nil); status != 200 {
		t.Fatalf("request to join: %d %s", status, body)
	}

	f.question = c.post(member, f.public.ID, `{"kind":"question","title":"How do I page?","body":"With a cursor?"}`)
	var comment posts.Comment
	if status, body := c.call(admin, "POST", "/api/posts/"+f.question.ID+"/comments", `{"body":"Yes, @mel."}`, &comment); status != 200 && status != 201 {
		t.Fatalf("comment: %d %s", status, body)
	}
	c.call(member, "POST", "/api/posts/"+f.question.ID+"/comments", fmt.Sprintf(`{"body":"Thanks","parentId":%q}`, comment.ID), nil)
	c.call(member, "PUT", "/api/posts/"+f.question.ID+"/comments/"+comment.ID+"/reactions/like", "", nil)
	c.call(admin, "PATCH", "/api/posts/"+f.question.ID+"/comments/"+comment.ID, `{"body":"Yes, @mel: with a cursor."}`, nil)
	f.commentID = comment.ID
	c.call(member, "PATCH", "/api/posts/"+f.question.ID, `{"title":"How do I page a query?","body":"With a cursor, I guess?"}`, nil)
	f.idea = c.post(admin, f.public.ID, `{"kind":"idea","title":"Dark mode","body":"Please."}`)
	c.call(member, "POST", "/api/posts/"+f.idea.ID+"/vote", `{}`, nil)
	f.poll = c.post(admin, f.public.ID, `{"kind":"poll","title":"Meetup day?","body":"","options":["Monday","Friday"]}`)
	c.call(member, "POST", "/api/posts/"+f.poll.ID+"/vote", `{"option":"o1"}`, nil)
	c.post(admin, f.public.ID, fmt.Sprintf(`{"kind":"announcement","title":"Welcome","body":"Read the rules.","pinnedUntil":%q}`, time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)))
	c.post(admin, f.hidden.ID, `{"kind":"discussion","title":"Budget","body":"Secret."}`)
	f.gone = c.post(member, f.public.ID, `{"kind":"discussion","title":"Cheap watches","body":"Buy now"}`)
	c.call(admin, "POST", "/api/posts/"+f.gone.ID+"/hide", `{"reason":"spam"}`, nil)
	reported := c.post(admin, f.public.ID, `{"kind":"discussion","title":"Hot take","body":"Tabs."}`)
	c.call(member, "POST", "/api/posts/"+reported.ID+"/report", `{"reason":"spam"}`, nil)

	// An image in a post, an avatar, a ticket with a file.
	png := "\x89PNG\r\n\x1a\n0000000000000"
	var img posts.ImageUpload
	if status, body := c.call(member, "POST", "/api/uploads/images", fmt.Sprintf(`{"spaceId":%q,"contentType":"image/png","size":%d}`, f.public.ID, len(png)), &img); status != 200 {
		t.Fatalf("image upload: %d %s", status, body)
	}
	put(t, img.UploadURL, img.ContentType, png)
	c.post(member, f.public.ID, fmt.Sprintf(`{"kind":"discussion","title":"Look","body":"![screen](%s)"}`, img.URL))
	f.imageURL = img.URL
	var av struct{ UploadURL, Key, ContentType string }
	c.call(member, "POST", "/api/me/avatar/upload", fmt.Sprintf(`{"contentType":"image/png","size":%d}`, len(png)), &av)
	put(t, av.UploadURL, av.ContentType, png)
	if status, body := c.call(member, "PUT", "/api/me/avatar", fmt.Sprintf(`{"key":%q}`, av.Key), nil); status != 200 {
		t.Fatalf("avatar: %d %s", status, body)
	}
	c.call(admin, "PUT", "/api/members/"+f.memberID+"/staff", `{"crmRef":"CRM-1","leadStatus":"","notes":"VIP"}`, nil)
	c.call(member, "PUT", "/api/me/profile", `{"displayName":"mel","expertise":["go"],"links":[],"interests":[],"bio":"","company":"","location":"","locale":"en"}`, nil)
	var up tickets.Upload
	if status, body := c.call(member, "POST", "/api/uploads/attachments", `{"name":"log.txt","contentType":"text/plain","size":5}`, &up); status != 200 {
		t.Fatalf("attachment upload: %d %s", status, body)
	}
	put(t, up.UploadURL, "text/plain", "ERROR")
	f.attachmentKey = up.Attachment.Key
	f.ticket = c.ticket(member, f.cust.ID, fmt.Sprintf(`{"subject":"Sync is down","product":"General","severity":"high","body":"Since 9:00.",`+
		`"attachments":[{"key":%q,"name":"log.txt","contentType":"text/plain","size":5}]}`, up.Attachment.Key))
	c.call(admin, "POST", "/api/tickets/"+f.ticket.ID+"/replies", `{"body":"On it."}`, nil)

	// Campaigns (issue 12, r2).
	camp := c.liveCampaign(admin, campaignJSON("Walk", 10, 1, 100, time.Now().Add(-time.Minute), time.Now().Add(time.Hour),
		map[string]any{"trial": map[string]any{"offer": "Try it.", "instructions": "Code W.", "slots": 2}}))
	f.campaignID = camp.ID
	var shot rewards.Upload
	c.call(member, "POST", "/api/uploads/rewards", fmt.Sprintf(`{"purpose":"proof_screenshot","contentType":"image/png","size":%d}`, len(png)), &shot)
	put(t, shot.UploadURL, "image/png", png)
	var sub rewards.Submission
	if status, body := c.call(member, "POST", "/api/campaigns/"+camp.ID+"/submissions", fmt.Sprintf(`{"challengeId":%q,"url":"https://mel.example/r","text":"","screenshotKey":%q}`,
		camp.Challenges[0].ID, shot.Key), &sub); status != 201 {
		t.Fatalf("proof: %d %s", status, body)
	}
	f.submissionID = sub.ID
	c.call(member, "POST", "/api/campaigns/"+camp.ID+"/trial", `{"motivation":"Please."}`, nil)
	c.inbox(member, "comment")

	// Newsletters (issue 13): a draft, the member's consent to product news, and the
	// tokens its mail to the member would carry (made as the sender makes them).
	var nl newsletters.Newsletter
	if status, body := c.call(admin, "POST", "/api/newsletters", newsletterJSON("Walk news", "News of the walk", "top_posts"), &nl); status != 201 {
		t.Fatalf("newsletter: %d %s", status, body)
	}
	f.newsletterID = nl.ID
	if status, body := c.call(member, "PUT", "/api/me/newsletters", `{"lists":{"product":true}}`, nil); status != 200 {
		t.Fatalf("consent: %d %s", status, body)
	}
	deps := app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: c.st}
	unsub, _ := app.NewAudience(deps).Unsubscribe(newsletters.Recipient{MemberID: f.memberID, Email: "mel@example.com", Lang: "en"}, newsletters.ListProduct, nl.ID)
	u, err := url.Parse(unsub)
	if err != nil || u.Query().Get("t") == "" {
		t.Fatalf("unsubscribe link %q: %v", unsub, err)
	}
	f.unsubscribeToken = u.Query().Get("t")
	links, err := app.NewsletterLinks(context.Background(), deps)
	if err != nil {
		t.Fatal(err)
	}
	href := regexp.MustCompile(`href="([^"]*)"`).FindStringSubmatch(newsletters.RewriteLinks(`<a href="https://example.org/x">x</a>`, nl.ID, links))
	if href == nil || !strings.HasPrefix(href[1], c.srv.URL+"/api/n/") {
		t.Fatalf("no redirect in %v", href)
	}
	f.clickPath = strings.TrimPrefix(strings.ReplaceAll(href[1], "&amp;", "&"), c.srv.URL)
	links.OpenTracking = true
	f.openPath = strings.TrimPrefix(links.OpenURL(nl.ID), c.srv.URL)

	// Documents and bookmarks (issue 16).
	doc := c.document(admin, f.public.ID, "Walk guide", "walk")
	v2 := c.uploadDocument(admin, f.public.ID, "walk-2.pdf", "application/pdf", pdf+"2")
	if status, body := c.call(admin, "POST", "/api/spaces/"+f.public.ID+"/documents/"+doc.ID+"/versions", mustJSON(t, v2), nil); status != 200 {
		t.Fatalf("document version: %d %s", status, body)
	}
	f.documentID, f.hiddenDocumentID = doc.ID, c.document(admin, f.hidden.ID, "Board budget").ID
	c.call(member, "PUT", "/api/bookmarks/document/"+doc.ID, "", nil)
	c.call(member, "PUT", "/api/bookmarks/post/"+f.question.ID, "", nil)
	kbCat := c.kbCategory(admin, "", "Walk guides")
	art := c.kbArticle(admin, kbCat.ID, "Walk the table", "Every GET route, once.", true)
	if status, body := c.call(admin, "PUT", "/api/kb/articles/"+art.ID, fmt.Sprintf(`{"title":"Walk the table","body":"Every GET route, twice.","categoryId":%q,"baseVersion":2}`, kbCat.ID), nil); status != 200 {
		t.Fatalf("article edit: %d %s", status, body)
	}
	f.categoryID, f.articleID = kbCat.ID, art.ID
	f.draftID = c.kbArticle(admin, kbCat.ID, "Walk draft", "Not yet.", false).ID
	f.hiddenArticleID = c.kbArticle(admin, c.kbCategory(admin, f.hidden.ID, "Board notes").ID, "Board walk", "Hidden.", true).ID
	c.call(member, "PUT", "/api/kb/articles/"+art.ID+"/follow", "", nil)
	c.call(member, "POST", "/api/kb/articles/"+art.ID+"/feedback", `{"helpful":true,"comment":"Clear."}`, nil)

	// Invitations, by email and by link; sign-in links of a member, a newcomer and an invitee.
	var list invitations.InvitationList
	if status, body := c.call(admin, "POST", "/api/invitations", `{"emails":["ivy@example.com"],"message":"Join us"}`, &list); status != 201 {
		t.Fatalf("invite: %d %s", status, body)
	}
	f.emailCode = codeOf(c.mailTo("ivy@example.com", "/invite/"))
	var link invitations.LinkCreated
	if status, body := c.call(admin, "POST", "/api/invitations/links", `{"maxUses":3}`, &link); status != 201 {
		t.Fatalf("invitation link: %d %s", status, body)
	}
	f.linkCode = link.Code
	f.memberToken = c.signInToken("mel@example.com", "")
	f.newToken = c.signInToken("newbie@example.com", "")
	f.inviteeToken = c.signInToken("ivy@example.com", f.emailCode)

	// A social sign-in another browser started and the provider approved: its callback,
	// with a real state and code, waits to be followed.
	oidc.QueueUser(&mockoidc.MockUser{Subject: "sub-walk", Email: "walk@example.com", EmailVerified: true})
	jar, _ := cookiejar.New(nil)
	starter := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := starter.Do(startRequest(c.srv.URL + "/api/auth/oidc/mock/start"))
	if err != nil {
		t.Fatal(err)
	}
	var to struct{ Redirect string }
	_ = json.NewDecoder(resp.Body).Decode(&to)
	resp.Body.Close()
	if to.Redirect == "" {
		to.Redirect = resp.Header.Get("Location")
	}
	resp, err = starter.Get(to.Redirect)
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("provider: %v %v", resp, err)
	}
	resp.Body.Close()
	f.callbackURL = strings.TrimPrefix(resp.Header.Get("Location"), c.srv.URL)
	return f
}

// startRequest starts a social sign-in the way the route table says: a POST with JSON
// (or, were start a GET again, a GET; then the walk flags it).
func startRequest(rawURL string) *http.Request {
	for _, rt := range app.AllRoutes(app.Deps{}) {
		if rt.Pattern == "/api/auth/oidc/{provider}/start" && rt.Method == "GET" {
			req, _ := http.NewRequest("GET", rawURL+"?return=/", nil)
			return req
		}
	}
	req, _ := http.NewRequest("POST", rawURL, strings.NewReader(`{"return":"/"}`))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// samples are the real requests the walk sends to each GET route.
func (f *walkFixture) samples() map[string][]string {
	sp := func(suffix string) []string {
		var out []string
		for _, s := range []spaces.Space{f.public, f.closed, f.hidden, f.cust} {
			out = append(out, "/api/spaces/"+s.ID+suffix)
		}
		return append(out, "/api/spaces/s_nope"+suffix)
	}
	post := func(suffix string) []string {
		var out []string
		for _, p := range []posts.Post{f.question, f.idea, f.poll, f.gone} {
			out = append(out, "/api/posts/"+p.ID+suffix)
		}
		return append(out, "/api/posts/p_nope"+suffix)
	}
	member := func(suffix string) []string {
		return []string{"/api/members/" + f.memberID + suffix, "/api/members/" + f.adminID + suffix, "/api/members/m_nope" + suffix}
	}
	art := func(suffix string) string { return "/api/kb/articles/" + f.articleID + suffix }
	verify := "/api/auth/email/verify?token="
	return map[string][]string{
		"/api/health":                        {"/api/health"},
		"/api/openapi.json":                  {"/api/openapi.json"},
		"/api/auth/email/verify":             {verify + f.memberToken, verify + f.newToken, verify + f.inviteeToken, verify + "forged", verify},
		"/api/me":                            {"/api/me"},
		"/api/me/sessions":                   {"/api/me/sessions"},
		"/api/me/export":                     {"/api/me/export"},
		"/api/community":                     {"/api/community"},
		"/api/community/rules":               {"/api/community/rules"},
		"/api/community/spaces":              {"/api/community/spaces"},
		"/api/members":                       {"/api/members?q=me", "/api/members?tag=go", "/api/members?q=a&limit=1", "/api/members"},
		"/api/members/{id}":                  member(""),
		"/api/members/{id}/avatar":           member("/avatar"),
		"/api/members/{id}/staff":            member("/staff"),
		"/api/members/{id}/posts":            member("/posts"),
		"/api/auth/providers":                {"/api/auth/providers"},
		"/api/auth/oidc/{provider}/callback": {f.callbackURL, "/api/auth/oidc/mock/callback?state=forged&code=forged", "/api/auth/oidc/mock/callback?error=access_denied&state=x"},
		"/api/invitations":                   {"/api/invitations"},
		"/api/invitations/code/{code}":       {"/api/invitations/code/" + f.emailCode, "/api/invitations/code/" + f.linkCode, "/api/invitations/code/bogus-code"},
		"/api/spaces":                        {"/api/spaces", "/api/spaces?cursor=garbage"},
		"/api/spaces/mine":                   {"/api/spaces/mine"},
		"/api/spaces/{id}":                   sp(""),
		"/api/spaces/{id}/members":           sp("/members"),
		"/api/spaces/{id}/requests":          sp("/requests"),
		"/api/spaces/{id}/posts":             sp("/posts"),
		"/api/spaces/{id}/unanswered":        sp("/unanswered"),
		"/api/spaces/{id}/ideas":             sp("/ideas"),
		"/api/spaces/{id}/mentionable":       sp("/mentionable?q=a"),
		"/api/spaces/{id}/tickets":           sp("/tickets"),
		"/api/stream":                        {"/api/stream", "/api/stream?cursor=garbage"},
		"/api/posts/{id}":                    post(""),
		"/api/posts/{id}/history":            post("/history"),
		"/api/posts/{id}/comments":           post("/comments"),
		"/api/posts/{id}/page":               post("/page"),
		"/api/posts/{id}/move-targets":       post("/move-targets"),
		"/api/notifications":                 {"/api/notifications"},
		"/api/moderation/queue":              {"/api/moderation/queue"},
		"/api/moderation/audit":              {"/api/moderation/audit"},
		"/api/tickets/{id}":                  {"/api/tickets/" + f.ticket.ID, "/api/tickets/t_nope"},
		"/api/tickets/{id}/attachment":       {"/api/tickets/" + f.ticket.ID + "/attachment?key=" + url.QueryEscape(f.attachmentKey), "/api/tickets/" + f.ticket.ID + "/attachment?key=nope"},
		"/api/support/queue":                 {"/api/support/queue", "/api/support/queue?status=open&severity=high"},
		"/api/support/agents":                {"/api/support/agents"},
		"/api/support/spaces":                {"/api/support/spaces", "/api/support/spaces?cursor=garbage"},
		"/api/support/settings":              {"/api/support/settings"},
		"/api/support/metrics":               {"/api/support/metrics", "/api/support/metrics?days=7"},
		"/api/kpis/traffic":                  {"/api/kpis/traffic?from=2026-11-01&to=2026-11-30", "/api/kpis/traffic?from=2026-11-01&to=2026-11-30&space=" + f.public.ID},
		"/api/kpis":                          {"/api/kpis?from=2026-11-01&to=2026-11-30", "/api/kpis?from=2026-11-01&to=2026-11-30&space=" + f.public.ID, "/api/kpis?from=x&to=y"},
		"/api/kpis/export.csv":               {"/api/kpis/export.csv?kpi=contributions&from=2026-11-01&to=2026-11-30", "/api/kpis/export.csv?kpi=searches&from=2026-11-01&to=2026-11-30"},
		"/api/kpis/participation":            {"/api/kpis/participation", "/api/kpis/participation?days=90"},
		"/api/kpis/settings":                 {"/api/kpis/settings"},
		"/api/kpis/baseline":                 {"/api/kpis/baseline"},
		"/api/kpis/health-checks":            {"/api/kpis/health-checks"},
		"/api/kpis/health-checks/{id}":       {"/api/kpis/health-checks/hc_unknown", "/api/kpis/health-checks/" + strings.Repeat("x", 80)},

		// Images: of a space the caller may read or not, and one of before images belonged to spaces.
		"/api/images/{id}/{member}/{file}": {f.imageURL, "/api/images/" + f.public.ID + "/" + f.memberID + "/abcdefghijklmnopqrstuvwxyz.png",
			"/api/images/" + f.hidden.ID + "/" + f.memberID + "/abcdefghijklmnopqrstuvwxyz.png"},
		"/api/images/{member}/{file}": {"/api/images/" + f.memberID + "/abcdefghijklmnopqrstuvwxyz.png"},

		// Campaigns (issue 12, r2): a live one, none; a proof, none.
		"/api/campaigns":                         {"/api/campaigns"},
		"/api/campaigns/manage":                  {"/api/campaigns/manage", "/api/campaigns/manage?cursor=garbage"},
		"/api/campaigns/{id}":                    {"/api/campaigns/" + f.campaignID, "/api/campaigns/c_nope"},
		"/api/campaigns/{id}/review":             {"/api/campaigns/" + f.campaignID + "/review", "/api/campaigns/c_nope/review"},
		"/api/campaigns/{id}/trial/applications": {"/api/campaigns/" + f.campaignID + "/trial/applications"},
		"/api/campaigns/{id}/report":             {"/api/campaigns/" + f.campaignID + "/report"},
		"/api/campaigns/{id}/image":              {"/api/campaigns/" + f.campaignID + "/image"},
		"/api/submissions/{id}":                  {"/api/submissions/" + f.submissionID, "/api/submissions/sub_nope"},
		"/api/submissions/{id}/screenshot":       {"/api/submissions/" + f.submissionID + "/screenshot"},

		// A comment's history: an edited comment, no such comment, no such post.
		"/api/posts/{id}/comments/{comment}/history": {"/api/posts/" + f.question.ID + "/comments/" + f.commentID + "/history",
			"/api/posts/" + f.question.ID + "/comments/c_nope/history", "/api/posts/p_nope/comments/" + f.commentID + "/history"},

		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		"/api/rewards/gifts":              {"/api/rewards/gifts", "/api/rewards/gifts?all=true", "/api/rewards/gifts?cursor=garbage"},
		"/api/rewards/gifts/{id}":         {"/api/rewards/gifts/g_nope"},
		"/api/rewards/orders/mine":        {"/api/rewards/orders/mine", "/api/rewards/orders/mine?cursor=garbage"},
		"/api/rewards/orders/{id}":        {"/api/rewards/orders/o_nope"},
		"/api/rewards/orders":             {"/api/rewards/orders", "/api/rewards/orders?status=shipped", "/api/rewards/orders?status=lost"},
		"/api/rewards/orders-to-ship.csv": {"/api/rewards/orders-to-ship.csv"},
		"/api/rewards/catalogue/settings": {"/api/rewards/catalogue/settings"},

		// Rewards: points, ranks, badges, leaderboards (issue 12, r1).
		"/api/rewards/me":         {"/api/rewards/me"},
		"/api/rewards/me/history": {"/api/rewards/me/history", "/api/rewards/me/history?cursor=garbage"},
		"/api/rewards/earn":       {"/api/rewards/earn"},
		"/api/rewards/leaderboard": {"/api/rewards/leaderboard", "/api/rewards/leaderboard?period=week",
			"/api/rewards/leaderboard?period=all&space=" + f.public.ID, "/api/rewards/leaderboard?period=never"},
		"/api/rewards/ranks":                {"/api/rewards/ranks?ids=" + f.memberID + "," + f.adminID, "/api/rewards/ranks?ids=m_nope"},
		"/api/rewards/members/{id}":         {"/api/rewards/members/" + f.memberID, "/api/rewards/members/m_nope"},
		"/api/rewards/settings":             {"/api/rewards/settings"},
		"/api/rewards/members/{id}/history": {"/api/rewards/members/" + f.memberID + "/history", "/api/rewards/members/m_nope/history"},

		// Newsletters: writing (issue 13, n1).
		"/api/newsletters":             {"/api/newsletters", "/api/newsletters?cursor=garbage"},
		"/api/newsletters/{id}":        {"/api/newsletters/nl_nope"},
		"/api/newsletters/branding":    {"/api/newsletters/branding"},
		"/api/newsletter-digests":      {"/api/newsletter-digests"},
		"/api/newsletter-archive":      {"/api/newsletter-archive", "/api/newsletter-archive?cursor=garbage"},
		"/api/newsletter-archive/{id}": {"/api/newsletter-archive/nl_nope"},

		// Search (issue 15): a real search or suggestion is counted by design (search
		// analytics: KPI VII, click-through, composer sessions; TestDeflectionEndToEnd,
		// store TestSearchCountsAreExactUnderConcurrency), so the walk sends them the
		// requests answered before anything is counted (nothing to search: 400 or an empty
		// suggestion); the analytics are read only.
		"/api/search":           {"/api/search?q=", "/api/search?q=x&size=0", "/api/search?q=x&kind=nope", "/api/search?q=" + strings.Repeat("w", 201)},
		"/api/search/suggest":   {"/api/search/suggest?for=question&q=", "/api/search/suggest?for=ticket&q=*", "/api/search/suggest?for=nope&q=x"},
		"/api/search/analytics": {"/api/search/analytics?from=" + time.Now().AddDate(0, 0, -6).UTC().Format(time.DateOnly) + "&to=" + time.Now().UTC().Format(time.DateOnly), "/api/search/analytics?from=never&to=now"},

		// Newsletters: audience and consent (n2), results and calendar (n4), sending (n3).
		// A real click is counted by design (mail clients follow links with GET: the
		// count is the route's purpose, TestNewsletterRedirectCountsClicksExactly), so
		// the walk follows forged and damaged redirects only; the open image is real,
		// and counts nothing while open tracking is off (the default).
		"/api/me/newsletters":           {"/api/me/newsletters"},
		"/api/newsletters/lists":        {"/api/newsletters/lists"},
		"/api/newsletters/unsubscribe":  {"/api/newsletters/unsubscribe?t=" + url.QueryEscape(f.unsubscribeToken), "/api/newsletters/unsubscribe?t=forged", "/api/newsletters/unsubscribe"},
		"/api/newsletters/suppressions": {"/api/newsletters/suppressions", "/api/newsletters/suppressions?cursor=garbage"},
		"/api/n/{token...}":             {f.clickPath[:len(f.clickPath)-3] + "xyz", "/api/n/forged", "/api/n/"},
		"/api/n/o/{token...}":           {f.openPath, "/api/n/o/forged"},
		"/api/newsletters/{id}/results": {"/api/newsletters/" + f.newsletterID + "/results", "/api/newsletters/nl_nope/results"},
		"/api/newsletters/visits":       {"/api/newsletters/visits", "/api/newsletters/visits?days=7", "/api/newsletters/visits?days=seven"},
		"/api/newsletters/tracking":     {"/api/newsletters/tracking"},
		"/api/newsletters/calendar": {"/api/newsletters/calendar", "/api/newsletters/calendar?from=" + url.QueryEscape(time.Now().UTC().Format(time.RFC3339)) +
			"&to=" + url.QueryEscape(time.Now().AddDate(0, 1, 0).UTC().Format(time.RFC3339)), "/api/newsletters/calendar?from=never"},
		"/api/newsletters/{id}/sending":    {"/api/newsletters/" + f.newsletterID + "/sending", "/api/newsletters/nl_nope/sending"},
		"/api/newsletter-sending-settings": {"/api/newsletter-sending-settings"},

		// Documents and bookmarks (issue 16): a space's documents (filters, a bad cursor),
		// a document of each space through each space; bookmarks of every kind.
		"/api/spaces/{id}/documents": append(sp("/documents"), "/api/spaces/"+f.public.ID+"/documents?folder=Brochures&tag=walk",
			"/api/spaces/"+f.public.ID+"/documents?folder=a/b/c/d", "/api/spaces/"+f.public.ID+"/documents?cursor=garbage"),
		"/api/spaces/{id}/documents/{docId}": append(append(sp("/documents/"+f.documentID), sp("/documents/"+f.hiddenDocumentID)...),
			"/api/spaces/"+f.public.ID+"/documents/d_nope"),
		"/api/bookmarks": {"/api/bookmarks", "/api/bookmarks?kind=document", "/api/bookmarks?kind=nope", "/api/bookmarks?cursor=garbage"},
		"/api/bookmarks/{kind}/{id}": {"/api/bookmarks/document/" + f.documentID, "/api/bookmarks/document/" + f.hiddenDocumentID,
			"/api/bookmarks/post/" + f.question.ID, "/api/bookmarks/article/a_nope", "/api/bookmarks/nope/x"},

		// The knowledge base (issue 16): categories and articles of the community, of a
		// space, of a hidden space and of none; drafts; versions, diffs and feedback,
		// with bad numbers and cursors.
		"/api/kb/categories": {"/api/kb/categories", "/api/kb/categories?space=" + f.public.ID, "/api/kb/categories?space=" + f.hidden.ID,
			"/api/kb/categories?space=s_nope"},
		"/api/kb/articles": {"/api/kb/articles", "/api/kb/articles?status=draft", "/api/kb/articles?status=nope", "/api/kb/articles?q=walk&status=published",
			"/api/kb/articles?category=" + f.categoryID, "/api/kb/articles?space=" + f.hidden.ID, "/api/kb/articles?cursor=garbage"},
		"/api/kb/articles/{id}": {art(""), "/api/kb/articles/" + f.draftID, "/api/kb/articles/" + f.hiddenArticleID, "/api/kb/articles/a_nope"},
		"/api/kb/articles/{id}/versions": {art("/versions"), "/api/kb/articles/" + f.draftID + "/versions",
			"/api/kb/articles/" + f.hiddenArticleID + "/versions"},
		"/api/kb/articles/{id}/versions/{v}": {art("/versions/1"), art("/versions/3"), art("/versions/99"), art("/versions/x"),
			"/api/kb/articles/" + f.hiddenArticleID + "/versions/1"},
		"/api/kb/articles/{id}/diff": {art("/diff?from=1&to=3"), art("/diff?from=3&to=1"), art("/diff?from=1"), art("/diff?from=1&to=99"),
			"/api/kb/articles/" + f.hiddenArticleID + "/diff?from=1&to=2"},
		"/api/kb/articles/{id}/feedback": {art("/feedback"), art("/feedback?cursor=garbage"), "/api/kb/articles/" + f.hiddenArticleID + "/feedback"},
	}
}

// No GET or HEAD request changes anything: every GET route of the route table, with
// real ids, tokens and invitation codes, as a visitor, a member and an admin, leaves
// every item of the table as it was, sends no mail, and sets no session cookie.
func TestNoGetOrHeadChangesAnything(t *testing.T) {
	t.Parallel()
	f := newWalkFixture(t)
	c := f.c
	samples := f.samples()
	var walk []string
	seen := map[string]bool{}
	for _, rt := range app.AllRoutes(app.Deps{}) {
		if rt.Method != "GET" {
			continue
		}
		seen[rt.Pattern] = true
		paths, ok := samples[rt.Pattern]
		if !ok {
			t.Errorf("GET %s has no sample in this walk: add real requests for it", rt.Pattern)
		}
		walk = append(walk, paths...)
	}
	for pattern := range samples {
		if !seen[pattern] {
			t.Errorf("the walk samples %s, which is no GET route (moved to a POST? then drop it here)", pattern)
		}
	}
	mails := func() int {
		msgs, err := mail.ReadOutbox(c.outbox)
		if err != nil {
			t.Fatal(err)
		}
		return len(msgs)
	}
	before := c.settledSnapshot()
	mailsBefore := mails()
	// No cookie jar: whatever an answer sets, the next request carries the same cookie.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	callers := []struct{ name, cookie string }{{"visitor", ""}, {"member", f.memberCookie}, {"admin", f.adminCookie}}
	requests := 0
	for _, path := range walk {
		for _, who := range callers {
			for _, method := range []string{"HEAD", "GET"} {
				req, _ := http.NewRequest(method, c.srv.URL+path, nil)
				req.Header.Set("Accept", "text/html,application/xhtml+xml") // what a mail scanner or a browser sends
				if who.cookie != "" {
					req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: who.cookie})
				}
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				requests++
				what := method + " " + path + " as " + who.name
				if resp.StatusCode >= 500 {
					t.Errorf("%s: %d", what, resp.StatusCode)
				}
				for _, ck := range resp.Cookies() {
					if ck.Name == auth.SessionCookie && ck.Value != "" {
						t.Errorf("%s: the answer sets a session cookie", what)
					}
				}
			}
		}
		// Writes a handler makes itself are seen at once, named by the path (its six
		// requests: HEAD and GET as each caller). One table scan per path, not per request:
		// the walk scanned the whole table 1,290 times (816 s, shared/app's longest test).
		if d := diffTables(before, c.snapshot()); len(d) > 0 {
			t.Errorf("GET or HEAD %s changed the table:\n  %s", path, strings.Join(d, "\n  "))
			before = c.snapshot()
		}
	}
	// What the event path would do with an event a GET wrote shows once it settled.
	if d := diffTables(before, c.settledSnapshot()); len(d) > 0 {
		t.Errorf("after the walk the table changed:\n  %s", strings.Join(d, "\n  "))
	}
	if n := mails() - mailsBefore; n != 0 {
		t.Errorf("the walk sent %d emails", n)
	}
	// Emails link to pages of the web app, never to the API: following a link changes nothing.
	msgs, _ := mail.ReadOutbox(c.outbox)
	for _, m := range msgs {
		if strings.Contains(m.Text+m.HTML, c.srv.URL+"/api/") {
			t.Errorf("the email %q links to the API", m.Subject)
		}
	}
	t.Logf("%d GET routes, %d requests", len(seen), requests)
}
