package members

import (
	"strings"
	"testing"

	"tribune/shared/errs"
	"tribune/shared/locale"
	"tribune/shared/mail"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"Ann@Example.COM":          "ann@example.com",
		"  bo.b+tag@mail.example ": "bo.b+tag@mail.example",
	}
	for in, want := range good {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ann", "ann@", "@example.com", "ann@localhost", "Ann <ann@example.com>", "a@b@example.com",
		"ann@example.com.", "ann@.example.com", strings.Repeat("a", 250) + "@example.com", "a,b@example.com"} {
		if _, err := NormalizeEmail(bad); err != ErrInvalidEmail {
			t.Errorf("NormalizeEmail(%q) = %v, want ErrInvalidEmail", bad, err)
		}
	}
}

func TestDefaultDisplayNameIsTheLocalPart(t *testing.T) {
	if got := defaultDisplayName("ann.lee@example.com"); got != "ann.lee" {
		t.Fatalf("got %q", got)
	}
	if got := defaultDisplayName(strings.Repeat("x", 60) + "@example.com"); len(got) != 40 {
		t.Fatalf("long local part not cut: %d", len(got))
	}
	// An address never gives a reserved name (issue 9, round 2).
	for _, addr := range []string{"admin@example.com", "support@example.com", "deleted.member@example.com", "tribune-support@example.com"} {
		if got := defaultDisplayName(addr); got != "Member" {
			t.Errorf("%s is called %q, want Member", addr, got)
		}
	}
}

func TestEveryEmailRendersInEveryLanguageWithItsLink(t *testing.T) {
	tpl := mail.TemplatesIn(templatesDir, "templates")
	for _, name := range []string{"signin", "signup"} {
		for _, lang := range locale.Supported {
			msg, err := tpl.Render(name, lang, "a@example.com", map[string]any{"Link": "https://x.example/verify?token=abc",
				"Validity": locale.Duration(lang, SignInLinkTTL)})
			if err != nil {
				t.Fatalf("%s.%s: %v", name, lang, err)
			}
			if msg.Subject == "" || !strings.Contains(msg.Text, "https://x.example/verify?token=abc") ||
				!strings.Contains(msg.HTML, `href="https://x.example/verify?token=abc"`) || !strings.Contains(msg.Text, "15 minutes") {
				t.Fatalf("%s.%s renders without subject, link or lifetime: %+v", name, lang, msg)
			}
		}
	}
}

// The email that answers a newcomer who may not join says why, in both languages, for
// every reason admit gives, and carries no sign-in link.
func TestTheByInvitationEmailSaysWhyInEveryLanguage(t *testing.T) {
	tpl := mail.TemplatesIn(templatesDir, "templates")
	why := map[string]map[string]string{
		"en": {"invitation_required": "by invitation only", "invitation_expired": "has expired", "invitation_used": "already been used",
			"invitation_revoked": "withdrawn", "invitation_other_email": "another address", "invitation_invalid": "not valid"},
		"fr": {"invitation_required": "sur invitation", "invitation_expired": "a expiré", "invitation_used": "déjà servi",
			"invitation_revoked": "retirée", "invitation_other_email": "une autre adresse", "invitation_invalid": "pas valide"},
	}
	for _, lang := range locale.Supported {
		for _, reason := range []*errs.Error{ErrInvitationRequired, ErrInvitationExpired, ErrInvitationUsed, ErrInvitationRevoked, ErrInvitationEmail, ErrInvitationInvalid} {
			msg, err := tpl.Render("byinvitation", lang, "a@example.com", map[string]any{"Reason": reason.Code, "URL": "https://x.example"})
			if err != nil {
				t.Fatalf("%s %s: %v", lang, reason.Code, err)
			}
			want := why[lang][reason.Code]
			if msg.Subject == "" || !strings.Contains(msg.Text, want) || !strings.Contains(msg.HTML, want) ||
				!strings.Contains(msg.Text, "https://x.example") || strings.Contains(msg.Text, "token") {
				t.Errorf("%s %s: %q\n%s\n%s", lang, reason.Code, msg.Subject, msg.Text, msg.HTML)
			}
		}
	}
}
