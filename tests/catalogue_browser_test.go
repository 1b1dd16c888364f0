package tests

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tribune/shared/rewards"
	"tribune/shared/store"
)

// TestBrowserCatalogue runs tests/browser/catalogue.cjs (issue 12, r3): a gift added on
// the catalogue's page, redeemed by a member on a French phone, approved and shipped by
// staff, its tracking number read by the member; axe-core on every page. The member's
// points are paid straight into the runtime's table (GRANT_URL), as the points' awards
// consumer would pay them.
func TestBrowserCatalogue(t *testing.T) {
	t.Parallel()
	rt := startRuntime(t, "", "ADMIN_EMAILS=admin@example.com")
	key, err := os.ReadFile(filepath.Join(rt.DataDir, "dynamodb", ".tribune-access-key-id"))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(dynamoClient(t, rt.dynamoEndpoint(t), strings.TrimSpace(string(key))), "tribune")
	grants := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var g struct {
			MemberID string
			Points   int64
		}
		if json.NewDecoder(r.Body).Decode(&g) != nil || g.MemberID == "" || g.Points <= 0 {
			http.Error(w, "bad grant", http.StatusBadRequest)
			return
		}
		e := rewards.Entry{MemberID: g.MemberID, Rule: "grant", Amount: g.Points, ObjectType: "test", ObjectID: rand.Text(), At: time.Now()}
		if err := st.Rewards().Pay(context.Background(), e, g.Points, g.Points, 0); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(grants.Close)

	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("Chromium is missing (%v): run `make browser` (apt-get install chromium) or set CHROMIUM", err)
	}
	modules, _ := filepath.Abs("../.tools/node_modules")
	shots := os.Getenv("SHOTS_DIR")
	if shots == "" {
		shots = filepath.Join("..", "build", "screenshots")
	}
	shots, _ = filepath.Abs(filepath.Join(shots, "catalogue"))
	if err := os.RemoveAll(shots); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", "browser/catalogue.cjs")
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules, "BASE_URL="+rt.URL, "DEV_KEY="+rt.devKey(t), "OUTBOX_DIR="+filepath.Join(rt.DataDir, "outbox"),
		"SHOTS_DIR="+shots, "CHROMIUM="+chromium, "GRANT_URL="+grants.URL)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	t.Logf("%s(%s in the browser; screenshots in %s)", out, time.Since(began).Round(time.Second), shots)
	if err != nil {
		t.Fatalf("browser test failed: %v\nruntime log:\n%s", err, rt.Log.String())
	}
}
