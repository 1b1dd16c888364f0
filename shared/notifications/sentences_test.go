package notifications

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"tribune/shared/locale"
)

// kindsInCode lists the notification kinds this package declares: every string
// constant named Kind..., read from the source (never from a list kept by hand).
func kindsInCode(t *testing.T) map[string]string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, f := range pkgs["notifications"].Files {
		for _, d := range f.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, spec := range gen.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Kind") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						kinds[name.Name], _ = strconv.Unquote(lit.Value)
					}
				}
			}
		}
	}
	if len(kinds) < 15 {
		t.Fatalf("found only %d kinds in the code: %v", len(kinds), kinds)
	}
	return kinds
}

// sample is a notification of kind naming everything a sentence may name.
func sample(kind string) Notification {
	n := Notification{Kind: kind, ActorID: "m_zoe", ActorName: "Zoé <b>", PostID: "p_1", PostTitle: "Printer & fire"}
	switch kind {
	case KindIdeaStatus:
		n.Detail = "under_review"
	case KindReport:
		n.Detail, n.CommentID = "off_topic", "c_1"
	case KindWarning:
		n.Detail = "Please stay on topic."
	case KindContentHidden:
		n.Detail = "Advertising is not allowed here."
	case KindBadgeAwarded, KindRankReached:
		n.PostID, n.PostTitle, n.Detail = "", "", map[string]string{KindBadgeAwarded: "first_accepted_answer", KindRankReached: "expert"}[kind]
	case KindSpaceInvite, KindSpaceApproved, KindSpaceDeclined:
		n.PostID, n.PostTitle, n.SpaceID, n.Detail = "", "", "s_1", "Night owls"
	case KindTicketAck, KindTicketOpened, KindTicketReply, KindTicketStatus, KindTicketReopened, KindTicketAssigned, KindTicketBreached:
		n.PostID, n.TicketID, n.TicketNumber = "", "t_1", 42
		n.Detail = map[string]string{KindTicketAck: "14400", KindTicketReply: "Try turning it off.", KindTicketStatus: "pending_customer",
			KindTicketBreached: "first_response"}[kind]
	case KindProofApproved:
		n.Detail = "100"

	case KindOrderStatus:
		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		n.PostID, n.ActorID, n.ActorName, n.Detail = "", "", "", "approved"

	case KindArticlePublished, KindArticleUpdated:
		// The knowledge base (issue 16): the title in PostTitle, no post.
		n.PostID, n.ArticleID, n.ArticleVersion = "", "a_1", 3
	}
	return n
}

// Every kind of notification the code declares says who did what to what, in every
// language, in its email: a sentence of that language, naming the actor and the
// subject, its status or reason in words (never a code, a key or a placeholder), with
// a link to the web page of what it is about.
func TestEveryKindHasASentence(t *testing.T) {
	svc := NewService(nil, nil, "https://community.example")
	codes := []string{"under_review", "pending_customer", "off_topic", "first_response", "14400", "{", "}", "<no value>", "m_zoe"}
	for name, kind := range kindsInCode(t) {
		for _, lang := range locale.Supported {
			if !HasSentence(lang, kind) {
				t.Errorf("%s (%q) has no %s sentence", name, kind, lang)
				continue
			}
			n := sample(kind)
			msg, err := svc.activityMessage(Recipient{Email: "a@example.com", Name: "Ann", Locale: lang}, n)
			if err != nil {
				t.Fatalf("%s %s: %v", kind, lang, err)
			}
			sentence := Sentence(lang, n)
			bad := codes
			if strings.Contains(kind, "_") { // "comment" and "mention" are words too
				bad = append(bad, kind)
			}
			for _, bad := range bad {
				if strings.Contains(sentence, bad) || strings.Contains(msg.Subject, bad) {
					t.Errorf("%s in %s shows %q: %s", kind, lang, bad, sentence)
				}
			}
			if !strings.HasSuffix(sentence, ".") || !strings.Contains(msg.Text, sentence) || msg.Subject != strings.TrimSuffix(sentence, ".") {
				t.Errorf("%s in %s: sentence %q, subject %q, text %q", kind, lang, sentence, msg.Subject, msg.Text)
			}
			pattern, _ := text(lang, kind)
			if strings.Contains(pattern, "{actor}") && (!strings.Contains(sentence, "Zoé <b>") || !strings.Contains(msg.HTML, "Zoé &lt;b&gt;")) {
				t.Errorf("%s in %s does not name its actor: %s", kind, lang, sentence)
			}
			want := map[bool]string{true: "/tickets/t_1", false: "/posts/p_1"}[n.TicketID != ""]
			switch {
			case kind == KindReport:
				// Reports are dealt with in the moderation queue.
				want = "/moderation"
			case n.SpaceID != "":
				want = "/spaces/s_1"
			case kind == KindOrderStatus:
				want = "/rewards/orders"

			case kind == KindBadgeAwarded || kind == KindRankReached || kind == KindPointsReversed:
				want = "/rewards"
			case kind == KindArticlePublished:
				want = "/kb/articles/a_1"
			case kind == KindArticleUpdated:
				// A change links to its diff with the version before.
				want = "/kb/articles/a_1/diff?from=2&to=3"
			}
			if kind != KindUnavailable && !strings.Contains(msg.Text, "https://community.example"+want) {
				t.Errorf("%s in %s has no link to %s: %s", kind, lang, want, msg.Text)
			}
		}
	}
}

// French and English sentences differ (a French member never reads English), and a
// deleted actor is named in the reader's language.
func TestSentencesAreInTheReadersLanguage(t *testing.T) {
	n := sample(KindTicketStatus)
	en, fr := Sentence("en", n), Sentence("fr", n)
	if en != "Your ticket #42 “Printer & fire” is now waiting for your answer." || fr != "Votre ticket n° 42 « Printer & fire » est maintenant en attente de votre réponse." {
		t.Fatalf("en %q, fr %q", en, fr)
	}
	n = sample(KindComment)
	n.ActorDeleted = true
	if got := Sentence("fr", n); got != "Membre supprimé a commenté votre message « Printer & fire »." {
		t.Fatalf("a deleted actor in French: %q", got)
	}
	n.ActorID, n.ActorName, n.ActorDeleted = "", "", false
	if got := Sentence("en", n); got != "Someone commented on your post “Printer & fire”." {
		t.Fatalf("no actor: %q", got)
	}
	if got := Sentence("fr", sample(KindTicketAck)); !strings.Contains(got, "sous 4 heures") {
		t.Fatalf("the acknowledgement in French: %q", got)
	}
	// Rewards: catalogue, redemptions, orders (issue 12, r3). Every order status has its
	// word, and a shipped order says where to follow it.
	for _, lang := range locale.Supported {
		for _, st := range []string{"ordered", "approved", "shipped", "delivered", "cancelled"} {
			if _, ok := Word(lang, WordOrder, st); !ok {
				t.Errorf("order status %s has no word in %s", st, lang)
			}
		}
	}
	shipped := sample(KindOrderStatus)
	shipped.Detail = "shipped"
	if got := Sentence("fr", shipped); got != "Votre commande « Printer & fire » a été expédiée : suivez-la avec son numéro de suivi sur la page de vos commandes." {
		t.Fatalf("a shipped order in French: %q", got)
	}
}
