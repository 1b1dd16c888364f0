package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/notifications"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// Helpers of the tests of kinds 4, 5 and 10 of issue 9: what is derived from content
// (notifications, stream copies, names) follows the content and its readers' access.

// deliver hands an event straight to a consumer's handler, as a late delivery would:
// the state it describes may have changed since.
func (c *community) deliver(consumer, detailType string, payload any) {
	c.t.Helper()
	c.deliverVia(c.st, consumer, detailType, payload)
}

// deliverVia is deliver with the consumers reading and writing through st.
func (c *community) deliverVia(st *store.Store, consumer, detailType string, payload any) {
	c.t.Helper()
	meta := eventtypes.NewMeta(time.Now())
	switch p := payload.(type) {
	case *eventtypes.CommentCreated:
		p.Meta = meta
	case *eventtypes.MemberMentioned:
		p.Meta = meta
	case *eventtypes.ContentReported:
		p.Meta = meta
	case *eventtypes.IdeaStatusChanged:
		p.Meta = meta
	case *eventtypes.SpaceInvited:
		p.Meta = meta
	case *eventtypes.PostModerated:
		p.Meta = meta
	case *eventtypes.PostCreated:
		p.Meta = meta
	case *eventtypes.TicketReplied:
		p.Meta = meta
	case *eventtypes.TicketSLABreached:
		p.Meta = meta
	case *eventtypes.TicketStatusChanged:
		p.Meta = meta
	case *eventtypes.InvitationCreated:
		p.Meta = meta
	case *eventtypes.MemberRegistered:
		p.Meta = meta
	case *eventtypes.MemberDeleted:
		p.Meta = meta
	case *eventtypes.MemberRolesChanged:
		p.Meta = meta
	case *eventtypes.SpaceJoined:
		p.Meta = meta
	case *eventtypes.SpaceLeft:
		p.Meta = meta
	default:
		c.t.Fatalf("deliver: no meta for %T", payload)
	}
	var source string
	for _, def := range eventtypes.Catalog {
		if def.DetailType == detailType {
			source = def.Source
		}
	}
	env, err := eventtypes.NewEnvelope(source, detailType, meta, payload)
	if err != nil {
		c.t.Fatal(err)
	}
	cfg := config.Config{PublicURL: c.srv.URL}
	h := app.Handlers(cfg, st, mail.Outbox{Dir: c.outbox, From: "t@example.com"}, c.files)[consumer][detailType]
	if h == nil {
		c.t.Fatalf("no %s handler of %s", consumer, detailType)
	}
	if err := h(context.Background(), env); err != nil {
		c.t.Fatalf("deliver %s: %v", detailType, err)
	}
}

// notes is a member's inbox page as they read it.
func (c *community) notes(who *http.Client) []notifications.Notification {
	c.t.Helper()
	var in notifications.Inbox
	if status, body := c.call(who, "GET", "/api/notifications", "", &in); status != 200 {
		c.t.Fatalf("inbox: %d %s", status, body)
	}
	return in.Items
}

// mailsTo lists the messages sent to addr.
func (c *community) mailsTo(addr string) []mail.Stored {
	c.t.Helper()
	msgs, err := mail.ReadOutbox(c.outbox)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []mail.Stored
	for _, m := range msgs {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

// itemsWith scans the whole table (tests only) and returns "PK SK" of every item, whose
// partition starts with one of prefixes (all when none), that holds canary anywhere.
func (c *community) itemsWith(canary string, prefixes ...string) []string {
	c.t.Helper()
	var found []string
	in := &dynamodb.ScanInput{TableName: &c.tbl.Name}
	for {
		out, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, item := range out.Items {
			var it map[string]any
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				c.t.Fatal(err)
			}
			pk, _ := it["PK"].(string)
			keep := len(prefixes) == 0
			for _, p := range prefixes {
				keep = keep || strings.HasPrefix(pk, p)
			}
			if keep && strings.Contains(fmt.Sprint(it), canary) {
				found = append(found, pk+" "+fmt.Sprint(it["SK"]))
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return found
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// hiddenSpace creates a hidden space as staff and brings members in by invitation.
func (c *community) hiddenSpace(staff *http.Client, name string, who ...*http.Client) spaces.Space {
	c.t.Helper()
	sp := c.space(staff, name, spaces.Hidden)
	for _, m := range who {
		var me struct{ ID string }
		c.call(m, "GET", "/api/me", "", &me)
		if status, body := c.call(staff, "POST", "/api/spaces/"+sp.ID+"/invitations", fmt.Sprintf(`{"memberId":%q}`, me.ID), nil); status != 200 {
			c.t.Fatalf("invite %s: %d %s", me.ID, status, body)
		}
		c.join(m, sp.ID)
	}
	return sp
}

func (c *community) leave(who *http.Client, spaceID string) {
	c.t.Helper()
	if status, body := c.call(who, "POST", "/api/spaces/"+spaceID+"/leave", "", nil); status != 204 && status != 200 {
		c.t.Fatalf("leave: %d %s", status, body)
	}
}

func kindsOf(list []notifications.Notification) []string {
	var out []string
	for _, n := range list {
		out = append(out, n.Kind)
	}
	return out
}

// tripsOf counts the DynamoDB calls of one GET by a member, on a client of its own (the
// event path works on the same table meanwhile).
func (c *community) tripsOf(memberID, path string) int64 {
	c.t.Helper()
	trips := &store.RoundTrips{}
	cfg, _ := store.LoadAWSConfig(c.t.Context(), dynamotest.Endpoint())
	h, err := app.LocalHandler(app.Deps{Config: config.Config{PublicURL: c.srv.URL}, Store: store.New(store.NewDynamoDB(cfg, dynamotest.Endpoint(), trips.Option()), c.tbl.Name)})
	if err != nil {
		c.t.Fatal(err)
	}
	cookie := cookieFor(c.t, c.st, memberID)
	trips.Reset()
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		c.t.Fatalf("GET %s: %d %s", path, w.Code, w.Body.String())
	}
	return trips.Count()
}
