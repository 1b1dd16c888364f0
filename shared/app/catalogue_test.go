package app_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/config"
)

// The catalogue is what the Lambda mains, the local runtime and the stack iterate:
// every function in it has its main (and only those), its place in the Makefile, one
// thing that starts it, and settings and grants that agree.
func TestCatalogueIsWhatTheMainsTheMakefileAndTheConsumersAre(t *testing.T) {
	t.Parallel()
	var names []string
	for _, f := range app.Catalogue() {
		names = append(names, f.Name)
	}

	t.Run("one main per function, booting it by its name", func(t *testing.T) {
		dirs, err := os.ReadDir("../../functions")
		if err != nil {
			t.Fatal(err)
		}
		var mains []string
		for _, d := range dirs {
			if d.IsDir() {
				mains = append(mains, d.Name())
			}
		}
		if got, want := sorted(mains), sorted(names); !slices.Equal(got, want) {
			t.Fatalf("functions/ holds %v, the catalogue %v", got, want)
		}
		for _, name := range names {
			src, err := os.ReadFile(filepath.Join("../../functions", name, "main.go"))
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`app\.Boot\(app\.(\w+)Function\(\)\)`).FindSubmatch(src)
			if m == nil || !strings.EqualFold(string(m[1]), strings.ReplaceAll(name, "-", "")) {
				t.Errorf("functions/%s/main.go does not boot its catalogue entry", name)
			}
			// A main makes the mail and files clients its entry is granted, and no other
			// (a client it makes is linked into its binary).
			f, _ := app.FunctionNamed(name)
			if strings.Contains(string(src), "env.Mail()") != f.Has(app.ResMail) {
				t.Errorf("functions/%s/main.go: mail client without the mail grant, or the reverse", name)
			}
			if strings.Contains(string(src), "env.Files()") != f.Has(app.ResFiles) {
				t.Errorf("functions/%s/main.go: files client without a files grant, or the reverse", name)
			}
		}
	})

	t.Run("the Makefile builds the catalogue's functions", func(t *testing.T) {
		mk, err := os.ReadFile("../../Makefile")
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^FUNCTIONS\s*:=\s*(.*)$`).FindSubmatch(mk)
		if m == nil {
			t.Fatal("no FUNCTIONS in the Makefile")
		}
		if got, want := sorted(strings.Fields(string(m[1]))), sorted(names); !slices.Equal(got, want) {
			t.Fatalf("Makefile FUNCTIONS %v, the catalogue %v", got, want)
		}
	})

	t.Run("each function has one trigger, and the consumers are the routing table's", func(t *testing.T) {
		var consumers []string
		for _, f := range app.Catalogue() {
			triggers := 0
			for _, on := range []bool{f.Routes != nil, f.Consumer != "", f.Stream, f.Every > 0, f.Deploy != nil, f.OneTime != nil, f.Queue != nil} {
				if on {
					triggers++
				}
			}
			if triggers != 1 {
				t.Errorf("%s has %d triggers, want 1", f.Name, triggers)
			}
			if (f.Every > 0) != (f.Job != nil) {
				t.Errorf("%s: a schedule needs a job and a job a schedule", f.Name)
			}
			if f.Routes != nil && len(f.Routes(app.Deps{})) == 0 {
				t.Errorf("%s serves no route", f.Name)
			}
			if f.Consumer != "" {
				consumers = append(consumers, f.Consumer)
				if len(bus.RoutesOf(f.Consumer)) == 0 {
					t.Errorf("%s consumes %s, which the routing table routes nothing to", f.Name, f.Consumer)
				}
			}
		}
		var handled []string
		for name := range app.Consumers(config.Config{}, nil, nil, nil) {
			handled = append(handled, name)
		}
		if got, want := sorted(consumers), sorted(handled); !slices.Equal(got, want) {
			t.Fatalf("the catalogue runs consumers %v, the handlers are of %v", got, want)
		}
	})

	t.Run("settings and grants agree", func(t *testing.T) {
		full := config.Config{TableName: "t", EventBusName: "b", PublicURL: "https://x", MailFrom: "a@x", AvatarBucket: "f"}
		known := []string{app.EnvTableName, app.EnvEventBusName, app.EnvPublicURL, app.EnvMailFrom, app.EnvMailConfigurationSet,
			app.EnvTrustedProxies, app.EnvAdminEmails, app.EnvAvatarBucket, app.EnvCursorSecretARN}
		for _, f := range app.Catalogue() {
			if err := full.Require(f.Needs...); err != nil {
				t.Errorf("%s needs a setting Boot cannot check: %v", f.Name, err)
			}
			for _, e := range f.Env() {
				if !slices.Contains(known, e) {
					t.Errorf("%s is given %s, which the stack has no value for", f.Name, e)
				}
			}
			// The settings of a resource come with its grant, and the reverse.
			for _, pair := range []struct {
				setting string
				grant   app.Resource
			}{{app.EnvMailFrom, app.ResMail}, {app.EnvAvatarBucket, app.ResFiles}, {app.EnvCursorSecretARN, app.ResCursorKey},
				{app.EnvEventBusName, app.ResBus}, {app.EnvTableName, app.ResTable}} {
				if slices.Contains(f.Env(), pair.setting) != f.Has(pair.grant) {
					t.Errorf("%s: setting %s without grant %s, or the reverse", f.Name, pair.setting, pair.grant)
				}
			}
			for _, g := range f.Grants {
				if g.Resource == app.ResFiles && (!strings.HasSuffix(g.Prefix, "/*") || len(g.Access) == 0) {
					t.Errorf("%s: files grant %+v is not one prefix with its access", f.Name, g)
				}
			}
		}
	})

	t.Run("an HTTP handler is only for a function that serves routes", func(t *testing.T) {
		if _, err := app.HTTPHandler(app.FeedFunction(), app.Deps{}); err == nil {
			t.Error("feed serves no routes, yet has an HTTP handler")
		}
		if _, err := app.HTTPHandler(app.InvitationsFunction(), app.Deps{}); err != nil {
			t.Errorf("invitations: %v", err)
		}
		for _, name := range names {
			if f, err := app.FunctionNamed(name); err != nil || f.Name != name {
				t.Errorf("FunctionNamed(%q) = %v, %v", name, f.Name, err)
			}
		}
		if _, err := app.FunctionNamed("nosuch"); err == nil {
			t.Error("a function outside the catalogue is found")
		}
	})
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}
