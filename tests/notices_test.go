package tests

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"tribune/shared/auth"
	"tribune/shared/locale"
	"tribune/shared/members"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// Tests of issue 10, "Notifications that read as sentences", statuses in words and
// plurals: the web app's sentences and words are run in Node (web/src/notices.ts and
// web/src/i18n.ts bundled by esbuild), the kinds and codes are read from the Go code.

// notificationKinds lists the kinds of notification the code declares: every string
// constant named Kind... of shared/notifications, read from its source.
func notificationKinds(t *testing.T) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), "../shared/notifications", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, f := range pkgs["notifications"].Files {
		ast.Inspect(f, func(node ast.Node) bool {
			vs, ok := node.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, name := range vs.Names {
				if i < len(vs.Values) && strings.HasPrefix(name.Name, "Kind") {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						kinds = append(kinds, v)
					}
				}
			}
			return true
		})
	}
	sort.Strings(kinds)
	if len(kinds) < 15 {
		t.Fatalf("found only %d notification kinds in shared/notifications: is the pattern still right? %v", len(kinds), kinds)
	}
	return kinds
}

// webModule bundles web/src/notices.ts and web/src/i18n.ts into one CommonJS file for
// Node and returns its path.
func webModule(t *testing.T) string {
	t.Helper()
	src, _ := filepath.Abs("../web/src")
	esbuild, _ := filepath.Abs("../.tools/node_modules/.bin/esbuild")
	if _, err := os.Stat(esbuild); err != nil {
		t.Fatalf("esbuild is missing (%v): run `make tools`", err)
	}
	dir := t.TempDir()
	entry := filepath.Join(dir, "entry.ts")
	body := "export * from " + strconv.Quote(filepath.Join(src, "notices")) + ";\n" +
		"export { strings, count, plural } from " + strconv.Quote(filepath.Join(src, "i18n")) + ";\n"
	if err := os.WriteFile(entry, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "web.cjs")
	cmd := exec.Command(esbuild, entry, "--bundle", "--format=cjs", "--platform=node", "--log-level=error", "--outfile="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, b)
	}
	return out
}

// runWeb runs script in Node with the bundled web module as `web` and input as `input`,
// and decodes what it prints (JSON) into out.
func runWeb(t *testing.T, script string, input, out any) {
	t.Helper()
	mod := webModule(t)
	in, _ := json.Marshal(input)
	full := "const web = require(" + strconv.Quote(mod) + ");\nconst input = " + string(in) + ";\n" + script
	cmd := exec.Command("node", "-e", full)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("node printed %s: %v", b, err)
	}
}

// sampleNotice is a notification of kind naming everything its sentence may name.
func sampleNotice(kind string) notifications.Notification {
	n := notifications.Notification{Kind: kind, ActorID: "m_zoe", ActorName: "Zoé", PostID: "p_1", PostTitle: "Printer on fire"}
	switch kind {
	case notifications.KindIdeaStatus:
		n.Detail = posts.IdeaUnderReview
	case notifications.KindReport:
		n.Detail, n.CommentID = "off_topic", "c_1"
	case notifications.KindWarning:
		n.Detail = "Please stay on topic."
	case notifications.KindSpaceInvite, notifications.KindSpaceApproved, notifications.KindSpaceDeclined:
		n.PostID, n.PostTitle, n.SpaceID, n.Detail = "", "", "s_1", "Night owls"
	case notifications.KindBadgeAwarded, notifications.KindRankReached:
		n.PostID, n.PostTitle, n.Detail = "", "", map[string]string{notifications.KindBadgeAwarded: "first_accepted_answer", notifications.KindRankReached: "expert"}[kind]
	case notifications.KindTicketAck, notifications.KindTicketOpened, notifications.KindTicketReply, notifications.KindTicketStatus,
		notifications.KindTicketReopened, notifications.KindTicketAssigned, notifications.KindTicketBreached:
		n.PostID, n.TicketID, n.TicketNumber = "", "t_1", 42
		n.Detail = map[string]string{notifications.KindTicketAck: "14400", notifications.KindTicketReply: "Try turning it off.",
			notifications.KindTicketStatus: tickets.StatusPendingCustomer, notifications.KindTicketBreached: tickets.TargetFirstResponse}[kind]
	case notifications.KindOrderStatus:
		// Rewards: catalogue, redemptions, orders (issue 12, r3): about the member's own order.
		n.PostID, n.ActorID, n.ActorName, n.Detail = "", "", "", "approved"
	}
	return n
}

// Every kind of notification the code declares has, in the web app, a sentence of its
// own in English and in French: it names the actor (a link to their profile), links
// its subject to the web page of what it is about, says statuses in words, and says
// what the email of that notification says.
func TestEveryNotificationKindHasASentenceInEveryLanguage(t *testing.T) {
	kinds := notificationKinds(t)
	var list []notifications.Notification
	for _, k := range kinds {
		list = append(list, sampleNotice(k))
	}
	type part struct {
		Text string `json:"text"`
		Href string `json:"href"`
	}
	var got map[string]map[string]struct {
		Own     bool   `json:"own"`
		Pattern string `json:"pattern"`
		Parts   []part `json:"parts"`
	}
	runWeb(t, `
const out = {};
for (const lang of ['en', 'fr']) {
  out[lang] = {};
  for (const n of input) {
    out[lang][n.kind] = {
      own: Object.prototype.hasOwnProperty.call(web.strings[lang].notices ?? {}, n.kind),
      pattern: web.strings[lang].notices[web.noticeKey(n)] ?? '',
      parts: web.noticeParts(lang, n),
    };
  }
}
console.log(JSON.stringify(out));`, list, &got)

	routes := map[string]string{"p_1": "/posts/p_1", "t_1": "/tickets/t_1", "s_1": "/spaces/s_1", "rewards": "/rewards"}
	for _, lang := range locale.Supported {
		for _, n := range list {
			g := got[lang][n.Kind]
			if !g.Own || !notifications.HasSentence(lang, n.Kind) {
				t.Errorf("kind %q has no %s sentence (web: %v, email: %v)", n.Kind, lang, g.Own, notifications.HasSentence(lang, n.Kind))
				continue
			}
			var text strings.Builder
			links := map[string]string{}
			for _, p := range g.Parts {
				text.WriteString(p.Text)
				if p.Href != "" {
					links[p.Href] = p.Text
				}
			}
			sentence := text.String()
			if strings.ContainsAny(sentence, "{}_") || strings.Contains(sentence, "undefined") || strings.Contains(sentence, "m_zoe") ||
				!strings.HasSuffix(sentence, ".") {
				t.Errorf("%s in %s is not a sentence: %q", n.Kind, lang, sentence)
			}
			if strings.Contains(g.Pattern, "{actor}") && links["/members/m_zoe"] != "Zoé" {
				t.Errorf("%s in %s does not name its actor with a link: %+v", n.Kind, lang, g.Parts)
			}
			subject := n.TicketID + n.PostID
			if subject == "" {
				subject = n.SpaceID
			}
			if n.Kind == notifications.KindOrderStatus {
				subject = "orders"
				routes[subject] = "/rewards/orders"
			}
			if n.Kind == notifications.KindBadgeAwarded || n.Kind == notifications.KindRankReached || n.Kind == notifications.KindPointsReversed {
				subject = "rewards" // the rewards page (issue 12)
			}
			if n.Kind != notifications.KindUnavailable && links[routes[subject]] == "" {
				t.Errorf("%s in %s links nothing to %s: %+v", n.Kind, lang, routes[subject], g.Parts)
			}
			if email := notifications.Sentence(lang, n); email != sentence {
				t.Errorf("%s in %s: the app says %q, the email %q", n.Kind, lang, sentence, email)
			}
		}
	}
}

// Every status, reason, kind and role the code can give a member is shown in words of
// their language, wherever the web app shows it: each code of the domains has its
// label in both languages, and no page writes such a field raw.
func TestEveryStatusIsShownInWords(t *testing.T) {
	codes := map[string][]string{
		"ideaStatuses":   posts.IdeaStatuses,
		"ticketStatuses": tickets.Statuses,
		"severities":     tickets.Severities,
		"reportReasons":  posts.ReportReasons,
		"postKinds":      posts.Kinds,
		"spaceKinds":     spaces.Kinds,
		"visibilities":   {spaces.Public, spaces.Closed, spaces.Hidden},
		"spaceRoles":     {spaces.RoleOwner, spaces.RoleModerator, spaces.RoleMember},
		"roleNames":      policy.StaffRoles,
		"leadStatuses":   members.LeadStatuses,
	}
	words := map[string][]string{notifications.WordIdea: posts.IdeaStatuses, notifications.WordTicket: tickets.Statuses,
		notifications.WordReason: posts.ReportReasons, notifications.WordTarget: tickets.SLATargets}
	var noticeWords []string
	for group, list := range words {
		for _, code := range list {
			noticeWords = append(noticeWords, group+"."+code)
		}
	}
	codes["noticeWords"] = noticeWords
	memberStatuses := []string{auth.StatusActive, auth.StatusSuspended, auth.StatusBanned, auth.StatusDeleted}
	var got map[string]map[string]map[string]*string
	runWeb(t, `
const out = {};
for (const lang of ['en', 'fr']) {
  const s = web.strings[lang];
  out[lang] = {};
  for (const [table, codes] of Object.entries(input.codes)) {
    out[lang][table] = {};
    for (const c of codes) out[lang][table][c] = Object.prototype.hasOwnProperty.call(s[table] ?? {}, c) ? s[table][c] : null;
  }
  out[lang].status = {};
  for (const c of input.statuses) out[lang].status[c] = s.status(c);
}
console.log(JSON.stringify(out));`, map[string]any{"codes": codes, "statuses": memberStatuses}, &got)
	codes["status"] = memberStatuses
	for _, lang := range locale.Supported {
		for table, list := range codes {
			for _, code := range list {
				label := got[lang][table][code]
				if label == nil || *label == "" || (code != "" && *label == code && table != "noticeWords") || strings.Contains(*label, "_") {
					t.Errorf("%s: %q has no %s words in web/src/i18n.ts (%v)", table, code, lang, label)
				}
			}
		}
		for group, list := range words {
			for _, code := range list {
				if w, ok := notifications.Word(lang, group, code); !ok || w == "" || strings.Contains(w, "_") {
					t.Errorf("emails have no %s words for %s %q", lang, group, code)
				}
			}
		}
	}

	// No page writes a status-like field as it comes from the API: {x.status} and the
	// like go through a table of words (s.ticketStatuses[x.status]...); s.visibility,
	// a field's label in the strings table s, is words already.
	raw := regexp.MustCompile(`>\s*\{\s*(?:[\w?!]+\.)*(status|ideaStatus|visibility|role|kind|severity|target|leadStatus)\s*\}`)
	files, _ := filepath.Glob("../web/src/*.tsx")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range raw.FindAllString(string(src), -1) {
			if strings.Contains(m, "{s.") {
				continue
			}
			t.Errorf("%s shows a raw code: %s", filepath.Base(f), m)
		}
	}
}

// Counts are real plurals in both languages: "1 vote", "2 votes"; French treats 0 and 1
// as singular ("0 vote", "1 nouvelle"); no text says "(s)".
func TestCountsArePluralsInBothLanguages(t *testing.T) {
	var got map[string]map[string][]string
	runWeb(t, `
const calls = {
  votesCount: (s, n) => s.votesCount(n),
  membersCount: (s, n) => s.membersCount(n),
  commentsTitle: (s, n) => s.commentsTitle(n),
  pollShare: (s, n) => s.pollShare(n, 50),
  reportedBy: (s, n) => s.reportedBy('Ann', 'Help', n, 'Spam'),
  bulkSent: (s, n) => s.bulkSent(n, n),
  invitationUses: (s, n) => s.invitationUses(n, 5),
  notificationsNavUnread: (s, n) => s.notificationsNavUnread(n),
  duration: (s, n) => s.duration(n * 60) + ' / ' + s.duration(n * 1440) + ' / ' + s.duration(n === 0 ? 0 : n * 7),
  reportLine: (s, n) => s.reportLine(n, n, '1', '1', '1', '1', null),
};
const out = {};
for (const lang of ['en', 'fr']) {
  out[lang] = {};
  for (const [name, f] of Object.entries(calls)) out[lang][name] = [0, 1, 2, 1000].map((n) => f(web.strings[lang], n));
}
console.log(JSON.stringify(out));`, nil, &got)
	want := map[string]map[string][]string{
		"en": {
			"votesCount":             {"0 votes", "1 vote", "2 votes", "1,000 votes"},
			"membersCount":           {"0 members", "1 member", "2 members", "1,000 members"},
			"commentsTitle":          {"Comments", "1 comment", "2 comments", "1,000 comments"},
			"pollShare":              {"0 votes, 50%", "1 vote, 50%", "2 votes, 50%", "1,000 votes, 50%"},
			"notificationsNavUnread": {"Notifications (0 new)", "Notifications (1 new)", "Notifications (2 new)", "Notifications (1000 new)"},
			"duration":               {"0 minutes / 0 minutes / 0 minutes", "1 hour / 1 day / 7 minutes", "2 hours / 2 days / 14 minutes", "1,000 hours / 1,000 days / 7,000 minutes"},
		},
		"fr": {
			"votesCount":             {"0 vote", "1 vote", "2 votes", "1\u202f000 votes"},
			"membersCount":           {"0 membre", "1 membre", "2 membres", "1\u202f000 membres"},
			"commentsTitle":          {"Commentaires", "1 commentaire", "2 commentaires", "1\u202f000 commentaires"},
			"pollShare":              {"0 vote, 50 %", "1 vote, 50 %", "2 votes, 50 %", "1\u202f000 votes, 50 %"},
			"notificationsNavUnread": {"Notifications (0 nouvelle)", "Notifications (1 nouvelle)", "Notifications (2 nouvelles)", "Notifications (1\u202f000 nouvelles)"},
			"invitationUses":         {"0 sur 5 utilisée", "1 sur 5 utilisée", "2 sur 5 utilisées", "1000 sur 5 utilisées"},
			"duration":               {"0 minute / 0 minute / 0 minute", "1 heure / 1 jour / 7 minutes", "2 heures / 2 jours / 14 minutes", "1\u202f000 heures / 1\u202f000 jours / 7\u202f000 minutes"},
		},
	}
	for lang, calls := range want {
		for name, w := range calls {
			if g := got[lang][name]; strings.Join(g, "|") != strings.Join(w, "|") {
				t.Errorf("%s %s: got %q, want %q", lang, name, g, w)
			}
		}
	}
	for lang, calls := range got {
		for name, texts := range calls {
			for _, s := range texts {
				if strings.Contains(s, "(s)") || strings.Contains(s, "(es)") || strings.Contains(s, "undefined") {
					t.Errorf("%s %s says %q", lang, name, s)
				}
			}
		}
		if s := got[lang]["reportedBy"][1]; !strings.Contains(s, map[string]string{"en": "1 report:", "fr": "1 signalement"}[lang]) {
			t.Errorf("%s reportedBy(1): %q", lang, s)
		}
		if s := got[lang]["bulkSent"][1]; !strings.Contains(s, map[string]string{"en": "1 invitation sent. 1 address already had", "fr": "1 invitation envoyée. 1 adresse avait"}[lang]) {
			t.Errorf("%s bulkSent(1): %q", lang, s)
		}
		if s := got["fr"]["reportLine"][1]; !strings.HasPrefix(s, "1 ouvert, 1 résolu.") {
			t.Errorf("fr reportLine(1): %q", s)
		}
	}
	web, err := os.ReadFile("../web/src/i18n.ts")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`[a-zé](\(s\)|\(es\))[^:]`).FindAllString(strings.ReplaceAll(string(web), "http(s)", ""), -1); len(m) > 0 {
		t.Errorf("web/src/i18n.ts still writes plurals as %q", m)
	}
}
