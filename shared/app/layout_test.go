package app_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// platform are the packages of shared/ that are not domains (docs/architecture.md, "The
// layering"): every other package directly under shared/ is a domain, so a new domain is
// checked from its first commit. A new platform package is added here.
var platform = map[string]bool{
	"app": true, "store": true,
	"audit": true, "auth": true, "blob": true, "bus": true, "config": true, "content": true,
	"errs": true, "eventtypes": true, "httpx": true, "idempotency": true, "lambdax": true,
	"locale": true, "logx": true, "mail": true, "policy": true, "prefetch": true,
	"ratelimit": true, "secret": true, "social": true, "text": true, "filetypes": true,
	"schedule": true,
	"queue":    true,
}

// awsThrough are the platform packages a domain may depend on although they import the
// AWS SDK, each with its reason. Reaching the SDK through any other package fails.
var awsThrough = map[string]string{
	"tribune/shared/mail": "members and notifications use mail.Message and the mail.Sender interface; the SES sender shares the package (moving it to a package of its own would empty this list)",
}

type goPackage struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// sharedPackages lists every package of shared/ with its imports and dependencies (go list).
func sharedPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", "tribune/shared/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]goPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// domainOf is the domain a package belongs to (shared/<domain> and its sub-packages), or "".
func domainOf(importPath string) string {
	rest, ok := strings.CutPrefix(importPath, "tribune/shared/")
	if !ok {
		return ""
	}
	top, _, _ := strings.Cut(rest, "/")
	if platform[top] {
		return ""
	}
	return top
}

func isAWS(importPath string) bool {
	return strings.HasPrefix(importPath, "github.com/aws/") || strings.HasPrefix(importPath, "github.com/awslabs/")
}

// A domain package holds logic only: it imports no AWS SDK (directly, or through any
// package but those of awsThrough), no sibling domain (directly or through another
// package), and neither the store nor the composition (shared/store, shared/app), nor
// anything outside shared/.
func TestDomainsImportNoAWSSDKAndNoSiblingDomain(t *testing.T) {
	t.Parallel()
	pkgs := sharedPackages(t)
	var domains []string
	for path, p := range pkgs {
		d := domainOf(path)
		if d == "" {
			continue
		}
		if !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
		for _, imp := range p.Imports {
			if isAWS(imp) {
				t.Errorf("%s (domain %s) imports %s: AWS calls belong in shared/store or a platform package", path, d, imp)
			}
		}
		for _, dep := range p.Deps {
			switch other := domainOf(dep); {
			case other != "" && other != d:
				t.Errorf("%s (domain %s) depends on the domain %s (%s): what one domain asks of another is adapted in shared/app", path, d, other, dep)
			case dep == "tribune/shared/app" || strings.HasPrefix(dep, "tribune/shared/app/") ||
				dep == "tribune/shared/store" || strings.HasPrefix(dep, "tribune/shared/store/"):
				t.Errorf("%s (domain %s) depends on %s: a domain declares the Store interface it needs", path, d, dep)
			case strings.HasPrefix(dep, "tribune/") && !strings.HasPrefix(dep, "tribune/shared/"):
				t.Errorf("%s (domain %s) depends on %s, outside shared/", path, d, dep)
			case strings.HasPrefix(dep, "tribune/") && domainOf(dep) == "" && awsThrough[dep] == "":
				if via := pkgs[dep]; slices.ContainsFunc(via.Imports, isAWS) {
					t.Errorf("%s (domain %s) reaches the AWS SDK through %s, which imports it (a domain's dependencies stay free of AWS; see awsThrough)", path, d, dep)
				}
			}
		}
	}
	slices.Sort(domains)
	// The check is only as good as its list: the domains of docs/architecture.md are all in it.
	for _, want := range []string{"invitations", "members", "metrics", "notifications", "posts", "spaces", "tickets"} {
		if !slices.Contains(domains, want) {
			t.Errorf("the domain %s was not found among the packages of shared/ (found %v)", want, domains)
		}
	}
	t.Logf("domains checked: %s", strings.Join(domains, ", "))
}

// Every test that makes a table of its own (dynamotest.NewTable, directly or through a
// helper such as newCommunity) or starts a local runtime of its own (tests/
// startRuntimeOn, on a data directory of its own) runs in parallel with the others: its
// first statement is t.Parallel(), unless its comment says why not in a line starting
// "Not parallel:" (t.Setenv, a package variable it changes). Checked in shared/app,
// shared/store and tests/.
func TestTestsWithATableOfTheirOwnRunInParallel(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{".", "../store", "../../tests"} {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no test files in %s (%v)", dir, err)
		}
		fset := token.NewFileSet()
		funcs := map[string]*ast.FuncDecl{}
		for _, f := range files {
			af, err := parser.ParseFile(fset, f, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range af.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					funcs[funcKey(fd)] = fd
				}
			}
		}
		// makesTable: the functions that call dynamotest.NewTable, or one of these (to a
		// fixed point, so helpers of helpers count).
		makesTable := map[string]bool{}
		for changed := true; changed; {
			changed = false
			for key, fd := range funcs {
				if makesTable[key] {
					continue
				}
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || makesTable[key] {
						return !makesTable[key]
					}
					switch fn := call.Fun.(type) {
					case *ast.Ident:
						makesTable[key] = makesTable[fn.Name] || fn.Name == "startRuntimeOn"
					case *ast.SelectorExpr:
						if x, ok := fn.X.(*ast.Ident); ok && x.Name == "dynamotest" && fn.Sel.Name == "NewTable" {
							makesTable[key] = true
						} else {
							makesTable[key] = makesTable["."+fn.Sel.Name]
						}
					}
					changed = changed || makesTable[key]
					return !makesTable[key]
				})
			}
		}
		n := 0
		for key, fd := range funcs {
			if !strings.HasPrefix(key, "Test") || key == "TestMain" || !makesTable[key] {
				continue
			}
			n++
			if startsParallel(fd) {
				continue
			}
			if fd.Doc == nil || !strings.Contains(fd.Doc.Text(), "\nNot parallel: ") && !strings.HasPrefix(fd.Doc.Text(), "Not parallel: ") {
				t.Errorf("%s (%s) makes a table or starts a runtime of its own but does not start with t.Parallel(), and its comment gives no line \"Not parallel: <why>\"",
					key, fset.Position(fd.Pos()))
			}
		}
		if n == 0 {
			t.Errorf("no test of %s makes a table or starts a runtime: the check found nothing to check", dir)
		}
	}
}

// funcKey names a function as calls name it: "f" for a function, ".m" for a method.
func funcKey(fd *ast.FuncDecl) string {
	if fd.Recv != nil {
		return "." + fd.Name.Name
	}
	return fd.Name.Name
}

func startsParallel(fd *ast.FuncDecl) bool {
	if len(fd.Body.List) == 0 {
		return false
	}
	es, ok := fd.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Parallel" && len(call.Args) == 0
}
