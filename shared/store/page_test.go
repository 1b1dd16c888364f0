package store

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Where DynamoDB's page keys are handled: only in page.go (the paging helpers) and
// cursor.go (a key made into a signed cursor and back). A hand-written
// ExclusiveStartKey/LastEvaluatedKey loop anywhere else in shared/store (a store, a
// migration, a test helper) fails here: it belongs in a helper of page.go.
func TestOnlyThePagingHelpersTouchDynamoDBPageKeys(t *testing.T) {
	allowed := []string{"page.go", "cursor.go"}
	fset := token.NewFileSet()
	files := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || slices.Contains(allowed, path) {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files++
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && (id.Name == "ExclusiveStartKey" || id.Name == "LastEvaluatedKey") {
				t.Errorf("%s: %s outside page.go and cursor.go: page with a helper of page.go", fset.Position(id.Pos()), id.Name)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 40 {
		t.Fatalf("read %d Go files of shared/store: not its directory?", files)
	}
	// The check sees what it looks for: page.go reads the keys.
	f, err := parser.ParseFile(fset, "page.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && (id.Name == "ExclusiveStartKey" || id.Name == "LastEvaluatedKey") {
			seen++
		}
		return true
	})
	if seen == 0 {
		t.Fatal("page.go names no page key: the check would find nothing anywhere")
	}
}
