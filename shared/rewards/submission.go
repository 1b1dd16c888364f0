package rewards

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/idna"

	"tribune/shared/errs"
	"tribune/shared/text"
)

// Submission statuses: pending (waiting in the review queue), approved (paid),
// rejected (with a reason), changes (the reviewer asked for changes: the member edits
// it and it goes back to pending).
const (
	SubmissionPending  = "pending"
	SubmissionApproved = "approved"
	SubmissionRejected = "rejected"
	SubmissionChanges  = "changes_requested"
)

// SubmissionStatuses lists them.
var SubmissionStatuses = []string{SubmissionPending, SubmissionApproved, SubmissionRejected, SubmissionChanges}

// Review decisions.
const (
	DecisionApprove = "approve"
	DecisionReject  = "reject"
	DecisionChanges = "changes"
)

// Decisions lists them.
var Decisions = []string{DecisionApprove, DecisionReject, DecisionChanges}

// Limits of submissions.
const (
	MaxProofURLBytes   = 500
	MaxProofTextRunes  = 2000
	MaxReasonRunes     = 500
	ReviewPage         = 30
	MySubmissionsLimit = 100
)

// Submission is a member's proof for a challenge: where they published, an optional
// screenshot, a text. The disclosure is the campaign's, shown with it everywhere.
type Submission struct {
	ID             string `json:"id"`
	CampaignID     string `json:"campaignId"`
	CampaignTitle  string `json:"campaignTitle"`
	ChallengeID    string `json:"challengeId"`
	ChallengeTitle string `json:"challengeTitle"`
	MemberID       string `json:"memberId"`
	// MemberName is the member's name as it is when read (never stored: a deleted
	// member's name is gone with them); MemberDeleted: they deleted their account.
	MemberName    string     `json:"memberName"`
	MemberDeleted bool       `json:"memberDeleted,omitempty"`
	URL           string     `json:"url"`
	ScreenshotKey string     `json:"screenshotKey,omitempty"`
	Text          string     `json:"text"`
	Disclosure    string     `json:"disclosure"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason,omitempty"`
	ReviewerID    string     `json:"reviewerId,omitempty"`
	ReviewedAt    *time.Time `json:"reviewedAt,omitempty"`
	Points        int64      `json:"points"`
	// Completion is the number of the completion an approval paid (from 1).
	Completion int       `json:"completion,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// ProofRequest is what a member sends for a proof challenge (new or changed).
type ProofRequest struct {
	ChallengeID   string `json:"challengeId"`
	URL           string `json:"url"`
	ScreenshotKey string `json:"screenshotKey,omitempty"`
	Text          string `json:"text"`
}

// ReviewRequest is a reviewer's decision.
type ReviewRequest struct {
	Decision string `json:"decision"`
	Reason   string `json:"reason,omitempty"`
}

// Errors of submissions.
var (
	ErrProofURL       = errs.InvalidField("url", "invalid_proof_url", "Give the address where you published: an http or https link of at most 500 characters.")
	ErrProofText      = errs.InvalidField("text", "invalid_proof_text", "The text has at most 2,000 characters.")
	ErrScreenshot     = errs.InvalidField("screenshotKey", "proof_screenshot_missing", "This challenge needs a screenshot: upload it first.")
	ErrProofURLUsed   = errs.New(errs.Conflict, "proof_url_used", "This address was already sent as a proof: each published page counts once.")
	ErrNoSubmission   = errs.New(errs.NotFound, "submission_not_found", "There is no such submission.")
	ErrOwnSubmission  = errs.New(errs.Forbidden, "own_submission", "Nobody reviews their own submission.")
	ErrReviewed       = errs.New(errs.Conflict, "submission_reviewed", "This submission was already reviewed.")
	ErrNotChangeable  = errs.New(errs.Conflict, "submission_not_changeable", "Only a submission the reviewer asked you to change can be sent again.")
	ErrDecision       = errs.InvalidField("decision", "invalid_decision", "The decision is approve, reject or changes.")
	ErrReasonRequired = errs.InvalidField("reason", "review_reason_required", "Say why (1 to 500 characters): the member reads it.")
	ErrPendingExists  = errs.New(errs.Conflict, "submission_pending", "You already have a proof waiting for review for this challenge.")
)

// NormalProofURL checks a proof's address (http or https, a host, no credentials, at
// most 500 bytes, nothing hidden) and returns it cleaned, with its canonical form: the
// same page however it is written (scheme and host case, a "www." prefix, the trailing
// dot of a fully qualified host, an internationalised host in Unicode or punycode,
// default port, trailing slash, fragment, tracking parameters (TrackingParam: "utm_*",
// "utm", "fbclid", "gclid", "mc_cid", "mc_eid", "ref"), and RFC 3986
// §6.2.2's normalisations of the path: percent-encoded unreserved characters decoded,
// the hex digits of the other escapes in upper case, "." and ".." segments removed),
// which is what "the same proof URL is never paid twice" compares.
func NormalProofURL(raw string) (clean, canonical string, err error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > MaxProofURLBytes {
		return "", "", ErrProofURL
	}
	if _, err := text.Line("url", raw); err != nil {
		return "", "", ErrProofURL
	}
	u, perr := url.Parse(raw)
	if perr != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "HTTP" && u.Scheme != "HTTPS") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", "", ErrProofURL
	}
	host := strings.ToLower(u.Hostname())
	if host == "" || strings.ContainsAny(host, " \"<>") {
		return "", "", ErrProofURL
	}
	host = strings.TrimSuffix(host, ".") // "example.org." is the fully qualified "example.org"
	if ascii, ierr := idna.Lookup.ToASCII(host); ierr == nil && ascii != "" {
		host = ascii // "bücher.example" and "xn--bcher-kva.example" are one host
	}
	host = strings.TrimPrefix(host, "www.")
	if host == "" || strings.HasPrefix(host, ".") || strings.Contains(host, "..") {
		return "", "", ErrProofURL
	}
	if port := u.Port(); port != "" && port != "80" && port != "443" {
		host += ":" + port
	}
	q := u.Query()
	for k := range q {
		if TrackingParam(k) {
			q.Del(k)
		}
	}
	path := strings.TrimRight(removeDotSegments(normalPercent(u.EscapedPath())), "/")
	canonical = host + path
	if enc := q.Encode(); enc != "" {
		canonical += "?" + enc
	}
	return raw, canonical, nil
}

// trackingParams are the query parameters that say where a visitor came from, not which
// page it is (besides every "utm_*"): a bare "utm", Facebook's and Google Ads' click
// ids, Mailchimp's campaign and member ids, and "ref".
var trackingParams = []string{"utm", "fbclid", "gclid", "mc_cid", "mc_eid", "ref"}

// TrackingParam reports whether a query parameter is a tracking one, ignored when two
// proof addresses are compared (any case).
func TrackingParam(name string) bool {
	name = strings.ToLower(name)
	return strings.HasPrefix(name, "utm_") || slices.Contains(trackingParams, name)
}

// ProofKey is the key of a canonical proof address (a hash: addresses are long).
func ProofKey(canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return hex.EncodeToString(sum[:16])
}

// normalPercent applies RFC 3986 §6.2.2.1 and §6.2.2.2 to an escaped path: an escape of
// an unreserved character (ALPHA, DIGIT, "-", ".", "_", "~") becomes the character, and
// the other escapes are written with upper-case hex digits.
func normalPercent(p string) string {
	if !strings.Contains(p, "%") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && i+2 < len(p) && isHex(p[i+1]) && isHex(p[i+2]) {
			c := unhex(p[i+1])<<4 | unhex(p[i+2])
			if isUnreserved(c) {
				b.WriteByte(c)
			} else {
				b.WriteByte('%')
				b.WriteString(strings.ToUpper(p[i+1 : i+3]))
			}
			i += 2
			continue
		}
		b.WriteByte(p[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

// removeDotSegments is RFC 3986 §5.2.4's algorithm: "." and ".." segments of a path
// are resolved ("/a/./b/../c" is "/a/c"; ".." above the root stays at the root).
func removeDotSegments(in string) string {
	var out []string // output segments, each with its leading "/"
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			j := strings.IndexByte(in[1:], '/')
			if j < 0 {
				out = append(out, in)
				in = ""
			} else {
				out = append(out, in[:j+1])
				in = in[j+1:]
			}
		}
	}
	return strings.Join(out, "")
}
