package newsletters

import (
	"strings"
	"testing"
	"time"
)

// A token verifies under its key only, whole: any change to its claims or its
// signature, another key, or a token made for another purpose is refused.
func TestUnsubscribeTokensAreSignedAndTamperEvident(t *testing.T) {
	key, other := []byte("k1-0123456789abcdef0123456789abcdef"), []byte("k2-0123456789abcdef0123456789abcdef")
	c := unsubscribeClaims{Member: "m_ann", List: ListProduct, Newsletter: "nl_1", Issued: time.Now().Unix(), Nonce: "N0NCE"}
	tok := sign(key, c)
	if got, ok := verify(key, tok); !ok || got != c {
		t.Fatalf("verify(sign(c)) = %+v, %v", got, ok)
	}
	if _, ok := verify(other, tok); ok {
		t.Fatal("verified under another key")
	}
	forgedClaims := sign(key, unsubscribeClaims{Member: "m_bob", List: ListProduct, Issued: c.Issued, Nonce: "N0NCE"})
	payload, _, _ := strings.Cut(forgedClaims, ".")
	_, sig, _ := strings.Cut(tok, ".")
	for _, bad := range []string{payload + "." + sig, tok + "x", "x" + tok, strings.Replace(tok, ".", "", 1), "", ".", tok[:len(tok)-1],
		sign(key, unsubscribeClaims{Member: "m_ann", List: "spam", Issued: c.Issued, Nonce: "N"}), strings.Repeat("a", MaxTokenBytes+1)} {
		if _, ok := verify(key, bad); ok {
			t.Errorf("verified %q", bad)
		}
	}
}

func TestUnsubscribeHeadersFollowRFC8058(t *testing.T) {
	a := &AudienceService{Now: time.Now, PublicURL: "https://c.example", Key: func() ([]byte, error) { return []byte("key"), nil }}
	link, h := a.Unsubscribe(Recipient{MemberID: "m_ann"}, ListEvents, "nl_9")
	if !strings.HasPrefix(link, "https://c.example/unsubscribe?t=") || h["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" ||
		!strings.HasPrefix(h["List-Unsubscribe"], "<https://c.example/api/newsletters/unsubscribe?t=") || !strings.HasSuffix(h["List-Unsubscribe"], ">") {
		t.Fatalf("link %q, headers %v", link, h)
	}
	link2, _ := a.Unsubscribe(Recipient{MemberID: "m_ann"}, ListEvents, "nl_9")
	if link2 == link {
		t.Fatal("two mails share one token")
	}
}

func TestSegmentsValidateAndMatch(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	seg, err := Segment{SpaceIDs: []string{"b", "a"}, Roles: []string{"moderator"}, Languages: []string{"fr"}, ActiveDays: 7}.Validate(now)
	if err != nil || seg.SpaceIDs[0] != "a" {
		t.Fatalf("Validate: %+v %v", seg, err)
	}
	c := Candidate{Roles: []string{"member", "moderator"}, Lang: "fr", LastActiveAt: now.AddDate(0, 0, -3), JoinedAt: now.AddDate(-1, 0, 0)}
	if !seg.Matches(c, now) {
		t.Fatal("a French moderator active 3 days ago does not match")
	}
	c.LastActiveAt = now.AddDate(0, 0, -8)
	if seg.Matches(c, now) {
		t.Fatal("inactive for 8 days matches active in the last 7")
	}
	inactive := Segment{InactiveDays: 7}
	if !inactive.Matches(c, now) || inactive.Matches(Candidate{LastActiveAt: now}, now) {
		t.Fatal("inactive for 7 days")
	}
	if !inactive.Matches(Candidate{}, now) {
		t.Fatal("never active is inactive")
	}
	after := now.AddDate(0, -1, 0)
	if (Segment{JoinedAfter: &after}).Matches(c, now) {
		t.Fatal("joined a year ago matches joined after last month")
	}
	if (Segment{Languages: []string{"en"}}).Matches(Candidate{Lang: ""}, now) != true {
		t.Fatal("no language reads English")
	}
	for _, bad := range []Segment{{ActiveDays: 1, InactiveDays: 1}, {ActiveDays: MaxSegmentDays + 1}, {Roles: []string{"x"}}, {Languages: []string{"de"}},
		{SpaceIDs: []string{""}}, {SpaceIDs: []string{"a", "a"}}, {JoinedAfter: func() *time.Time { t := now.Add(time.Hour); return &t }()}} {
		if _, err := bad.Validate(now); err == nil {
			t.Errorf("%+v validated", bad)
		}
	}
	if (Candidate{Status: "active", Consents: true, Email: "a@example.com", Suppressed: true}).Reachable() ||
		(Candidate{Status: "suspended", Consents: true, Email: "a@example.com"}).Reachable() ||
		!(Candidate{Status: "active", Consents: true, Email: "a@example.com"}).Reachable() {
		t.Fatal("Reachable")
	}
}
