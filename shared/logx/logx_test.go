package logx

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

func TestEveryLineCarriesTheRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelInfo).With("fn", "test")
	log.InfoContext(WithRequestID(context.Background(), "req-1"), "hello")
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log line is not JSON: %v: %s", err, buf.String())
	}
	if line["request_id"] != "req-1" || line["fn"] != "test" || line["msg"] != "hello" {
		t.Fatalf("unexpected line %v", line)
	}
}

func TestEmailIsRedacted(t *testing.T) {
	for in, want := range map[string]string{
		"alice@example.com": "a***@example.com",
		"x@y.org":           "x***@y.org",
		"nonsense":          "***",
		"@example.com":      "***",
	} {
		if got := Email(in); got != want {
			t.Errorf("Email(%q) = %q, want %q", in, got, want)
		}
	}
}
