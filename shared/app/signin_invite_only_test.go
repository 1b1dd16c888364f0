package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/store"
)

// startAnswer is what a sign-in start answers, with what can tell two answers apart.
type startAnswer struct {
	status  int
	body    string
	headers []string
	trips   int64
	took    time.Duration
}

func (e *env) start(email, locale string) startAnswer {
	e.t.Helper()
	e.tbl.Trips.Reset()
	began := time.Now()
	resp, body := e.do("POST", "/api/auth/email/start", "application/json", fmt.Sprintf(`{"email":%q,"locale":%q}`, email, locale))
	took := time.Since(began)
	var names []string
	for k := range resp.Header {
		if k != "Date" && k != "Content-Length" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	return startAnswer{status: resp.StatusCode, body: body, headers: names, trips: e.tbl.Trips.Count(), took: took}
}

// signUpIn makes a member of email through the email link.
func (e *env) signUpIn(email string) {
	e.t.Helper()
	if a := e.start(email, "en"); a.status != 202 {
		e.t.Fatalf("start for %s: %d %s", email, a.status, a.body)
	}
	if resp, body := e.do("POST", "/api/auth/email/confirm", "application/json", tokenJSON(e.lastToken())); resp.StatusCode != 200 {
		e.t.Fatalf("confirm for %s: %d %s", email, resp.StatusCode, body)
	}
	e.do("POST", "/api/auth/logout", "", "")
}

// newestMailTo is the newest message to addr.
func (e *env) newestMailTo(addr string) mail.Stored {
	e.t.Helper()
	msgs, err := mail.ReadOutbox(e.outbox)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			return msgs[i]
		}
	}
	e.t.Fatalf("no mail to %s", addr)
	return mail.Stored{}
}

// The tester's finding (round 3): in an invite-only community, sign-in start answered
// 202 for a member's address and 403 invitation_required for any other, so anyone could
// tell who has an account. Now an unknown address is answered exactly as a known one:
// 202, the same body and headers, the same DynamoDB round trips (the same work: one read,
// one write under the same rate limits, one email), and the same 429 once over the
// limit; the address is told by email, in the reader's language, that the community is
// by invitation, and no sign-in token is written for it.
func TestSignInStartTellsNoOneWhetherAnAccountExists(t *testing.T) {
	t.Parallel()
	inAFreshWindow(members.LimitPerAddress.Window, 2*time.Minute)
	e := newEnv(t)
	st := store.New(e.tbl.DB, e.tbl.Name)
	// (Fewer than 30 starts in all: the per-client limit would answer the rest.)
	known := []string{"ann@example.com", "bo@example.com", "cy@example.com"}
	for _, m := range known {
		e.signUpIn(m)
	}
	var tookKnown, tookUnknown []time.Duration
	for i, settings := range []members.Settings{{AccessMode: members.AccessInvite}, {AccessMode: members.AccessHybrid, HybridRegistration: members.AccessInvite}} {
		if err := st.Members().SaveSettings(t.Context(), settings); err != nil {
			t.Fatal(err)
		}
		for j, member := range known {
			stranger := fmt.Sprintf("walkin.%d.%d@example.com", i, j)
			a, b := e.start(member, "en"), e.start(stranger, "fr")
			if a.status != 202 || b.status != 202 || a.body != b.body || !slices.Equal(a.headers, b.headers) || a.trips != b.trips {
				t.Fatalf("%s: a member's start and a stranger's differ:\n%+v\n%+v", settings.AccessMode, a, b)
			}
			tookKnown, tookUnknown = append(tookKnown, a.took), append(tookUnknown, b.took)
			if m := e.newestMailTo(member); m.Subject != "Your Tribune sign-in link" {
				t.Fatalf("the member's mail: %q", m.Subject)
			}
			m := e.newestMailTo(stranger)
			if m.Subject != "Tribune est sur invitation" || !strings.Contains(m.Text, "cette communauté est sur invitation") ||
				strings.Contains(m.Text, "/sign-in/") || strings.Contains(m.HTML, "/sign-in/") {
				t.Fatalf("the stranger's mail: %q\n%s", m.Subject, m.Text)
			}
		}
	}
	// A stranger's start writes no sign-in token: there is nothing to follow.
	out, err := e.tbl.DB.Scan(t.Context(), &dynamodb.ScanInput{TableName: aws.String(e.tbl.Name),
		FilterExpression: aws.String("begins_with(PK, :p) AND contains(Email, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": &types.AttributeValueMemberS{Value: "SIGNIN#"}, ":w": &types.AttributeValueMemberS{Value: "walkin"}}})
	if err != nil || out.Count != 0 {
		t.Fatalf("%d sign-in tokens for strangers (%v)", out.Count, err)
	}
	t.Logf("start, median of %d: a member %v, a stranger %v", len(tookKnown), median(tookKnown), median(tookUnknown))

	// The same rate limit: a member has asked 3 times, so 2 more, then 429; a stranger the same.
	stranger := "walkin.limit@example.com"
	for range 3 {
		e.start(stranger, "en")
	}
	for range 2 {
		if a, b := e.start("ann@example.com", "en"), e.start(stranger, "en"); a.status != 202 || b.status != 202 {
			t.Fatalf("under the limit: %d and %d", a.status, b.status)
		}
	}
	a, b := e.start("ann@example.com", "en"), e.start(stranger, "en")
	if a.status != http.StatusTooManyRequests || a.status != b.status || a.body[:strings.Index(a.body, `"requestId"`)] != b.body[:strings.Index(b.body, `"requestId"`)] {
		t.Fatalf("over the limit: a member %d %s, a stranger %d %s", a.status, a.body, b.status, b.body)
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
