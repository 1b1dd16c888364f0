package metrics

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/ratelimit"
)

// Beacon limits.
const (
	// MaxBeaconPath bounds a page's path.
	MaxBeaconPath = 512
)

// LimitBeacons bounds the beacons of one address: a reader shows far fewer pages.
var LimitBeacons = ratelimit.Rule{Name: "beacon-address", Limit: 120, Window: time.Minute}

// Beacon problems.
var (
	ErrBeaconPath     = errs.InvalidField("path", "invalid_beacon_path", "A page path starts with / and has at most 512 characters, none of them control characters.")
	ErrBeaconRef      = errs.InvalidField("ref", "invalid_beacon_ref", "A referrer tag has 1 to 32 lowercase letters, digits or dashes.")
	ErrTooManyBeacons = errs.New(errs.RateLimited, "rate_limited", "Too many page views from this address; wait a minute.")
)

// KnownRefs are the referrer tags counted (Referred); others are accepted and ignored.
var KnownRefs = []string{"newsletter"}

var refPattern = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// BeaconBody is what the web app sends on each page shown.
type BeaconBody struct {
	// Path is the page's path (no query, no fragment), e.g. /spaces/sp_1.
	Path string `json:"path"`
	// Ref tags where the reader came from (newsletter), when the page's address said.
	Ref string `json:"ref,omitempty"`
	// NewSession: the first page shown in this tab (sessionStorage), a session starts.
	NewSession bool `json:"newSession,omitempty"`
}

// Visit is a beacon with what the request tells about its sender.
type Visit struct {
	BeaconBody
	UserAgent string
	Address   string
	// SameOrigin: Sec-Fetch-Site said same-origin, or Origin is the API's own.
	SameOrigin bool
	Actor      auth.Principal
}

// Beacons counts page views, visitors, sessions and active members.
type Beacons struct {
	Store Store
	// Salt is the day's salt of visitor hashes (never stored).
	Salt func(day string) ([]byte, error)
	// SpaceReadable reports whether actor may read space spaceID (false when there is
	// no such space).
	SpaceReadable func(ctx context.Context, actor auth.Principal, spaceID string) (bool, error)
	Now           func() time.Time
}

var spacePath = regexp.MustCompile(`^/spaces/([A-Za-z0-9_.-]{1,64})(?:/|$)`)

// Check refuses a malformed beacon (4xx, nothing counted).
func (b BeaconBody) Check() error {
	if !strings.HasPrefix(b.Path, "/") || len(b.Path) > MaxBeaconPath || strings.ContainsFunc(b.Path, unicode.IsControl) {
		return ErrBeaconPath
	}
	if b.Ref != "" && !refPattern.MatchString(b.Ref) {
		return ErrBeaconRef
	}
	return nil
}

// Counts reports whether a visit is a page view: a browser's own page (same origin), not
// a bot's, not an API call.
func (v Visit) Counts() bool {
	// The path as the router would take it: /API/x and //api/x are API paths too.
	p := strings.ToLower(path.Clean(v.Path))
	// Only a page the app can show (finding 15): an unknown path is noise or padding.
	return v.SameOrigin && !IsBot(v.UserAgent) && !strings.HasPrefix(p, "/api/") && p != "/api" && IsPage(v.Path)
}

// Count counts a visit: a page view (and in its space, when it names one the reader may
// read), a session when the tab starts one, the visitor in the day's visitors sketch,
// a signed-in member in the day's active members. It returns whether it counted; a
// malformed beacon is refused, one that is no page view counts nothing.
func (b *Beacons) Count(ctx context.Context, v Visit) (bool, error) {
	if err := v.Check(); err != nil {
		return false, fmt.Errorf("metrics.Beacons.Count: %w", err)
	}
	if !v.Counts() {
		return false, nil
	}
	now := b.Now()
	day := Day(now)
	salt, err := b.Salt(day)
	if err != nil {
		return false, fmt.Errorf("metrics.Beacons.Count: %w", err)
	}
	counts := []Count{{Name: PageViews, Delta: 1}, {Name: Visitors, Member: VisitorHash(salt, v.Address, v.UserAgent)}}
	if m := spacePath.FindStringSubmatch(v.Path); m != nil && b.SpaceReadable != nil {
		ok, err := b.SpaceReadable(ctx, v.Actor, m[1])
		if err != nil {
			return false, fmt.Errorf("metrics.Beacons.Count: %w", err)
		}
		if ok {
			counts = append(counts, Count{Name: InSpace(PageViews, m[1]), Delta: 1})
		}
	}
	if v.NewSession {
		counts = append(counts, Count{Name: Sessions, Delta: 1})
	}
	for _, known := range KnownRefs {
		if v.Ref == known {
			counts = append(counts, Count{Name: Referred(v.Ref), Delta: 1})
		}
	}
	if v.Actor.MemberID != "" {
		counts = append(counts, Count{Name: ActiveMembers, Member: v.Actor.MemberID})
	}
	hits := []ratelimit.Hit{{Rule: LimitBeacons, Key: v.Address}}
	if err := b.Store.CountVisit(ctx, day, rand.Text(), counts, hits, now); err != nil {
		return false, fmt.Errorf("metrics.Beacons.Count: %w", err)
	}
	return true, nil
}

// VisitorHash is a visitor of a day: sha-256 of the day's salt, the address's network
// (IPv4 /24, IPv6 /48) and the user agent. Only added to a sketch, never stored.
func VisitorHash(salt []byte, address, userAgent string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(AddressPrefix(address)))
	h.Write([]byte{0})
	h.Write([]byte(userAgent))
	return hex.EncodeToString(h.Sum(nil))
}

// AddressPrefix is the network of an address: its /24 (IPv4) or /48 (IPv6); an address
// that does not parse is kept as is.
func AddressPrefix(address string) string {
	ip := net.ParseIP(address)
	if ip == nil {
		return address
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.Mask(net.CIDRMask(24, 32)).String() + "/24"
	}
	return ip.Mask(net.CIDRMask(48, 128)).String() + "/48"
}

// botMarks are the user-agent words of crawlers, link previewers, headless browsers and
// HTTP tools (lower case).
var botMarks = []string{"bot", "crawl", "spider", "slurp", "scrape", "fetch", "preview", "headless", "phantomjs",
	"selenium", "puppeteer", "playwright", "lighthouse", "pagespeed", "pingdom", "uptime", "monitor", "facebookexternalhit",
	"facebookcatalog", "embedly", "quora link", "whatsapp", "telegram", "slack", "discord", "skypeuripreview", "vkshare",
	"w3c_validator", "curl/", "wget", "python-", "go-http-client", "okhttp", "axios", "node-fetch", "undici", "java/",
	"libwww", "httpclient", "postman", "insomnia", "feedfetcher", "mediapartners", "apis-google", "yahoo! slurp"}

// IsBot reports whether a user agent is a crawler's, a link previewer's, a headless or
// scripted tool's, or empty.
func IsBot(userAgent string) bool {
	ua := strings.ToLower(strings.TrimSpace(userAgent))
	if ua == "" {
		return true
	}
	for _, m := range botMarks {
		if strings.Contains(ua, m) {
			return true
		}
	}
	return false
}
