package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/mail"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

// claimHook is the table as the notifications consumer sees it, running hook once when
// the consumer claims an email: after it read the email's subject for the inbox, before
// the email is handed to the sender. The race the tester found (an account deleted a
// few milliseconds after the consumer read its name) happens there on every run.
type claimHook struct {
	store.API
	once sync.Once
	hook func()
}

func (h *claimHook) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if pk, ok := in.Item["PK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "HANDLED#"+notifications.Consumer+"#") {
		h.once.Do(h.hook)
	}
	return h.API.PutItem(ctx, in, opts...)
}

// Issue 9, round 3, finding 3: an email handed to the sender after the actor's account
// deletion committed never names them, however late in the consumer's work it came.
func TestEmailsWrittenAfterADeletionNameNobody(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	// Mentions name 26-letter ids.
	annID := "ANNNNNNNNNNNNNNNNNNNNNNNNN"
	annMail := strings.ToLower(annID) + "@example.com"
	admin, bob, ann := c.as("ada", policy.RoleAdmin), c.as("bob"), c.as(annID)
	sp := c.space(admin, "General", spaces.Public)
	c.join(bob, sp.ID)
	c.join(ann, sp.ID)
	// Three members with names easy to find, each about to delete their account.
	actors := map[string]*http.Client{}
	for _, who := range []struct{ id, name string }{{"zed", "Zebulon Quokka"}, {"yves", "Yvonne Axolotl"}, {"xena", "Xavier Pangolin"}} {
		cl := c.as(who.id)
		profile := fmt.Sprintf(`{"displayName":%q,"expertise":[],"links":[],"interests":[],"bio":"","company":"","location":"","locale":"en"}`, who.name)
		if status, body := c.call(cl, "PUT", "/api/me/profile", profile, nil); status != 200 {
			t.Fatalf("profile: %d %s", status, body)
		}
		c.join(cl, sp.ID)
		actors[who.id] = cl
	}
	deleteAccount := func(who string) func() {
		return func() {
			if status, body := c.call(actors[who], "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
				t.Errorf("delete %s: %d %s", who, status, body)
			}
		}
	}

	// Zed comments on Bob's question, Yves mentions Ann; both emails go out as usual.
	q := c.post(bob, sp.ID, `{"kind":"question","title":"Paging?","body":"How?"}`)
	var zc, yc struct{ ID string }
	if status, body := c.call(actors["zed"], "POST", "/api/posts/"+q.ID+"/comments", `{"body":"With a cursor."}`, &zc); status != 201 {
		t.Fatalf("comment: %d %s", status, body)
	}
	if status, body := c.call(actors["yves"], "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Ask @m_`+annID+`."}`, &yc); status != 201 {
		t.Fatalf("mention: %d %s", status, body)
	}
	var inv invitations.Invitation
	if status, body := c.call(actors["xena"], "POST", "/api/invitations/friend", `{"email":"friend@example.com","locale":"en"}`, &inv); status != 201 {
		t.Fatalf("invitation: %d %s", status, body)
	}
	link := c.mailTo("friend@example.com", "/invite/")
	code := link[strings.LastIndex(link, "/")+1:]
	// Bob hears of both comments, Ann of her mention, each naming its author.
	waitFor(t, "the first emails", func() bool { return len(c.mailsTo("bob@example.com")) == 2 && len(c.mailsTo(annMail)) == 1 })
	before := map[string]bool{}
	msgs, _ := mail.ReadOutbox(c.outbox)
	named := ""
	for _, m := range msgs {
		before[m.File] = true
		named += m.Subject
	}
	if !strings.Contains(named, "Zebulon") || !strings.Contains(named, "Yvonne") || !strings.Contains(named, "Xavier") {
		t.Fatalf("the emails before the deletions do not name their actors: nothing to prove")
	}

	// The same events again, each delivered while its actor deletes their account
	// between the consumer's first read and the sending.
	c.deliverVia(store.New(&claimHook{API: c.tbl.DB, hook: deleteAccount("zed")}, c.tbl.Name), bus.ConsumerNotifications, eventtypes.CommentCreatedType,
		&eventtypes.CommentCreated{CommentID: zc.ID, PostID: q.ID, PostTitle: q.Title, PostAuthorID: "m_bob", AuthorID: "m_zed", AuthorName: "Zebulon Quokka"})
	// A mention is told once (its claim would make this delivery a no-op): the claim of
	// the first delivery is forgotten, so this one is the delivery that races.
	if _, err := c.tbl.DB.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: &c.tbl.Name, Key: map[string]types.AttributeValue{
		store.AttrPK: &types.AttributeValueMemberS{Value: "INBOX#m_" + annID},
		store.AttrSK: &types.AttributeValueMemberS{Value: "!ONCE#" + notifications.KindMention + "#" + q.ID + "#" + yc.ID}},
		ConditionExpression: aws.String("attribute_exists(PK)")}); err != nil {
		t.Fatalf("forgetting the mention's claim: %v", err)
	}
	c.deliverVia(store.New(&claimHook{API: c.tbl.DB, hook: deleteAccount("yves")}, c.tbl.Name), bus.ConsumerNotifications, eventtypes.MemberMentionedType,
		&eventtypes.MemberMentioned{MemberID: "m_" + annID, PostID: q.ID, PostTitle: q.Title, CommentID: yc.ID, AuthorID: "m_yves", AuthorName: "Yvonne Axolotl"})
	c.deliverVia(store.New(&claimHook{API: c.tbl.DB, hook: deleteAccount("xena")}, c.tbl.Name), bus.ConsumerNotifications, eventtypes.InvitationCreatedType,
		&eventtypes.InvitationCreated{InvitationID: inv.ID, Kind: "email", Email: "friend2@example.com", Code: code, InviterName: "Xavier Pangolin",
			Locale: "en", ValidUntil: time.Now().Add(time.Hour)})

	for _, want := range []struct {
		to, name string
	}{{"bob@example.com", "Zebulon"}, {annMail, "Yvonne"}} {
		var late []mail.Stored
		for _, m := range c.mailsTo(want.to) {
			if !before[m.File] {
				late = append(late, m)
			}
		}
		if len(late) != 1 {
			t.Fatalf("emails to %s after the deletion: %d, want 1", want.to, len(late))
		}
		if m := late[0]; strings.Contains(m.Text+m.HTML+m.Subject, want.name) || !strings.Contains(m.Text, "Deleted member") {
			t.Errorf("the email to %s written after the deletion:\n%s\n%s", want.to, m.Subject, m.Text)
		}
	}
	// An invitation whose inviter is gone is not sent at all.
	if got := c.mailsTo("friend2@example.com"); len(got) != 0 {
		t.Errorf("an invitation sent after its inviter's deletion: %s", got[0].Text)
	}
}
