package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/store"
)

// everyone pages through the whole list, limit members a page.
func everyone(t *testing.T, st *store.Store, limit int) ([]string, int) {
	t.Helper()
	var names []string
	cursor, pages := "", 0
	for {
		page, err := st.Members().ListMembers(ctx, cursor, limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Members) > limit {
			t.Fatalf("a page of %d holds %d members", limit, len(page.Members))
		}
		pages++
		for _, m := range page.Members {
			names = append(names, m.DisplayName)
		}
		if cursor = page.Next; cursor == "" {
			return names, pages
		}
		if pages > 50 {
			t.Fatal("the list never ends")
		}
	}
}

// found is every member a search finds, page after page.
func found(t *testing.T, st *store.Store, q string) []string {
	t.Helper()
	var names []string
	cursor := ""
	for range 20 {
		page, err := st.Members().MembersByName(ctx, members.DirectoryKey(q), cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.Members {
			names = append(names, m.DisplayName)
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	return names
}

func TestDirectoryListsEveryoneInNameOrderWithoutASearch(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	// Names in every bucket: digits, a-c, d-h, i-l, m-o, p-s, t-z, and after z.
	for _, n := range []string{"Zoé Martin", "Ann Lee", "bob", "Émile Zola", "42 Club", "Mia", "Tom", "Ivan", "Dan", "Pia", "山田 太郎", "Carl"} {
		named(t, st, n)
	}
	banned := named(t, st, "Barry Banned")
	if _, err := st.Members().SetStatus(ctx, banned, members.StatusBanned, nil); err != nil {
		t.Fatal(err)
	}
	// "Émile" sorts with "E": the key folds diacritics (members.DirectoryKey).
	want := "42 Club,Ann Lee,bob,Carl,Dan,Émile Zola,Ivan,Mia,Pia,Tom,Zoé Martin,山田 太郎"
	for _, limit := range []int{1, 3, 5, 50} {
		names, pages := everyone(t, st, limit)
		if got := strings.Join(names, ","); got != want {
			t.Fatalf("limit %d: %s\nwant %s", limit, got, want)
		}
		if limit == 50 && pages != 1 {
			t.Fatalf("a community of 12 members takes %d pages of 50", pages)
		}
	}
	// A page costs at most one query per bucket, whatever the community.
	tbl.Trips.Reset()
	if _, err := st.Members().ListMembers(ctx, "", 50); err != nil {
		t.Fatal(err)
	}
	if n := tbl.Trips.Count(); n > 8 {
		t.Fatalf("the first page took %d queries", n)
	}
	// Cursors are signed and belong to this list.
	page, _ := st.Members().ListMembers(ctx, "", 2)
	if _, err := st.Members().ListMembers(ctx, page.Next[:len(page.Next)-2]+"AA", 2); !errs.Is(err, "invalid_cursor") {
		t.Fatalf("altered cursor: %v", err)
	}
	if _, err := st.Members().MembersByName(ctx, "a", page.Next, 2); !errs.Is(err, "invalid_cursor") {
		t.Fatalf("cursor of another list: %v", err)
	}
}

func TestDirectoryFindsAnyWordOfANameOnce(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	jane := named(t, st, "Jane Smith")
	named(t, st, "Smith Jones")
	named(t, st, "Anna Maria Smithers")
	named(t, st, "Jean-Pierre Dupont")
	named(t, st, "Sam Smith") // found by "s" through two words: listed once
	named(t, st, "Bob")
	for q, want := range map[string]string{
		"Smith":   "Smith Jones,Jane Smith,Sam Smith,Anna Maria Smithers",
		"smi":     "Smith Jones,Jane Smith,Sam Smith,Anna Maria Smithers",
		"SMITHER": "Anna Maria Smithers",
		"maria s": "Anna Maria Smithers",
		"pierre":  "Jean-Pierre Dupont",
		"jean-p":  "Jean-Pierre Dupont",
		"s":       "Sam Smith,Smith Jones,Jane Smith,Anna Maria Smithers",
		"nobody":  "",
	} {
		if got := strings.Join(found(t, st, q), ","); got != want {
			t.Errorf("%q finds %q, want %q", q, got, want)
		}
	}
	// A new name: the old words find nobody, the new ones do.
	if _, err := st.Members().UpdateProfile(ctx, jane, members.Profile{DisplayName: "Jane", Locale: "en"}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(found(t, st, "smith"), ","); got != "Smith Jones,Sam Smith,Anna Maria Smithers" {
		t.Fatalf("after renaming Jane Smith to Jane, smith finds %s", got)
	}
	// Banned and deleted members are found no more; a deletion leaves no search key.
	if _, err := st.Members().SetStatus(ctx, "m_samsmith", members.StatusBanned, nil); err != nil {
		t.Fatal(err)
	}
	meta := eventtypes.NewMeta(time.Now())
	env, _ := eventtypes.Wrap(eventtypes.MemberDeleted{Meta: meta, MemberID: "m_smithjones"})
	if err := st.Members().DeleteAccount(ctx, "m_smithjones", env); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(found(t, st, "smith"), ","); got != "Anna Maria Smithers" {
		t.Fatalf("smith finds %v after a ban and a deletion", got)
	}
	out, err := tbl.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(tbl.Name),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: "MEMBER#m_smithjones"}, ":w": &types.AttributeValueMemberS{Value: "WORD#"}}})
	if err != nil || len(out.Items) != 0 {
		t.Fatalf("a deleted member's name keeps %d search keys (%v)", len(out.Items), err)
	}
}

// TestOlderMembersMoveIntoTheDirectoryOnce: members an older release wrote (one
// directory partition per first letter, no search keys) are listed and found by any
// word after the migration, and a second run changes nothing.
func TestOlderMembersMoveIntoTheDirectoryOnce(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	old := func(id, name, status string) {
		item, err := attributevalue.MarshalMap(map[string]any{"PK": "MEMBER#" + id, "SK": "PROFILE", "Type": "Member", "ID": id,
			"GSI1PK": "DIR#" + strings.ToLower(name[:1]), "GSI1SK": strings.ToLower(name) + "#" + id, "DisplayName": name,
			"Email": id + "@example.com", "Locale": "en", "Roles": []string{"member", "moderator"}, "Status": status, "CreatedAt": time.Now().UTC()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	old("m_old1", "Olga Smith", members.StatusActive)
	old("m_old2", "Kim Park", members.StatusSuspended)
	old("m_gone", "Deleted member", members.StatusDeleted)
	named(t, st, "New Member")
	if names, _ := everyone(t, st, 10); strings.Join(names, ",") != "New Member" {
		t.Fatalf("before the migration the list holds %v", names)
	}
	n, err := st.MigrateDirectory(ctx)
	if err != nil || n != 3 {
		t.Fatalf("MigrateDirectory = %d, %v; want the 3 members that are not deleted", n, err)
	}
	if names, _ := everyone(t, st, 10); strings.Join(names, ",") != "Kim Park,New Member,Olga Smith" {
		t.Fatalf("after the migration the list holds %v", names)
	}
	if got := strings.Join(found(t, st, "smith"), ","); got != "Olga Smith" {
		t.Fatalf("smith finds %q after the migration", got)
	}
	if page, _ := st.Members().ListMembers(ctx, "", 10); !page.Members[0].Staff {
		t.Fatalf("a moderator carries no staff mark: %+v", page.Members[0])
	}
	// (Staff names are compared through the role index, not the directory: pattern 93.)
	before := itemCount(t, tbl)
	if n, err := st.MigrateDirectory(ctx); err != nil || itemCount(t, tbl) != before {
		t.Fatalf("a second run: %d, %v, %d items (was %d)", n, err, itemCount(t, tbl), before)
	}
	if names, _ := everyone(t, st, 10); len(names) != 3 {
		t.Fatalf("after a second run the list holds %v", names)
	}
}

// The tester's example: "lefevre" did not find "Dave Lefèvre". The directory's keys
// fold case and diacritics, the same for the name stored and the words typed; members
// an older release wrote (keys with accents) are found after the migration
// 2027-01-directory-folds-accents, and a second run changes nothing.
func TestTheDirectoryFoldsAccentsAndTheMigrationRewritesOlderKeys(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	named(t, st, "Élodie Brontë")
	for _, q := range []string{"elodie", "ÉLODIE", "bronte", "brontë", "élo"} {
		if got := strings.Join(found(t, st, q), ","); got != "Élodie Brontë" {
			t.Errorf("%q finds %q", q, got)
		}
	}
	// Written as the release before wrote it: keys with the accents.
	put := func(item map[string]any) {
		av, err := attributevalue.MarshalMap(item)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: av}); err != nil {
			t.Fatal(err)
		}
	}
	put(map[string]any{"PK": "MEMBER#m_dave", "SK": "PROFILE", "Type": "Member", "ID": "m_dave", "GSI1PK": "MEMBERS#d",
		"GSI1SK": "dave lefèvre#m_dave", "DisplayName": "Dave Lefèvre", "Email": "dave@example.com", "Locale": "en",
		"Roles": []string{"member"}, "Status": members.StatusActive, "CreatedAt": time.Now().UTC()})
	for i, w := range []string{"dave lefèvre", "lefèvre"} {
		put(map[string]any{"PK": "MEMBER#m_dave", "SK": fmt.Sprintf("WORD#%d", i), "Type": "NameWord", "GSI1PK": "WORDS#old",
			"GSI1SK": w + "#m_dave", "MemberID": "m_dave", "NameKey": "dave lefèvre", "Word": i})
	}
	if got := found(t, st, "lefevre"); len(got) != 0 {
		t.Fatalf("before the migration lefevre finds %v", got)
	}
	// Every other migration is done: this one runs alone.
	for _, name := range store.MigrationNames() {
		if name != "2027-01-directory-folds-accents" {
			put(map[string]any{"PK": "MIGRATION#" + name, "SK": "DONE", "Type": "Migration", "At": time.Now().UTC()})
		}
	}
	results, err := st.Migrate(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]store.MigrationResult{}
	for _, r := range results {
		if r.Ran {
			ran[r.Name] = r
		}
	}
	if r := ran["2027-01-directory-folds-accents"]; len(ran) != 1 || r.Changed != 2 {
		t.Fatalf("migrations: %+v", results)
	}
	for _, q := range []string{"lefevre", "Lefèvre", "LEFEVRE", "dave l"} {
		if got := strings.Join(found(t, st, q), ","); got != "Dave Lefèvre" {
			t.Errorf("after the migration %q finds %q", q, got)
		}
	}
	if names, _ := everyone(t, st, 10); strings.Join(names, ",") != "Dave Lefèvre,Élodie Brontë" {
		t.Fatalf("the list after the migration: %v", names)
	}
	before := itemCount(t, tbl)
	if n, err := st.MigrateDirectory(ctx); err != nil || itemCount(t, tbl) != before || n != 2 {
		t.Fatalf("a second run: %d, %v, %d items (was %d)", n, err, itemCount(t, tbl), before)
	}
}
