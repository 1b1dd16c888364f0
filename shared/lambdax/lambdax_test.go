package lambdax_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"tribune/shared/httpx"
	"tribune/shared/lambdax"
)

func TestAPIGatewayRequestReachesAPlainHandler(t *testing.T) {
	raw, err := os.ReadFile("../../events/lambda/apigw-v2-start.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/auth/email/start", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		httpx.WriteJSON(w, http.StatusAccepted, map[string]string{
			"body": string(body), "client": httpx.ClientIP(r, 1), "lang": r.Header.Get("Accept-Language"),
		})
	})
	h, err := httpx.Wrap(mux, httpx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := lambdax.HTTP(h)(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 202 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var got map[string]string
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
		t.Fatal(err)
	}
	if got["body"] != `{"email":"ann@example.com"}` || got["client"] != "130.176.1.1" || got["lang"] != "fr-FR,fr;q=0.9" {
		t.Fatalf("handler saw %v", got)
	}
	if id := resp.Headers["X-Request-Id"]; id != "JKJaXmPLvHcESHA=" {
		t.Fatalf("request id %q, want API Gateway's", id)
	}
}
