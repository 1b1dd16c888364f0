// Package lambdax adapts plain net/http handlers to API Gateway HTTP API (payload 2.0)
// Lambda invocations; handlers never see Lambda types.
package lambdax

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"tribune/shared/httpx"
	"tribune/shared/logx"
)

// HTTP returns the Lambda handler serving h, with API Gateway's request id as the
// request id of the logs.
func HTTP(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	adapter := httpadapter.NewV2(rejoinHeaders(h))
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		if req.Headers == nil {
			req.Headers = map[string]string{}
		}
		if id := req.RequestContext.RequestID; id != "" {
			req.Headers[httpx.RequestIDHeader] = id
		}
		return adapter.ProxyWithContext(ctx, req)
	}
}

// Logger installs the JSON logger as the default one for a function.
func Logger(function string) *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	log := logx.New(os.Stdout, level).With("fn", function)
	slog.SetDefault(log)
	return log
}

// rejoinHeaders undoes the adapter's split of every header value on commas, which
// would otherwise cut X-Forwarded-For and Accept-Language down to their first part.
func rejoinHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range r.Header {
			if len(vs) > 1 && k != "Cookie" {
				r.Header[k] = []string{strings.Join(vs, ",")}
			}
		}
		h.ServeHTTP(w, r)
	})
}
