// Command local runs the whole of Tribune in one process, as `make run` does: DynamoDB
// Local, the table from the shared definition, its stream driving the same publisher
// as in AWS, an in-process bus with the shared routing table, every function's
// handlers on one ServeMux, and the web frontend at /.
//
// It is for the machine it runs on: it refuses to listen on anything but a loopback
// address unless ALLOW_NON_LOOPBACK=1, its development helpers (S3 under /_s3/,
// the pages under /_dev/) answer only the runtime's own signed requests, and its
// DynamoDB Local listens on 127.0.0.1 with the tables in the database of the data
// directory's own key. Everything acknowledged, table and files, is on disk under
// DATA_DIR.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"tribune/shared/search/bleveindex"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/oauth2-proxy/mockoidc"

	"tribune/shared/app"
	"tribune/shared/blob"
	"tribune/shared/blob/locals3"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/logx"
	"tribune/shared/mail"
	"tribune/shared/queue"
	"tribune/shared/social"
	"tribune/shared/store"
	"tribune/shared/store/dynamolocal"
)

func main() {
	slog.SetDefault(logx.New(os.Stdout, slog.LevelInfo).With("fn", "local"))
	if err := run(); err != nil {
		slog.Error("local runtime stopped", "err", err.Error())
		os.Exit(1)
	}
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func run() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	listen := env("LISTEN_ADDR", "localhost:8080")
	dataDir := env("DATA_DIR", ".data")
	webDir := env("WEB_DIR", "web/dist")
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR %q: %w", listen, err)
	}
	allowRemote, _ := strconv.ParseBool(os.Getenv("ALLOW_NON_LOOPBACK"))
	if err := checkLoopback(ctx, listen, allowRemote); err != nil {
		return err
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	// The newsletters' sending timing: the defaults, or shortened for a test of a crash
	// (NEWSLETTER_SEND_VISIBILITY, local only).
	sendTiming, err := app.LocalSendTiming(os.Getenv(app.EnvNewsletterSendVisibility))
	if err != nil {
		return err
	}
	if sendTiming != app.DefaultSendTiming {
		slog.Info("newsletter sending timing shortened", "visibility", sendTiming.Visibility.String(),
			"timeout", sendTiming.Timeout.String(), "claimLease", sendTiming.ClaimLease.String())
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:" + port
	}
	cfg.CookieSecure = strings.HasPrefix(cfg.PublicURL, "https://")
	if cfg.TableName == "" {
		cfg.TableName = "tribune"
	}
	if cfg.MailFrom == "" {
		cfg.MailFrom = "Tribune <no-reply@tribune.localhost>"
	}

	var ddbCreds *aws.Credentials
	if cfg.DynamoDBEndpoint == "" {
		abs, _ := filepath.Abs(filepath.Join(dataDir, "dynamodb"))
		ddb, err := dynamolocal.Start(ctx, dynamolocal.Options{DataDir: abs, WorkDir: abs, Port: 0, Region: dynamolocal.Region,
			// Only who chose a runtime other machines reach accepts a database they reach.
			AllowNetwork: allowRemote})
		if errors.Is(err, dynamolocal.ErrNotLoopback) {
			return fmt.Errorf("%w; or set ALLOW_NON_LOOPBACK=1", err)
		}
		if err != nil {
			return err
		}
		// Stopped last, after the server and the event path (deferred first).
		defer ddb.Stop()
		cfg.DynamoDBEndpoint = ddb.Endpoint
		// The data is in the database of the data directory's own key: without it,
		// a client of this DynamoDB Local sees an empty database of its own.
		creds := ddb.Credentials()
		ddbCreds = &creds
		slog.Info("DynamoDB Local started", "endpoint", ddb.Endpoint, "data", abs, "pid", ddb.Pid, "loopbackOnly", ddb.Loopback)
		if open := ddb.ReachableFromNetwork(); len(open) > 0 {
			slog.Warn("DynamoDB Local answers on addresses other machines can reach: they cannot read the tables without the key in "+
				"the data directory, but can use the server; firewall its port on an untrusted network", "addresses", open)
		}
	}
	if cfg.SocialProviders, err = social.FromEnv(nil); err != nil {
		return err
	}
	var choices *devChoices
	if os.Getenv("DEV_OIDC") != "off" {
		var devOIDC *mockoidc.MockOIDC
		if devOIDC, choices, err = startDevProvider(&cfg); err != nil {
			return err
		}
		defer func() { _ = devOIDC.Shutdown() }()
	}

	awsCfg, err := store.LoadAWSConfig(ctx, cfg.DynamoDBEndpoint)
	if err != nil {
		return err
	}
	if ddbCreds != nil {
		awsCfg.Region = dynamolocal.Region
		awsCfg.Credentials = credentials.StaticCredentialsProvider{Value: *ddbCreds}
	}
	// Every write Tribune acknowledges is committed: DynamoDB Local answers a
	// transaction before its COMMIT runs (docs/decisions.md).
	probe := store.NewDynamoDB(awsCfg, cfg.DynamoDBEndpoint)
	db := store.NewDynamoDB(awsCfg, cfg.DynamoDBEndpoint, dynamolocal.CommitBarrier(probe, map[string]types.AttributeValue{
		store.AttrPK: &types.AttributeValueMemberS{Value: "#COMMIT-BARRIER"}, store.AttrSK: &types.AttributeValueMemberS{Value: "#"}}))
	streamARN, err := store.EnsureTable(ctx, db, cfg.TableName)
	if err != nil {
		return err
	}
	st := store.New(db, cfg.TableName)
	// What a deploy asks of the catalogue's functions runs once, before anything is
	// served: data written by an older release is brought up to today's rules
	// (idempotent: docs/operations.md, "Data migrations").
	for _, f := range app.Catalogue() {
		if f.Deploy != nil {
			if err := f.Deploy.Run(ctx, app.Deps{Config: cfg, Store: st}); err != nil {
				return err
			}
		}
	}

	outboxDir := filepath.Join(dataDir, "outbox")
	var sender mail.Sender = mail.Outbox{Dir: outboxDir, From: cfg.MailFrom}
	if addr := os.Getenv("SMTP_ADDR"); addr != "" {
		sender = mail.SMTP{Addr: addr, From: cfg.MailFrom}
		slog.Info("mail goes to SMTP", "addr", addr)
	} else {
		slog.Info("mail goes to the outbox folder", "dir", outboxDir)
	}
	sender = devLinks{next: sender}

	// Files go to an in-process S3 server under /_s3/ (same origin, so the browser's
	// presigned PUT needs no CORS), through the same blob code as in AWS, kept on disk
	// in DATA_DIR/s3 (synced before an upload is answered). The runtime signs with
	// credentials of its own, new at every start, and the server serves only what they
	// signed, as S3 does: URLs signed before a restart stop working (the app signs new
	// ones on every request).
	fileStore, err := locals3.OpenFiles(filepath.Join(dataDir, "s3", "objects.bolt"))
	if err != nil {
		return err
	}
	defer fileStore.Close()
	s3Creds := aws.Credentials{AccessKeyID: "TRIBUNELOCAL" + rand.Text()[:8], SecretAccessKey: rand.Text() + rand.Text(), Source: "local runtime"}
	s3Cfg := awsCfg.Copy()
	s3Cfg.Credentials = credentials.StaticCredentialsProvider{Value: s3Creds}
	files := blob.New(s3Cfg, "tribune-avatars", cfg.PublicURL+"/_s3")

	// Listening before the event path starts: a consumer's call to the local S3 (an
	// account's erasure deletes its avatar) waits for the server instead of failing.
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}

	// Search (issue 15): the index lives under the data folder; the indexer's handlers
	// (the bus calls them as any consumer's, each application under the index's lock)
	// and the search routes share it in this process: no S3 round trip.
	searchIndex, err := bleveindex.Open(filepath.Join(dataDir, "search"))
	if err != nil {
		return err
	}
	defer searchIndex.Close()
	app.AttachSearch(st, searchIndex)
	if n, err := searchIndex.Count(); err == nil && n == 0 {
		// A new data folder, or one from before search: fill the index from the table
		// (what the ops rebuild does: docs/operations.md).
		go func() {
			done, err := app.RebuildSearch(ctx, st, searchIndex, nil)
			if err != nil {
				slog.Error("search index not built", "err", err.Error())
				return
			}
			slog.Info("search index built from the table", "documents", done.Put)
		}()
	}

	// The event path: the stream poller checkpoints a batch only once the bus has
	// delivered it to every consumer (or dead-lettered it), so a crash loses nothing.
	// The consumers are the catalogue's, each with its handlers.
	handlers, consumers := app.Consumers(cfg, st, sender, files), map[string]bus.ConsumerFunc{}
	for _, f := range app.Catalogue() {
		if f.Consumer != "" {
			consumers[f.Consumer] = handlers[f.Consumer]
		}
	}
	local := &bus.Local{Consumers: consumers, Attempts: 3, Backoff: 200 * time.Millisecond,
		DeadLetter: bus.DeadLetterDir(filepath.Join(dataDir, "dead-letters"))}
	streams := dynamodbstreams.NewFromConfig(awsCfg, func(o *dynamodbstreams.Options) {
		o.BaseEndpoint = aws.String(cfg.DynamoDBEndpoint)
	})
	poller := &bus.StreamPoller{Streams: streams, StreamARN: streamARN, Handler: app.Publisher(local),
		Checkpoints: &bus.FileCheckpoints{Path: filepath.Join(dataDir, "stream-checkpoints.json")}, Interval: 250 * time.Millisecond}
	pollCtx, stopPolling := context.WithCancel(ctx)
	polled := make(chan struct{})
	go func() { _ = poller.Run(pollCtx); close(polled) }()
	defer func() { stopPolling(); <-polled; local.Wait() }()

	// The scheduled functions (the ticket sweeper) run as EventBridge schedules in AWS;
	// here, on a ticker (TICKET_SWEEP_INTERVAL, default 1m).
	every := time.Minute
	if v, err := time.ParseDuration(os.Getenv("TICKET_SWEEP_INTERVAL")); err == nil && v > 0 {
		every = v
	}
	deps := app.Deps{Config: cfg, Store: st, Mail: sender, Files: files, SendTiming: sendTiming}
	for _, f := range app.Catalogue() {
		if f.Every > 0 {
			go runEvery(ctx, f.Name, f.Job(deps), every)
		}
		// One-time schedules (a campaign's start and end) are EventBridge Scheduler
		// schedules in AWS; here the local scheduler keeps them in the table (they
		// survive a restart) and this ticker runs the due ones every second.
		if f.OneTime != nil {
			go runEvery(ctx, f.Name, func(ctx context.Context) error { return app.RunDueSchedules(ctx, deps, time.Now()) }, time.Second)
		}
		// A function fed by a queue (the newsletters' sender) reads SQS in AWS; here the
		// local durable queue in the table (a message survives a restart), polled as the
		// event source mapping does: a batch handled is deleted, one that failed comes
		// again after the visibility timeout, then goes to its dead-letter queue.
		if q := f.Queue; q != nil {
			visibility, timeout := q.Visibility, f.Timeout
			if q.Name == app.NewsletterQueueName {
				visibility, timeout = sendTiming.Visibility, sendTiming.Timeout
			}
			p := &queue.Poller{Store: st.LocalQueue(), Queue: q.Name, Handler: q.Handler(deps), BatchSize: q.BatchSize,
				Visibility: visibility, MaxReceives: q.MaxReceives, Interval: 250 * time.Millisecond, Workers: q.MaxConcurrency, Timeout: timeout}
			go func() { _ = p.Run(ctx) }()
		}
	}

	s3Handler, err := httpx.Wrap(&locals3.Verifier{Credentials: s3Creds, Region: s3Cfg.Region, Next: http.StripPrefix("/_s3", fileStore.Server())},
		httpx.Options{TrustedOrigins: []string{cfg.PublicURL}, ContentSecurityPolicy: filesCSP, MaxBodyBytes: locals3.MaxBody})
	if err != nil {
		return err
	}
	api, err := app.LocalHandler(deps)
	if err != nil {
		return err
	}
	dev := newDevKey()
	site, err := siteHandler(siteOptions{WebDir: webDir, OutboxDir: outboxDir, SMTPAddr: os.Getenv("SMTP_ADDR"), DevChoices: choices,
		DevKey: dev, PublicURL: cfg.PublicURL,
		MailEvent: func(ctx context.Context, kind, email, newsletterID string) error { // newsletters (issue 13, n2)
			env, err := app.SimulatedMailEvent(kind, email, newsletterID)
			if err != nil {
				return err
			}
			return local.Put(ctx, []eventtypes.Envelope{env})
		}})
	if err != nil {
		return err
	}
	if choices != nil {
		// A development sign-in started by a browser that chose someone is bound to
		// that choice.
		api = choices.flowStarts(api)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api)
	mux.Handle("/", site)
	mux.Handle("/_s3/", s3Handler)

	srv := &http.Server{Addr: listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	slog.Info("Tribune is up", "url", cfg.PublicURL, "dev", cfg.PublicURL+"/_dev/?key="+dev)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	// Requests in flight finish before the stores close (deferred above).
	<-drained
	return nil
}

// filesCSP is the policy of the files the local S3 serves: a file opened on its own
// runs no script, loads nothing and is framed by nobody, even though it comes from the
// web app's origin (no sandbox: it would stop the browser's PDF viewer).
const filesCSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// checkLoopback refuses a listen address that is reachable from other machines,
// unless allowRemote: the development helpers and the development sign-in provider
// are meant for the person at this machine.
func checkLoopback(ctx context.Context, listen string, allowRemote bool) error {
	host, _, _ := net.SplitHostPort(listen)
	loopback := host != ""
	if ip := net.ParseIP(host); ip != nil {
		loopback = ip.IsLoopback()
	} else if host != "" {
		addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
		loopback = err == nil && len(addrs) > 0
		for _, a := range addrs {
			loopback = loopback && a.IP.IsLoopback()
		}
	}
	switch {
	case loopback:
		return nil
	case allowRemote:
		slog.Warn("listening on a non-loopback address: other machines can reach this runtime and its development sign-in provider",
			"listen", listen)
		return nil
	default:
		return fmt.Errorf("LISTEN_ADDR %q is not a loopback address: the local runtime is for this machine only "+
			"(it has a development sign-in provider that signs anyone in); set ALLOW_NON_LOOPBACK=1 to listen there anyway", listen)
	}
}

// runEvery runs a scheduled function's job every interval until ctx ends.
func runEvery(ctx context.Context, name string, job func(context.Context) error, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := job(ctx); err != nil {
				slog.Error("scheduled job failed", "function", name, "err", err)
			}
		}
	}
}

// devLinks prints the links of every message, so a person can finish a sign-in from
// the log. Only the local runtime uses it: in AWS no token reaches a log.
type devLinks struct{ next mail.Sender }

func (d devLinks) Send(ctx context.Context, m mail.Message) error {
	if err := d.next.Send(ctx, m); err != nil {
		return err
	}
	links := mail.Stored{Text: m.Text}.Links()
	slog.InfoContext(ctx, "dev: mail sent", "to", logx.Email(m.To), "subject", m.Subject, "links", links)
	return nil
}

// startDevProvider runs a real OIDC provider in-process (mockoidc), on 127.0.0.1 only,
// so the whole social sign-in can be tried offline. It approves at once, as the person
// the browser chose on the dev sign-in page for its next sign-in (devChoices), or
// jane.doe@example.com.
func startDevProvider(cfg *config.Config) (*mockoidc.MockOIDC, *devChoices, error) {
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("dev OIDC provider: %w", err)
	}
	choices := newDevChoices(m.UserQueue, cfg.CookieSecure)
	if err := m.AddMiddleware(choices.authorize); err != nil {
		return nil, nil, fmt.Errorf("dev OIDC provider: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, fmt.Errorf("dev OIDC provider: %w", err)
	}
	if err := m.Start(ln, nil); err != nil {
		return nil, nil, fmt.Errorf("dev OIDC provider: %w", err)
	}
	mc := m.Config()
	cfg.SocialProviders = append(cfg.SocialProviders, social.Provider{ID: "dev", Name: "Development sign-in", Kind: social.KindOIDC,
		Issuer: m.Issuer(), ClientID: mc.ClientID, ClientSecret: mc.ClientSecret})
	slog.Info("development sign-in provider started", "issuer", m.Issuer())
	return m, choices, nil
}
