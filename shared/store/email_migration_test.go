package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/store/dynamotest"
)

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// spelledAsBefore turns a member registered with address into one an older release
// wrote with the spelling old (its claim and its Email).
func spelledAsBefore(t *testing.T, tbl dynamotest.Table, memberID, address, old string) {
	t.Helper()
	if _, err := tbl.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String(tbl.Name), Key: map[string]types.AttributeValue{"PK": s("EMAIL#" + address), "SK": s("EMAIL")}}},
		{Put: &types.Put{TableName: aws.String(tbl.Name), Item: map[string]types.AttributeValue{"PK": s("EMAIL#" + old), "SK": s("EMAIL"),
			"Type": s("MemberEmail"), "MemberID": s(memberID)}}},
		{Update: &types.Update{TableName: aws.String(tbl.Name), Key: map[string]types.AttributeValue{"PK": s("MEMBER#" + memberID), "SK": s("PROFILE")},
			UpdateExpression: aws.String("SET Email = :e"), ExpressionAttributeValues: map[string]types.AttributeValue{":e": s(old)}}},
	}}); err != nil {
		t.Fatal(err)
	}
}

// Issue 9, round 2: addresses are now stored with their domain in IDNA ASCII form and
// full-width forms folded. Claims an older release wrote in another spelling move to
// today's (else "carol@exämple.com" typed again would make a second account), claims
// whose new spelling another member holds, and addresses today's rules refuse, are
// left and reported; a second run changes nothing.
func TestStoredAddressesMoveToTodaysSpelling(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	now := time.Now()
	carol, _ := register(t, st, "carol@xn--exmple-cua.com", now)
	spelledAsBefore(t, tbl, carol.ID, carol.Email, "carol@exämple.com")
	if _, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: map[string]types.AttributeValue{
		"PK": s("IDENTITY#mock#sub-carol"), "SK": s("IDENTITY"), "Type": s("Identity"), "GSI1PK": s("IDENTITIES#" + carol.ID), "GSI1SK": s("mock#sub-carol"),
		"MemberID": s(carol.ID), "Provider": s("mock"), "Email": s("carol@exämple.com")}}); err != nil {
		t.Fatal(err)
	}
	wide, _ := register(t, st, "wide@example.com", now)
	spelledAsBefore(t, tbl, wide.ID, wide.Email, "ｗｉｄｅ@ｅxample.com")
	// Two accounts for one mailbox, made before the rule.
	dan1, _ := register(t, st, "dan@example.com", now)
	spelledAsBefore(t, tbl, dan1.ID, dan1.Email, "dan@ｅxample.com")
	dan2, _ := register(t, st, "dan2@example.com", now)
	spelledAsBefore(t, tbl, dan2.ID, dan2.Email, "dan@example.com")
	fake, _ := register(t, st, "admin@example.com", now)
	spelledAsBefore(t, tbl, fake.ID, fake.Email, "admin@example.com\u200b")
	erin, _ := register(t, st, "erin@example.com", now)

	done, err := st.MigrateEmailSpelling(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if done.Claims != 2 || done.Identities != 1 || !slices.Equal(done.Taken, []string{dan1.ID}) || !slices.Equal(done.Refused, []string{fake.ID}) {
		t.Fatalf("migration: %+v", done)
	}
	for typed, want := range map[string]string{"carol@exämple.com": carol.ID, "carol@xn--exmple-cua.com": carol.ID, "wide@example.com": wide.ID,
		"ｗide@example.com": wide.ID, "dan@example.com": dan2.ID, "erin@example.com": erin.ID} {
		if id, _, _, err := st.Members().Admission(ctx, typed, ""); err != nil || id != want {
			t.Errorf("%q belongs to %q (%v), want %q", typed, id, err, want)
		}
	}
	for id, want := range map[string]string{carol.ID: "carol@xn--exmple-cua.com", wide.ID: "wide@example.com", dan1.ID: "dan@ｅxample.com", fake.ID: "admin@example.com\u200b"} {
		if m, err := st.Members().GetMember(ctx, id); err != nil || m.Email != want {
			t.Errorf("%s: Email %q (%v), want %q", id, m.Email, err, want)
		}
	}
	ids, err := st.Members().ListIdentities(ctx, carol.ID)
	if err != nil || len(ids) != 1 || ids[0].Email != "carol@xn--exmple-cua.com" {
		t.Errorf("identities: %+v %v", ids, err)
	}
	// The old claims are gone: only today's spellings remain.
	count := itemCount(t, tbl)
	again, err := st.MigrateEmailSpelling(ctx)
	if err != nil || again.Claims != 0 || again.Identities != 0 || itemCount(t, tbl) != count {
		t.Fatalf("a second run: %+v %v", again, err)
	}
}
