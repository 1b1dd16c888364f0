package app_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Tests of issue 10: emails follow the member's language and say who did
// what to what, statuses in words.

// A French member's activity emails are French sentences naming who did what to what,
// statuses in French words, never a code; an English member's are English. The inbox
// entries carry what the sentence names (actor, subject, ticket number).
func TestActivityEmailsAreSentencesInTheMembersLanguage(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	sam := c.as("sam", policy.RoleSupport)
	zoe, bob := c.as("zoe"), c.as("bob")
	c.speaks(zoe, "Zoé", "fr")
	sp := c.space(admin, "Idées", spaces.Public)
	c.join(zoe, sp.ID)
	c.join(bob, sp.ID)

	// A comment on Zoé's question, an accepted answer, an idea she voted for.
	q := c.post(zoe, sp.ID, `{"kind":"question","title":"Mode sombre ?","body":"Quand ?"}`)
	answer := c.comment(bob, q.ID, `{"body":"Bientôt."}`)
	c.mailSaying("zoe@example.com", "bob a commenté votre message « Mode sombre ? ».", "Voir le message\u00a0: ", "/posts/"+q.ID)
	cm := c.comment(zoe, q.ID, `{"body":"Merci"}`)
	if status, body := c.call(zoe, "POST", "/api/posts/"+q.ID+"/comments/"+answer.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, body)
	}
	c.mailSaying("bob@example.com", "Zoé accepted your answer to “Mode sombre ?”.", "See the post: ")
	if n := c.inbox(bob, notifications.KindAnswerAccepted); n.ActorID != "m_zoe" || n.ActorName != "Zoé" {
		t.Fatalf("the accepted answer's notice names nobody: %+v", n)
	}
	_ = cm
	idea := c.post(bob, sp.ID, `{"kind":"idea","title":"Thème clair","body":"Oui."}`)
	c.call(zoe, "POST", "/api/posts/"+idea.ID+"/vote", `{}`, nil)
	if status, body := c.call(admin, "POST", "/api/posts/"+idea.ID+"/status", `{"status":"under_review"}`, nil); status != 200 {
		t.Fatalf("status: %d %s", status, body)
	}
	c.mailSaying("zoe@example.com", "L’idée « Thème clair », pour laquelle vous avez voté, est maintenant à l’étude.")

	// A ticket: the acknowledgement, a status, an assignment, a reopening.
	acme := c.customerSpace(admin, "Acme", "m_zoe")
	c.join(zoe, acme.ID)
	tk := c.ticket(zoe, acme.ID, `{"subject":"Panne","product":"General","severity":"high","body":"Tout est arrêté."}`)
	c.mailSaying("zoe@example.com", fmt.Sprintf("Nous avons reçu votre demande n° %d « Panne » : notre équipe d’assistance vous répondra sous 4 heures.", tk.Number),
		"Voir le ticket\u00a0: ", "/tickets/"+tk.ID)
	if status, body := c.call(admin, "POST", "/api/tickets/"+tk.ID+"/assign", `{"assigneeId":"m_sam"}`, nil); status != 200 {
		t.Fatalf("assign: %d %s", status, body)
	}
	c.mailSaying("sam@example.com", fmt.Sprintf("ada assigned the ticket #%d “Panne” to you.", tk.Number))
	if status, body := c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"on_hold"}`, nil); status != 200 {
		t.Fatalf("on hold: %d %s", status, body)
	}
	c.mailSaying("zoe@example.com", fmt.Sprintf("Votre ticket n° %d « Panne » est maintenant en pause.", tk.Number))
	c.call(sam, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"solved"}`, nil)
	c.mailSaying("zoe@example.com", fmt.Sprintf("Votre ticket n° %d « Panne » est maintenant résolu.", tk.Number))
	c.call(zoe, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Ça recommence."}`, nil)
	c.mailSaying("sam@example.com", fmt.Sprintf("Zoé reopened the ticket #%d “Panne”.", tk.Number))

	// No email to Zoé holds a code, an English word of a status, or a member id.
	for _, m := range c.mailsTo("zoe@example.com") {
		for _, bad := range []string{"under_review", "on_hold", tickets.StatusPendingCustomer, "m_bob", "m_ada", "Hello", "Open Tribune", "{"} {
			if strings.Contains(m.Subject+m.Text+m.HTML, bad) {
				t.Errorf("an email to a French member says %q: %s\n%s", bad, m.Subject, m.Text)
			}
		}
		if !strings.HasPrefix(m.Text, "Bonjour Zoé,") {
			t.Errorf("an email to a French member starts %q", m.Text[:min(len(m.Text), 40)])
		}
	}
}

// A newcomer who signs up with a provider from a French page gets a French account
// (and so French emails), whatever their browser's Accept-Language says.
func TestSocialSignUpTakesThePagesLanguage(t *testing.T) {
	t.Parallel()
	e := newSocialEnv(t)
	e.oidc.QueueUser(&mockoidc.MockUser{Subject: "sub-fr", Email: "lea@example.com", EmailVerified: true, PreferredUsername: "lea"})
	resp, body := e.get(e.authorize(e.startFlowWith(`{"return":"/","locale":"fr"}`)))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: %d %s", resp.StatusCode, body)
	}
	_, me := e.get(e.srv.URL + "/api/me")
	if !strings.Contains(me, `"locale":"fr"`) {
		t.Fatalf("a newcomer from a French page: %s", me)
	}
	if resp, body := e.post(e.srv.URL+"/api/auth/oidc/mock/start", `{"return":"/","locale":"de"}`); resp.StatusCode != 400 || problemCode(body) != "invalid_locale" {
		t.Fatalf("an unknown locale: %d %s", resp.StatusCode, body)
	}
}
