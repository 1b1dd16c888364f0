package metrics

import (
	"errors"
	"strings"
	"testing"
)

// Crawlers, link previewers, headless and scripted tools and an empty user agent are
// bots; the browsers people read with are not.
func TestBeaconBotFilter(t *testing.T) {
	t.Parallel()
	bots := []string{"", "  ", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "facebookexternalhit/1.1",
		"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Twitterbot/1.0", "WhatsApp/2.23.20.0",
		"TelegramBot (like TwitterBot)", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36",
		"curl/8.5.0", "Wget/1.21", "python-requests/2.31", "Go-http-client/2.0", "Mozilla/5.0 (compatible; Discordbot/2.0)",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome-Lighthouse", "Applebot/0.1", "DuckDuckBot/1.1",
		"Mozilla/5.0 (compatible; YandexBot/3.0)", "LinkedInBot/1.0", "Mozilla/5.0 (compatible; AhrefsBot/7.0)", "Pingdom.com_bot_version_1.4"}
	for _, ua := range bots {
		if !IsBot(ua) {
			t.Errorf("%q is not taken for a bot", ua)
		}
	}
	people := []string{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
		"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"}
	for _, ua := range people {
		if IsBot(ua) {
			t.Errorf("%q is taken for a bot", ua)
		}
	}
}

// A visit counts only from a browser's own page, not for an API path; a malformed
// beacon is refused.
func TestBeaconWhatCounts(t *testing.T) {
	t.Parallel()
	firefox := "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	page := Visit{BeaconBody: BeaconBody{Path: "/spaces/sp_1"}, UserAgent: firefox, SameOrigin: true}
	if !page.Counts() {
		t.Fatal("a page of the app does not count")
	}
	for _, v := range []Visit{{BeaconBody: page.BeaconBody, UserAgent: firefox}, {BeaconBody: BeaconBody{Path: "/api/me"}, UserAgent: firefox, SameOrigin: true},
		{BeaconBody: page.BeaconBody, UserAgent: "Googlebot/2.1", SameOrigin: true}} {
		if v.Counts() {
			t.Errorf("%+v counts", v)
		}
	}
	for _, b := range []BeaconBody{{Path: ""}, {Path: "spaces"}, {Path: "/" + strings.Repeat("a", MaxBeaconPath)}, {Path: "/a\nb"}} {
		if err := b.Check(); !errors.Is(err, ErrBeaconPath) {
			t.Errorf("path %q: %v", b.Path, err)
		}
	}
	for _, ref := range []string{"Newsletter", "a b", strings.Repeat("x", 33)} {
		if err := (BeaconBody{Path: "/", Ref: ref}).Check(); !errors.Is(err, ErrBeaconRef) {
			t.Errorf("ref %q: %v", ref, err)
		}
	}
}

// A visitor is the address's network and the user agent under the day's salt: the
// same reader on another address of the network is the same visitor, on another day
// (salt) another one; the hash shows neither the address nor the agent.
func TestVisitorHash(t *testing.T) {
	t.Parallel()
	ua := "Firefox"
	a := VisitorHash([]byte("salt-1"), "203.0.113.7", ua)
	if a != VisitorHash([]byte("salt-1"), "203.0.113.200", ua) {
		t.Fatal("two addresses of one /24 are two visitors")
	}
	if a == VisitorHash([]byte("salt-1"), "203.0.114.7", ua) || a == VisitorHash([]byte("salt-2"), "203.0.113.7", ua) || a == VisitorHash([]byte("salt-1"), "203.0.113.7", "Chrome") {
		t.Fatal("another network, day or agent is the same visitor")
	}
	if AddressPrefix("2001:db8:1234:5678::1") != "2001:db8:1234::/48" || AddressPrefix("198.51.100.9") != "198.51.100.0/24" {
		t.Fatalf("prefixes %s %s", AddressPrefix("2001:db8:1234:5678::1"), AddressPrefix("198.51.100.9"))
	}
	if strings.Contains(a, "203.0.113") || len(a) != 64 {
		t.Fatalf("hash %s", a)
	}
}
