package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/mail"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/queue"
)

// Newsletters: scheduling and sending (issue 13, n3): the routes (schedule, pause,
// resume, cancel, progress, the sending settings), the clock's job that starts a
// scheduled newsletter, and the newsletter-send function fed by its queue.

// SendParts are the other parts of the newsletters the sending path uses: writing's
// newsletter reader and renderer, audience and consent's Audience. Each part's app file
// sets its own in an init (newsletters_writing.go: Source, Renderer;
// newsletters_audience.go: Audience).
type SendParts struct {
	Source   func(Deps) newsletters.Source
	Renderer func(Deps) newsletters.Renderer
	Audience func(Deps) newsletters.Audience
}

// SendingParts are the parts the sending path is built with. Audience and consent's is
// set here (NewAudience); writing sets Source (its store's newsletter) and Renderer
// (its Composer) in newsletters_writing.go.
var SendingParts = SendParts{Audience: func(d Deps) newsletters.Audience { return NewAudience(d) }}

// sendLinks is what the sender rewrites a batch's links with: results' signed
// redirects (and the open-tracking image when an admin switched it on), read once per
// batch.
func sendLinks(d Deps) func(ctx context.Context, newsletterID string) (func(string) string, error) {
	return func(ctx context.Context, newsletterID string) (func(string) string, error) {
		links, err := NewsletterLinks(ctx, d)
		if err != nil {
			return nil, err
		}
		return func(html string) string { return newsletters.RewriteLinks(html, newsletterID, links) }, nil
	}
}

// sendingProgress is what results read of the sending: the newsletter and its sent
// and errors counters.
type sendingProgress struct{ d Deps }

func (p sendingProgress) Progress(ctx context.Context, id string) (newsletters.Newsletter, int64, int64, error) {
	if SendingParts.Source == nil {
		return newsletters.Newsletter{}, 0, 0, errPartsMissing
	}
	n, err := SendingParts.Source(p.d).Newsletter(ctx, id)
	if err != nil {
		return newsletters.Newsletter{}, 0, 0, err
	}
	s, err := p.d.Store.Newsletters().Sending(ctx, id)
	return n, int64(s.Progress.Sent), int64(s.Progress.Errors), err
}

// errPartsMissing: a function was built without a part of the newsletters.
var errPartsMissing = errors.New("app: the newsletters' writing or audience part is not wired (SendParts)")

func (p SendParts) ready() bool { return p.Source != nil && p.Renderer != nil && p.Audience != nil }

// EnvNewsletterQueueURL is the newsletter-send function's queue (SQS); unset: the local
// durable queue in the table.
const EnvNewsletterQueueURL = "NEWSLETTER_QUEUE_URL"

// NewsletterQueueName is the local queue of the newsletter-send function (and the
// catalogue's name of its queue).
const NewsletterQueueName = "newsletter-send"

// Timing of the sending path: a sender's invocation runs at most SendTimeout (which is
// also the freeze lease; the claim lease is newsletters.ClaimLease); a message not
// deleted comes again after SendVisibility; after SendMaxReceives it goes to the
// dead-letter queue.
const (
	SendTimeout     = 5 * time.Minute
	SendVisibility  = 6 * time.Minute
	SendMaxReceives = 5
)

// SendTiming is the sending path's timing: the queue's visibility timeout, a sender's
// invocation's limit (also the freeze lease) and the claim lease. The visibility is
// longer than the timeout, so a message is never handled twice at once; the claim lease
// is shorter than what separates them, so the records a dead sender claimed are free
// again when its message comes back.
type SendTiming struct {
	Visibility, Timeout, ClaimLease time.Duration
}

// DefaultSendTiming is the timing in AWS, and under `make run` unless
// NEWSLETTER_SEND_VISIBILITY shortens it.
var DefaultSendTiming = SendTiming{Visibility: SendVisibility, Timeout: SendTimeout, ClaimLease: newsletters.ClaimLease}

// EnvNewsletterSendVisibility shortens, under `make run` only, the local newsletter
// queue's visibility timeout, and with it the rest of the timing in the same proportions
// (LocalSendTiming): after a crash the sending goes on within it instead of 6 minutes.
// The functions in AWS never read it (their queue's visibility is the stack's).
const EnvNewsletterSendVisibility = "NEWSLETTER_SEND_VISIBILITY"

// MinSendVisibility is the shortest NEWSLETTER_SEND_VISIBILITY.
const MinSendVisibility = 10 * time.Second

// LocalSendTiming is the local runtime's timing for NEWSLETTER_SEND_VISIBILITY's value
// v (empty: DefaultSendTiming): visibility v, timeout 5/6 of it, claim lease 1/3 of it,
// the proportions of the defaults (6 min, 5 min, 2 min). A value that is not a duration
// from MinSendVisibility to SendVisibility is an error.
func LocalSendTiming(v string) (SendTiming, error) {
	if v == "" {
		return DefaultSendTiming, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < MinSendVisibility || d > SendVisibility {
		return SendTiming{}, fmt.Errorf("%s=%q: give a duration from %v to %v (the default), such as 30s",
			EnvNewsletterSendVisibility, v, MinSendVisibility, SendVisibility)
	}
	return SendTiming{Visibility: d, Timeout: d * 5 / 6, ClaimLease: d / 3}, nil
}

// sendTiming is d's timing (DefaultSendTiming unless the local runtime chose one).
func (d Deps) sendTiming() SendTiming {
	if d.SendTiming.Visibility == 0 {
		return DefaultSendTiming
	}
	return d.SendTiming
}

// NewsletterQueue is where the sending path's jobs go: SQS when the function was given
// its URL, else the local durable queue in the table.
func (e Env) NewsletterQueue() queue.Sender {
	if url := os.Getenv(EnvNewsletterQueueURL); url != "" {
		return queue.SQS{Client: sqs.NewFromConfig(e.AWS), URL: url}
	}
	return nil
}

// jobQueue adapts a queue.Sender to the domain's Queue (jobs in JSON).
type jobQueue struct{ q queue.Sender }

func (j jobQueue) Enqueue(ctx context.Context, jobs ...newsletters.Job) error {
	bodies := make([][]byte, len(jobs))
	for i, job := range jobs {
		b, err := json.Marshal(job)
		if err != nil {
			return err
		}
		bodies[i] = b
	}
	return j.q.Send(ctx, bodies...)
}

// queueOf is the function's newsletter queue: d.Queue when given, else the local one.
func queueOf(d Deps) newsletters.Queue {
	if d.Queue != nil {
		return jobQueue{d.Queue}
	}
	return jobQueue{queue.Local{Store: d.Store.LocalQueue(), Name: NewsletterQueueName}}
}

// transport adapts a mail.Sender to the domain's Transport.
type transport struct{ s mail.Sender }

func (t transport) Send(ctx context.Context, m newsletters.Mail) error {
	return t.s.Send(ctx, mail.Message{ID: m.ID, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML, Headers: m.Headers})
}

// NewSendService is the scheduling service on a function's dependencies.
func NewSendService(d Deps) (*newsletters.Service, error) {
	if d.Store == nil {
		return &newsletters.Service{Now: time.Now}, nil // the API description only
	}
	if !SendingParts.ready() {
		return nil, errPartsMissing
	}
	return &newsletters.Service{Store: d.Store.Newsletters(), Source: SendingParts.Source(d), Audience: SendingParts.Audience(d),
		Schedules: campaignSchedules{schedulerOf(d)}, Queue: queueOf(d), Now: time.Now,
		HasSubject: func(n newsletters.Newsletter) bool {
			for _, v := range n.Versions {
				if v.Subject == "" {
					return false
				}
			}
			return len(n.Versions) > 0
		}}, nil
}

// NewSender is the sending path on a function's dependencies.
func NewSender(d Deps) (*newsletters.Sender, error) {
	if !SendingParts.ready() {
		return nil, errPartsMissing
	}
	s := &newsletters.Sender{Store: d.Store.Newsletters(), Source: SendingParts.Source(d), Audience: SendingParts.Audience(d),
		Renderer: SendingParts.Renderer(d), Transport: transport{d.Mail}, Queue: queueOf(d), Now: time.Now,
		FreezeLease: d.sendTiming().Timeout, ClaimLease: d.sendTiming().ClaimLease}
	s.Links = sendLinks(d)
	return s, nil
}

// NewsletterSendHandler is the newsletter-send function's handler: each message is one
// job; those that fail are answered as batch item failures, and come again.
func NewsletterSendHandler(d Deps) queue.Handler {
	sender, err := NewSender(d)
	return SendHandler(sender, err)
}

// SendHandler is the queue handler of a sender (err: the sender could not be built,
// and every batch fails with it).
func SendHandler(sender *newsletters.Sender, err error) queue.Handler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		if err != nil {
			return events.SQSEventResponse{}, err
		}
		var resp events.SQSEventResponse
		for _, m := range ev.Records {
			if herr := sender.Handle(ctx, m.MessageId, []byte(m.Body)); herr != nil {
				if ctx.Err() != nil {
					return resp, ctx.Err()
				}
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
			}
		}
		return resp, nil
	}
}

// runNewsletterJob is the clock's newsletter job.
func runNewsletterJob(ctx context.Context, d Deps, job string, id string) error {
	svc, err := NewSendService(d)
	if err != nil {
		return err
	}
	if job != newsletters.JobSend {
		return fmt.Errorf("app.Clock: no newsletter job %q", job)
	}
	return svc.OnSchedule(ctx, id)
}

// newsletterSendingRoutes are the newsletters' sending routes.
func newsletterSendingRoutes(d Deps) []httpx.Route {
	svc, err := NewSendService(d)
	h := sendingHTTP{svc: svc, err: err}
	notFound := "No such newsletter"
	moved := "Not from the state it is in"
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/newsletters/{id}/sending", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.get,
			Summary:   "A newsletter's schedule and sending: state, date (UTC and in the community's time zone), why it is paused, the moves allowed now, and the exact counters (total, sent, skipped, errors, remaining).",
			Responses: httpx.Answers(200, "The sending", newsletters.SendingStatus{}, map[int]string{404: notFound})},
		{Method: "POST", Pattern: "/api/newsletters/{id}/schedule", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.schedule, Request: newsletters.ScheduleRequest{},
			Summary: "Schedule a draft at a date and hour of the community's time zone (sendAt, \"2026-12-01T09:00\"), or now; its audience must not be empty.",
			Responses: httpx.Answers(200, "The sending", newsletters.SendingStatus{}, map[int]string{400: "Bad or past date, no subject, or an empty audience",
				404: notFound, 409: moved})},
		{Method: "POST", Pattern: "/api/newsletters/{id}/unschedule", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.act(newsletters.ActUnschedule),
			Summary:   "Take a scheduled newsletter back to draft (its schedule is cancelled).",
			Responses: httpx.Answers(200, "The sending", newsletters.SendingStatus{}, map[int]string{404: notFound, 409: moved})},
		{Method: "POST", Pattern: "/api/newsletters/{id}/pause", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.act(newsletters.ActPause),
			Summary:   "Pause a sending newsletter: no mail leaves after the one being handed over.",
			Responses: httpx.Answers(200, "The sending", newsletters.SendingStatus{}, map[int]string{404: notFound, 409: moved})},
		{Method: "POST", Pattern: "/api/newsletters/{id}/resume", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.act(newsletters.ActResume),
			Summary:   "Resume a paused newsletter (or confirm one whose schedule woke up late): the recipients not done yet are queued again.",
			Responses: httpx.Answers(200, "The sending", newsletters.SendingStatus{}, map[int]string{404: notFound, 409: moved})},
		{Method: "POST", Pattern: "/api/newsletters/{id}/cancel", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.act(newsletters.ActCancel),
			Summary:   "Cancel a scheduled, sending or paused newsletter: nobody else receives it.",
			Responses: httpx.Answers(200, "The sending", newsletters.SendingStatus{}, map[int]string{404: notFound, 409: moved})},
		{Method: "GET", Pattern: "/api/newsletter-sending-settings", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.settings,
			Summary:   "The community's sending settings: time zone, rate, when a late send waits, when errors pause it.",
			Responses: httpx.Answers(200, "The settings", newsletters.Settings{}, nil)},
		{Method: "PUT", Pattern: "/api/newsletter-sending-settings", Tag: "newsletters", Action: policy.NewslettersSend, Handler: h.putSettings, Request: newsletters.Settings{},
			Summary:   "Change the sending settings.",
			Responses: httpx.Answers(200, "The settings", newsletters.Settings{}, map[int]string{400: "Bad time zone, rate, delay or error share"})},
	}
}

type sendingHTTP struct {
	svc *newsletters.Service
	err error
}

func (h sendingHTTP) ok(w http.ResponseWriter, r *http.Request) bool {
	if h.err != nil {
		httpx.WriteError(w, r, h.err)
		return false
	}
	return true
}

func (h sendingHTTP) get(w http.ResponseWriter, r *http.Request) {
	if h.ok(w, r) {
		s, err := h.svc.Get(r.Context(), r.PathValue("id"))
		httpx.Reply(w, r, http.StatusOK, s, err)
	}
}

func (h sendingHTTP) schedule(w http.ResponseWriter, r *http.Request) {
	var req newsletters.ScheduleRequest
	if h.ok(w, r) && httpx.Decoded(w, r, &req) {
		s, err := h.svc.Schedule(r.Context(), auth.Caller(r), r.PathValue("id"), req)
		httpx.Reply(w, r, http.StatusOK, s, err)
	}
}

func (h sendingHTTP) act(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.ok(w, r) {
			s, err := h.svc.Act(r.Context(), auth.Caller(r), r.PathValue("id"), action)
			httpx.Reply(w, r, http.StatusOK, s, err)
		}
	}
}

func (h sendingHTTP) settings(w http.ResponseWriter, r *http.Request) {
	if h.ok(w, r) {
		s, err := h.svc.SettingsOf(r.Context())
		httpx.Reply(w, r, http.StatusOK, s, err)
	}
}

func (h sendingHTTP) putSettings(w http.ResponseWriter, r *http.Request) {
	var in newsletters.Settings
	if h.ok(w, r) && httpx.Decoded(w, r, &in) {
		s, err := h.svc.PutSettings(r.Context(), in)
		httpx.Reply(w, r, http.StatusOK, s, err)
	}
}
