// The test harness of shared/store: TestMain (one DynamoDB Local for the package), a
// store on a table of its own per test, and every helper tests of more than one file
// use. A helper one file's tests use stays in that file.
package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

func TestMain(m *testing.M) { os.Exit(dynamotest.Main(m)) }

// ---- A store on a table of its own; what the table holds

var ctx = context.Background()

func newStore(t *testing.T) (*store.Store, dynamotest.Table) {
	tbl := dynamotest.NewTable(t)
	return store.New(tbl.DB, tbl.Name), tbl
}

// itemCount counts the items of a table; tests only (a Scan never runs on a request path).
func itemCount(t *testing.T, tbl dynamotest.Table) int {
	t.Helper()
	out, err := tbl.DB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(tbl.Name), Select: "COUNT"})
	if err != nil {
		t.Fatal(err)
	}
	return int(out.Count)
}

func register(t *testing.T, st *store.Store, email string, now time.Time) (members.Member, auth.Session) {
	t.Helper()
	m := members.Member{ID: "m_" + email, Email: email, DisplayName: "x", Locale: "en", Roles: []string{"member"}, Status: members.StatusActive, CreatedAt: now.UTC()}
	sess, _ := auth.NewSession(m.ID, now, "test")
	meta := eventtypes.NewMeta(now)
	env, err := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta, MemberID: m.ID, Email: email})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Members().Register(ctx, m, sess, env, nil, nil); err != nil {
		t.Fatalf("Register: %v", err)
	}
	return m, sess
}

func rolesEvent(memberID string) eventtypes.Envelope {
	meta := eventtypes.NewMeta(time.Now())
	env, _ := eventtypes.Wrap(eventtypes.MemberRolesChanged{Meta: meta, MemberID: memberID})
	return env
}

func outboxCount(t *testing.T, db store.API, table, detailType string) int {
	t.Helper()
	n := 0
	scan, err := db.(*dynamodb.Client).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	for _, item := range scan.Items {
		if dt, ok := item["DetailType"].(*types.AttributeValueMemberS); ok && dt.Value == detailType {
			n++
		}
	}
	return n
}

// ---- Members written straight to the store

// named registers a member called name (its id is m_<name without spaces>).
func named(t *testing.T, st *store.Store, name string) string {
	t.Helper()
	id := "m_" + strings.Map(func(r rune) rune {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			return r
		}
		return -1
	}, strings.ToLower(name))
	if id == "m_" {
		id = fmt.Sprintf("m_u%x", name)
	}
	m := members.Member{ID: id, Email: id[2:] + "@example.com", DisplayName: name, Locale: "en", Roles: []string{"member"},
		Status: members.StatusActive, CreatedAt: time.Now().UTC()}
	sess, _ := auth.NewSession(m.ID, time.Now(), "test")
	meta := eventtypes.NewMeta(time.Now())
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: meta, MemberID: id})
	if err := st.Members().Register(ctx, m, sess, env, nil, nil); err != nil {
		t.Fatalf("Register %s: %v", name, err)
	}
	return id
}
