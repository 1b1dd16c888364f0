package tests

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeRuntimeAPI is the part of the Lambda Runtime API a provided.al2023 bootstrap
// talks to: it hands out one invocation and records when things happen.
type fakeRuntimeAPI struct {
	event     []byte
	firstNext chan time.Time
	response  chan string
	served    bool
}

func (f *fakeRuntimeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case strings.HasSuffix(r.URL.Path, "/invocation/next"):
		if f.served {
			<-r.Context().Done() // no second invocation: the process is killed
			return
		}
		f.served = true
		f.firstNext <- time.Now()
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "bench-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(time.Minute).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:registration")
		_, _ = w.Write(f.event)
	case strings.HasSuffix(r.URL.Path, "/response"):
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		f.response <- string(b)
	default:
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		f.response <- "error: " + string(b)
	}
}

// BenchmarkColdStart starts the registration function's bootstrap (built for this
// machine) against a fake Runtime API: init-ms is process start to its first
// /next call, first-response-ms adds one GET /api/health invocation.
func BenchmarkColdStart(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "bootstrap")
	build := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags=-s -w", "-o", bin, "../functions/registration")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	event, err := os.ReadFile("../events/lambda/apigw-v2-start.json")
	if err != nil {
		b.Fatal(err)
	}
	health := strings.NewReplacer(`"rawPath": "/api/auth/email/start"`, `"rawPath": "/api/health"`,
		`"method": "POST", "path": "/api/auth/email/start"`, `"method": "GET", "path": "/api/health"`).Replace(string(event))
	var initTotal, firstTotal time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		api := &fakeRuntimeAPI{event: []byte(health), firstNext: make(chan time.Time, 1), response: make(chan string, 1)}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := &http.Server{Handler: api}
		go func() { _ = srv.Serve(ln) }()
		cmd := exec.Command(bin)
		cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=x",
			"AWS_SECRET_ACCESS_KEY=x", "TABLE_NAME=t", "PUBLIC_URL=https://community.example", "MAIL_FROM=no-reply@example.com", "AVATAR_BUCKET=avatars",
			"AWS_LAMBDA_FUNCTION_NAME=registration", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_LAMBDA_FUNCTION_VERSION=1"}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-api.firstNext:
			initTotal += at.Sub(start)
		case <-time.After(10 * time.Second):
			b.Fatalf("the bootstrap never asked for an invocation; it said:\n%s", stderr.String())
		}
		resp := <-api.response
		firstTotal += time.Since(start)
		if !strings.Contains(resp, `"statusCode":200`) {
			b.Fatalf("health invocation answered %s", resp)
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = srv.Close()
	}
	b.ReportMetric(float64(initTotal.Microseconds())/1000/float64(b.N), "init-ms")
	b.ReportMetric(float64(firstTotal.Microseconds())/1000/float64(b.N), "first-response-ms")
}
