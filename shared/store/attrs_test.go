package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tribune/shared/posts"
)

// Every attribute an expression names is a field of the item type that stores it: a
// field renamed in postItem, commentItem or imageItem fails here instead of leaving an
// expression to write an attribute nothing reads.
func TestExpressionAttributesAreItemFields(t *testing.T) {
	fields := map[string]bool{}
	for _, item := range []any{postItem{}, commentItem{}, imageItem{}} {
		ty := reflect.TypeOf(item)
		for i := range ty.NumField() {
			fields[ty.Field(i).Name] = true
		}
	}
	for _, name := range exprAttrs {
		if !fields[name] {
			t.Errorf("expressions name %q, which no item type has", name)
		}
	}
	if got := namesIn("SET #Votes = :n ADD #Comments :d REMOVE #AcceptedAnswer"); len(got) != 3 || got["#Votes"] != nameVotes {
		t.Fatalf("namesIn: %v", got)
	}
	if got := namesIn("SET #Kind2 = :k"); got != nil {
		t.Fatalf("namesIn took a longer placeholder for one of its names: %v", got)
	}
}

// The attributes the expressions of repeats, profiles, status changes, the moderation
// queue, the inbox's read mark, invitations, revisions and metric values name by
// constant are fields of the item types that store them.
func TestNamedAttributesAreItemFields(t *testing.T) {
	for _, c := range []struct {
		item  any
		names []string
	}{
		{repeatItem{}, []string{attrOwner, attrStatus, attrContentType, attrLocation, attrRepeatBody, attrGzip, attrClaimedAt, AttrExpires}},
		{memberItem{}, []string{attrDisplayName, attrBio, attrExpertise, attrInterests, attrCompany, attrLocation, attrLinks, attrLocale,
			attrStatus, attrSuspendedUntil, attrAvatarKey, attrNoActivityEmails, attrRoles, attrEmail}},
		{staffItem{}, []string{attrCRMRef, attrLeadStatus, attrNotes}},
		{posts.QueueItem{}, []string{attrFirstAt, attrReports, attrReasons, attrAuthorDeleted, attrAuthorName, attrExcerpt}},
		{posts.Report{}, []string{attrNote}},
		{invitationItem{}, []string{attrRevokedAt}},
		{revisionItem{}, []string{attrCommentID}},
		{spaceItem{}, []string{attrKind, attrVisibility}},
		{latestValueItem{}, []string{attrAt}},
	} {
		ty := reflect.TypeOf(c.item)
		for _, name := range c.names {
			if _, ok := ty.FieldByName(name); !ok {
				t.Errorf("expressions name %q, which %s has not", name, ty.Name())
			}
		}
	}
}

// No string literal of the store names a key attribute of the table (its partition and
// sort keys, every index's keys, the TTL attribute): key conditions, update and condition
// expressions and projections build them from AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK and
// AttrExpires (keyexpr.go's expressions, or a "#" placeholder named from the constant),
// so renaming an attribute in the table definition cannot leave an expression on the old
// name. Struct tags and the constants' own definitions are the only places they appear.
func TestKeyAttributesAreNeverLiteral(t *testing.T) {
	attrs := keyAttributes()
	if len(attrs) < 5 {
		t.Fatalf("key attributes of the table: %v", attrs)
	}
	for _, c := range []struct {
		lit  string
		want []string
	}{
		{"attribute_not_exists(PK)", []string{AttrPK}},
		{"PK = :pk AND begins_with(SK, :p)", []string{AttrPK, AttrSK}},
		{"SET #Votes = :n, GSI1SK = :sk", []string{AttrGSI1SK}},
		{"REMOVE GSI1PK, GSI1SK", []string{AttrGSI1PK, AttrGSI1SK}},
		{"attribute_not_exists(#PK) OR ExpiresAt <= :now", []string{AttrExpires}},
		{"PK", []string{AttrPK}},
		{"#PK = :pk AND #GSI1SK < :before", nil},
		{"POST#", nil},
		{"SKU", nil},
	} {
		if got := literalKeyAttributes(c.lit, attrs); !slices.Equal(got, c.want) {
			t.Errorf("literalKeyAttributes(%q) = %v, want %v", c.lit, got, c.want)
		}
	}

	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		skip := map[*ast.BasicLit]bool{}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.Field:
				if n.Tag != nil {
					skip[n.Tag] = true
				}
			case *ast.ImportSpec:
				skip[n.Path] = true
			case *ast.ValueSpec:
				// The constants that define the attribute names.
				for i, id := range n.Names {
					if i < len(n.Values) && slices.Contains(attrs, constValue(id.Name)) {
						if lit, ok := n.Values[i].(*ast.BasicLit); ok {
							skip[lit] = true
						}
					}
				}
			}
			return true
		})
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING || skip[lit] {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			checked++
			if got := literalKeyAttributes(s, attrs); got != nil {
				t.Errorf("%s: %q names %v literally: use the constant (keyexpr.go)", fset.Position(lit.Pos()), s, got)
			}
			return true
		})
	}
	if checked < 1000 {
		t.Fatalf("only %d string literals checked: the files were not read", checked)
	}
}

// keyAttributes are the table's key, index and TTL attribute names.
func keyAttributes() []string {
	attrs := []string{Table.PartitionKey, Table.SortKey, Table.TTLAttribute}
	for _, g := range Table.GSIs {
		attrs = append(attrs, g.PartitionKey, g.SortKey)
	}
	return attrs
}

// constValue is the value of the attribute-name constant called name ("" for others).
func constValue(name string) string {
	return map[string]string{"AttrPK": AttrPK, "AttrSK": AttrSK, "AttrGSI1PK": AttrGSI1PK, "AttrGSI1SK": AttrGSI1SK,
		"AttrExpires": AttrExpires}[name]
}

// literalKeyAttributes are the attributes of attrs that s names as a whole word, not as
// a "#" placeholder, in the order of attrs.
func literalKeyAttributes(s string, attrs []string) []string {
	var found []string
	for _, a := range attrs {
		for rest, at := s, 0; ; {
			i := strings.Index(rest, a)
			if i < 0 {
				break
			}
			start, end := at+i, at+i+len(a)
			before := start == 0 || !isNameByte(s[start-1]) && s[start-1] != '#'
			after := end == len(s) || !isNameByte(s[end])
			if before && after {
				found = append(found, a)
				break
			}
			rest, at = s[end:], end
		}
	}
	return found
}
