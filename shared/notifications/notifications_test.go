package notifications

import (
	"strings"
	"testing"

	"tribune/shared/locale"
)

func TestWelcomeRendersInEveryLanguage(t *testing.T) {
	svc := NewService(nil, nil, "https://community.example")
	for _, lang := range locale.Supported {
		msg, err := svc.Templates.Render("welcome", lang, "a@example.com", map[string]any{"Name": "Zoé <script>", "Link": "https://community.example/"})
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !strings.Contains(msg.Subject, "Zoé <script>") || !strings.Contains(msg.HTML, "Zoé &lt;script&gt;") || !strings.Contains(msg.Text, "https://community.example/") {
			t.Fatalf("%s: %+v", lang, msg)
		}
	}
}
