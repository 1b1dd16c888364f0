package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/auth"
	"tribune/shared/config"
	"tribune/shared/eventtypes"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/queue"
	"tribune/shared/store"
	"tribune/shared/store/dynamotest"
)

// ---- The other parts are the real ones: a draft is written through writing's store
// (its renderer renders every mail), the recipients are members registered in their
// language who consented to product news (audience and consent's records; the list is
// off by default, so staff without consent are not in it), and an unsubscribe is that
// consent withdrawn.

// addReader registers a member in lang who consented to product news.
func addReader(t testing.TB, st *store.Store, id, name, lang string) newsletters.Recipient {
	t.Helper()
	ctx, now := context.Background(), time.Now().UTC()
	m := members.Member{ID: id, Email: id[2:] + "@example.com", DisplayName: name, Locale: lang, Roles: []string{policy.RoleMember},
		Status: members.StatusActive, CreatedAt: now.AddDate(0, -1, 0)}
	sess, _ := auth.NewSession(m.ID, now, "test")
	env, _ := eventtypes.Wrap(eventtypes.MemberRegistered{Meta: eventtypes.NewMeta(now)})
	if err := st.Members().Register(ctx, m, sess, env, nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Newsletters().SignUpConsents(ctx, id, []newsletters.Consent{
		{List: newsletters.ListProduct, Subscribed: true, At: now, Source: newsletters.SourcePreferences}}); err != nil {
		t.Fatal(err)
	}
	return newsletters.Recipient{MemberID: id, Email: m.Email, Name: name, Lang: lang}
}

// unsubscribe withdraws a member's consent to product news, as their preferences page does.
func (e *sendEnv) unsubscribe(memberID string) {
	e.t.Helper()
	c := newsletters.Consent{List: newsletters.ListProduct, At: time.Now().UTC(), Source: newsletters.SourcePreferences}
	if err := e.st.Newsletters().SetConsents(context.Background(), memberID, []newsletters.Consent{c}, nil); err != nil {
		e.t.Fatal(err)
	}
}

// ---- the sending environment: the newsletters' routes, the clock, the queue poller,
// mail in an outbox folder.

type sendEnv struct {
	t         *testing.T
	st        *store.Store
	members   []newsletters.Recipient
	deps      app.Deps
	h         http.Handler
	outbox    string
	marketer  string
	member    string
	cookies   map[string]string
	mailCalls atomic.Int64
}

func newSendEnv(t *testing.T, recipients int) *sendEnv {
	tbl := dynamotest.NewTable(t)
	st := store.New(tbl.DB, tbl.Name)
	e := &sendEnv{t: t, st: st, outbox: t.TempDir(), cookies: map[string]string{}}
	for i := range recipients {
		lang := "en"
		if i%3 == 0 {
			lang = "fr"
		}
		e.members = append(e.members, addReader(t, st, fmt.Sprintf("m_r%05d", i), fmt.Sprintf("Reader %d", i), lang))
	}
	e.deps = app.Deps{Config: config.Config{PublicURL: "http://test.local"}, Store: st, Mail: countingMail{mail.Outbox{Dir: e.outbox, From: "t@example.com"}, &e.mailCalls}}
	h, err := app.LocalHandler(e.deps)
	if err != nil {
		t.Fatal(err)
	}
	e.h = h
	e.marketer = newMember(t, st, "Marketa", []string{policy.RoleMember, policy.RoleMarketer})
	e.member = newMember(t, st, "Mel", []string{policy.RoleMember})
	// The tests send fast; the rate itself is tested on its own.
	if code, body := e.call(e.marketer, "PUT", "/api/newsletter-sending-settings", `{"timeZone":"Europe/Paris","ratePerSecond":1000,"lateAfterHours":6,"errorPercent":5}`); code != 200 {
		t.Fatalf("settings: %d %s", code, body)
	}
	return e
}

type countingMail struct {
	next  mail.Sender
	calls *atomic.Int64
}

func (c countingMail) Send(ctx context.Context, m mail.Message) error {
	c.calls.Add(1)
	return c.next.Send(ctx, m)
}

// draft writes a draft newsletter through writing's store.
func (e *sendEnv) draft(id string) {
	e.t.Helper()
	e.draftTB(e.t, id)
}

func (e *sendEnv) draftTB(t testing.TB, id string) {
	t.Helper()
	now := time.Now().UTC()
	n := newsletters.Newsletter{ID: id, List: newsletters.ListProduct, State: newsletters.StateDraft, CreatedBy: e.marketer, CreatedAt: now, UpdatedAt: now,
		Writing: newsletters.Writing{Name: "News " + id, DefaultLang: "en", PeriodDays: 7, Versions: []newsletters.Version{
			{Lang: "en", Subject: "Hello {{first_name}}", Body: "What is new this month."},
			{Lang: "fr", Subject: "Bonjour {{first_name}}", Body: "Les nouvelles du mois."}}}}
	if err := e.st.Newsletters().CreateNewsletter(context.Background(), n); err != nil {
		t.Fatal(err)
	}
}

// sendNow writes draft id, schedules it now and runs the clock's due job: its start
// job is on the queue.
func (e *sendEnv) sendNow(id string) {
	e.t.Helper()
	e.draft(id)
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/"+id+"/schedule", `{"now":true}`); code != 200 {
		e.t.Fatalf("schedule %s now: %d %s", id, code, body)
	}
	if err := app.RunDueSchedules(context.Background(), e.deps, time.Now()); err != nil {
		e.t.Fatal(err)
	}
}

// drainWith handles the queue's messages with sender, one at a time, until none is due.
func (e *sendEnv) drainWith(sender *newsletters.Sender) {
	e.t.Helper()
	p := e.poller(sender)
	for {
		n, err := p.Once(context.Background())
		if err != nil {
			e.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// dieAfter runs a sender on the queue until it dies right after handing the n-th mail
// over, before marking it sent (the process killed).
func (e *sendEnv) dieAfter(n int64) {
	e.t.Helper()
	ctx, kill := context.WithCancel(context.Background())
	first := e.sender()
	first.Transport = &crashingTransport{next: first.Transport, after: n, cancel: kill}
	p := e.poller(first)
	for ctx.Err() == nil {
		if _, err := p.Once(ctx); err != nil && ctx.Err() == nil {
			e.t.Fatal(err)
		}
	}
}

func (e *sendEnv) call(who, method, path, body string) (int, string) {
	e.t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		c, ok := e.cookies[who]
		if !ok {
			c = cookieFor(e.t, e.st, who)
			e.cookies[who] = c
		}
		r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: c})
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

func (e *sendEnv) sending(id string) newsletters.SendingStatus {
	e.t.Helper()
	code, body := e.call(e.marketer, "GET", "/api/newsletters/"+id+"/sending", "")
	var s newsletters.SendingStatus
	if code != 200 || jsonDecode(body, &s) != nil {
		e.t.Fatalf("sending of %s: %d %s", id, code, body)
	}
	return s
}

// poller reads the local queue with the sending path's handler; now shifts its clock.
func (e *sendEnv) poller(sender *newsletters.Sender) *queue.Poller {
	return &queue.Poller{Store: e.st.LocalQueue(), Queue: app.NewsletterQueueName, Handler: app.SendHandler(sender, nil), BatchSize: 1,
		Visibility: app.SendVisibility, MaxReceives: app.SendMaxReceives, Interval: 10 * time.Millisecond, Now: sender.Now}
}

func (e *sendEnv) sender() *newsletters.Sender {
	e.t.Helper()
	s, err := app.NewSender(e.deps)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// drain runs the due schedules, then handles the queue's messages until none is left
// (workers pollers at once).
func (e *sendEnv) drain(sender *newsletters.Sender, workers int) {
	e.t.Helper()
	if err := app.RunDueSchedules(context.Background(), e.deps, time.Now()); err != nil {
		e.t.Fatal(err)
	}
	p := e.poller(sender)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range workers {
		wg.Go(func() {
			for {
				n, err := p.Once(context.Background())
				if err != nil {
					failed.Store(err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		e.t.Fatal(err)
	}
}

// outboxByRecipient counts the outbox's mails per address.
func (e *sendEnv) outboxByRecipient() map[string]int {
	e.t.Helper()
	msgs, err := mail.ReadOutbox(e.outbox)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]int{}
	for _, m := range msgs {
		out[m.To]++
	}
	return out
}

// A newsletter scheduled now goes through the clock, the freeze and the queue to each
// recipient once, in their language, with the one-click unsubscribe headers, a visible
// unsubscribe link and the newsletter's id; batches handled twice (a duplicated
// message) and by concurrent senders send nobody twice, and the counters are exact.
func TestNewsletterSendReachesEachRecipientOnce(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 130)
	e.draft("nl_once")
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_once/schedule", `{"now":true}`); code != 200 {
		t.Fatalf("schedule now: %d %s", code, body)
	}
	if s := e.sending("nl_once"); s.State != newsletters.StateScheduled || s.SendAt == nil || s.TimeZone != "Europe/Paris" {
		t.Fatalf("scheduled: %+v", s)
	}
	sender := e.sender()
	if err := app.RunDueSchedules(context.Background(), e.deps, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The start job freezes the audience and queues 3 batches; the same work queued
	// twice more (a redelivered start, a resume racing it) must change nothing.
	e.drain(sender, 1)
	if err := (queue.Local{Store: e.st.LocalQueue(), Name: app.NewsletterQueueName}).Send(context.Background(),
		[]byte(`{"kind":"queue-waiting","newsletterId":"nl_once"}`), []byte(`{"kind":"start","newsletterId":"nl_once"}`)); err != nil {
		t.Fatal(err)
	}
	e.drain(sender, 3)
	got := e.outboxByRecipient()
	if len(got) != 130 {
		t.Fatalf("%d recipients got mail, want 130", len(got))
	}
	for to, n := range got {
		if n != 1 {
			t.Fatalf("%s got %d mails", to, n)
		}
	}
	s := e.sending("nl_once")
	if s.State != newsletters.StateSent || s.Progress != (newsletters.Progress{Total: 130, Sent: 130}) || s.FinishedAt == nil {
		t.Fatalf("after sending: %+v", s)
	}
	raw, err := os.ReadFile(filepath.Join(e.outbox, mailFileOf(t, e.outbox, "r00003@example.com")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"List-Unsubscribe: <http://test.local/api/newsletters/unsubscribe?t=", "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
		"X-Tribune-Newsletter: nl_once", "Bonjour Reader", "http://test.local/unsubscribe?t=3D"} {
		if !strings.Contains(string(raw), want) {
			t.Fatalf("the mail lacks %q:\n%s", want, raw)
		}
	}
}

func mailFileOf(t *testing.T, dir, to string) string {
	t.Helper()
	msgs, err := mail.ReadOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.To == to {
			return filepath.Base(m.File)
		}
	}
	t.Fatalf("no mail to %s", to)
	return ""
}

// crashingTransport hands over mails, and after the n-th one dies (the process is
// killed right after the transport took the mail, before the record is marked sent).
type crashingTransport struct {
	next   newsletters.Transport
	after  int64
	sent   atomic.Int64
	cancel context.CancelFunc
}

func (c *crashingTransport) Send(ctx context.Context, m newsletters.Mail) error {
	if err := c.next.Send(ctx, m); err != nil {
		return err
	}
	if c.sent.Add(1) == c.after {
		c.cancel()
	}
	return nil
}

// The sender killed in the middle of a batch (after handing a mail over, before
// marking it sent) and started again after the queue's visibility timeout: nobody is
// skipped, nobody receives it twice (the outbox holds one mail per recipient), and the
// counters count each recipient once.
func TestNewsletterSenderKilledMidSendSkipsNobodyAndSendsNobodyTwice(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 120)
	e.sendNow("nl_crash")
	// First life: freeze, queue, and die at the 70th mail (in the second batch).
	e.dieAfter(70)
	if n := len(e.outboxByRecipient()); n != 70 {
		t.Fatalf("before the crash %d mails left, want 70", n)
	}
	if s := e.sending("nl_crash"); s.State != newsletters.StateSending || s.Progress.Sent != 69 || s.Progress.Remaining != 51 {
		t.Fatalf("after the crash: %+v", s.Progress)
	}
	// Second life, after the visibility timeout: the unfinished message comes again and
	// takes over the abandoned claim.
	later := func() time.Time { return time.Now().Add(app.SendVisibility + time.Minute) }
	second := e.sender()
	second.Now = later
	e.drainWith(second)
	got := e.outboxByRecipient()
	if len(got) != 120 {
		t.Fatalf("%d recipients got the newsletter, want 120", len(got))
	}
	for to, n := range got {
		if n != 1 {
			t.Fatalf("%s received it %d times", to, n)
		}
	}
	s := e.sending("nl_crash")
	if s.State != newsletters.StateSent || s.Progress != (newsletters.Progress{Total: 120, Sent: 120}) {
		t.Fatalf("after the restart: %s %+v", s.State, s.Progress)
	}
	// The records claimed but not marked at the crash (the one handed over, and the rest
	// of its claimed group) were claimed again, once.
	twice := 0
	for _, r := range e.members {
		d, err := e.st.Newsletters().Delivery(context.Background(), "nl_crash", r.MemberID)
		if err != nil || d.Status != newsletters.DeliverySent {
			t.Fatalf("%s: %+v %v", r.MemberID, d, err)
		}
		if d.Attempts == 2 {
			twice++
		}
	}
	if twice < 1 || twice > newsletters.ClaimGroup {
		t.Fatalf("%d records were claimed twice, want those held at the crash (1 to %d)", twice, newsletters.ClaimGroup)
	}
}

// The sender killed mid-send, and its message back while the dead sender's claim still
// holds (a claim made late in a long invocation): the batch sends to the others and
// leaves its message on the queue rather than acknowledging it with a record held by
// nobody alive; once the claim has run out, the message comes again and that recipient
// is sent to, once, and the newsletter is sent.
func TestNewsletterBatchMeetingALiveClaimComesAgain(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 120)
	e.sendNow("nl_held")
	e.dieAfter(70)
	// Second life: the message is visible again, the dead claim is not yet stale.
	second := e.sender()
	second.Now = func() time.Time { return time.Now().Add(app.SendVisibility + time.Minute) }
	second.ClaimLease = time.Hour
	e.drainWith(second)
	if s := e.sending("nl_held"); s.State != newsletters.StateSending || s.Progress.Sent != 119 || s.Progress.Remaining != 1 {
		t.Fatalf("with the dead claim still held: %s %+v, want sending, 119 sent, 1 remaining", s.State, s.Progress)
	}
	// Third life, after the message's next visibility timeout and the claim's lease.
	third := e.sender()
	third.Now = func() time.Time { return time.Now().Add(2*app.SendVisibility + 2*time.Hour) }
	e.drainWith(third)
	got := e.outboxByRecipient()
	if len(got) != 120 {
		t.Fatalf("%d recipients got the newsletter, want 120", len(got))
	}
	for to, n := range got {
		if n != 1 {
			t.Fatalf("%s received it %d times", to, n)
		}
	}
	if s := e.sending("nl_held"); s.State != newsletters.StateSent || s.Progress != (newsletters.Progress{Total: 120, Sent: 120}) {
		t.Fatalf("after the claim ran out: %s %+v", s.State, s.Progress)
	}
}

// A cancel or a pause stops the mails within a second (newsletters.StateRecheck), in the
// middle of a group of 10, not at its end: at 2 mails a second, at most the mail being
// handed over and the next leave after the answer. The records claimed and not handed
// over go back to pending: a resume sends them, once.
func TestNewsletterCancelAndPauseStopTheMailsWithinASecond(t *testing.T) {
	t.Parallel()
	rate := func(e *sendEnv, perSecond int) {
		body := fmt.Sprintf(`{"timeZone":"Europe/Paris","ratePerSecond":%d,"lateAfterHours":6,"errorPercent":5}`, perSecond)
		if code, raw := e.call(e.marketer, "PUT", "/api/newsletter-sending-settings", body); code != 200 {
			t.Fatalf("settings: %d %s", code, raw)
		}
	}
	sentOf := func(e *sendEnv) int {
		n := 0
		for _, c := range e.outboxByRecipient() {
			n += c
		}
		return n
	}
	// stopAfter sends id to 30 members at 2 a second, and pauses or cancels it after 2
	// mails: the mails stop within a second and no record is left claimed.
	stopAfter := func(id, verb string) *sendEnv {
		e := newSendEnv(t, 30)
		rate(e, 2)
		ctx, stop := context.WithCancel(context.Background())
		t.Cleanup(stop)
		p := e.poller(e.sender())
		p.Workers = 1
		go func() { _ = p.Run(ctx) }()
		e.sendNow(id)
		for deadline := time.Now().Add(30 * time.Second); sentOf(e) < 2; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: no mail left", id)
			}
		}
		if code, body := e.call(e.marketer, "POST", "/api/newsletters/"+id+"/"+verb, ""); code != 200 {
			t.Fatalf("%s %s: %d %s", verb, id, code, body)
		}
		at := sentOf(e)
		time.Sleep(3 * time.Second) // a group of 10 at 2 a second would go on for 4 s
		after := sentOf(e)
		if after > at+2 {
			t.Fatalf("%s: %d mails when it answered, %d three seconds later", verb, at, after)
		}
		claimed, sent := 0, 0
		for _, r := range e.members {
			d, err := e.st.Newsletters().Delivery(context.Background(), id, r.MemberID)
			if err != nil {
				t.Fatal(err)
			}
			switch d.Status {
			case newsletters.DeliveryClaimed:
				claimed++
			case newsletters.DeliverySent:
				sent++
			}
		}
		if progress := e.sending(id).Progress; claimed != 0 || sent != after || progress.Sent != after {
			t.Fatalf("%s: %d records left claimed, %d sent, %d mails, progress %+v", verb, claimed, sent, after, progress)
		}
		t.Logf("%s: %d mails when it answered, %d three seconds later", verb, at, after)
		return e
	}
	stopAfter("nl_cancel_now", "cancel")
	e := stopAfter("nl_pause_now", "pause")
	rate(e, 1000)
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_pause_now/resume", ""); code != 200 {
		t.Fatalf("resume: %d %s", code, body)
	}
	for deadline := time.Now().Add(60 * time.Second); e.sending("nl_pause_now").State != newsletters.StateSent; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not sent after the resume: %+v", e.sending("nl_pause_now"))
		}
	}
	got := e.outboxByRecipient()
	if len(got) != 30 {
		t.Fatalf("%d recipients got the paused and resumed newsletter, want 30", len(got))
	}
	for to, n := range got {
		if n != 1 {
			t.Fatalf("%s received it %d times", to, n)
		}
	}
}

// Pause, resume and cancel take effect mid-send: a paused newsletter sends nothing more
// and keeps its counters; resumed, it sends to the rest once; cancelled, nobody else
// receives it. An unsubscribe between the freeze and the mail skips the recipient.
func TestNewsletterPauseResumeCancelMidSend(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 150)
	e.draft("nl_pause")
	e.draft("nl_cancel")
	sender := e.sender()
	p := e.poller(sender)
	for _, id := range []string{"nl_pause", "nl_cancel"} {
		if code, body := e.call(e.marketer, "POST", "/api/newsletters/"+id+"/schedule", `{"now":true}`); code != 200 {
			t.Fatalf("schedule %s: %d %s", id, code, body)
		}
		if err := app.RunDueSchedules(context.Background(), e.deps, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// The start jobs freeze both audiences and queue 3 + 3 batches (first in, first
	// out); the queue is handled until nl_pause's first batch is sent, and paused; then
	// until nl_cancel's first batch is sent (nl_pause's next batches send nothing), and
	// cancelled.
	step := func(until func() bool) {
		for !until() {
			if n, err := p.Once(context.Background()); err != nil || n == 0 {
				t.Fatalf("the queue ran dry (%v)", err)
			}
		}
	}
	step(func() bool { return e.sending("nl_pause").Progress.Sent == 50 })
	e.unsubscribe("m_r00149")
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_pause/pause", ""); code != 200 {
		t.Fatalf("pause: %d %s", code, body)
	}
	step(func() bool { return e.sending("nl_cancel").Progress.Sent == 50 })
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_cancel/cancel", ""); code != 200 {
		t.Fatalf("cancel: %d %s", code, body)
	}
	cancelSent := 50
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_cancel/resume", ""); code != 409 || problemCode(body) != "newsletter_state" {
		t.Fatalf("resume a cancelled newsletter: %d %s", code, body)
	}
	e.drain(sender, 2)
	paused, cancelled := e.sending("nl_pause"), e.sending("nl_cancel")
	if paused.State != newsletters.StatePaused || paused.PausedReason != newsletters.PausedByMarketer || paused.Progress.Sent != 50 || paused.Progress.Remaining != 100 {
		t.Fatalf("paused: %+v", paused)
	}
	if cancelled.State != newsletters.StateCancelled || cancelled.Progress.Sent != cancelSent || cancelled.Progress.Remaining != 150-cancelSent {
		t.Fatalf("cancelled: %+v", cancelled)
	}
	if n := e.mailCalls.Load(); n != int64(50+cancelSent) {
		t.Fatalf("%d mails handed over while paused and cancelled, want the %d of the first batches", n, 50+cancelSent)
	}
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_pause/resume", ""); code != 200 {
		t.Fatalf("resume: %d %s", code, body)
	}
	e.drain(sender, 2)
	s := e.sending("nl_pause")
	if s.State != newsletters.StateSent || s.Progress != (newsletters.Progress{Total: 150, Sent: 149, Skipped: 1}) {
		t.Fatalf("resumed: %s %+v", s.State, s.Progress)
	}
	if n := e.mailCalls.Load(); n != int64(50+cancelSent+99) {
		t.Fatalf("%d mails handed over, want %d", n, 50+cancelSent+99)
	}
}

// A schedule that wakes up later than the community's delay waits for a marketer:
// paused, reason late, nothing sent and nothing frozen; resumed, it starts.
func TestNewsletterLateScheduleWaitsForAMarketer(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 10)
	e.draft("nl_late")
	at := time.Now().In(mustZone(t, "Europe/Paris")).Add(2 * time.Hour).Format("2006-01-02T15:04")
	code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_late/schedule", `{"sendAt":"`+at+`"}`)
	if code != 200 {
		t.Fatalf("schedule: %d %s", code, body)
	}
	s := e.sending("nl_late")
	if s.LocalSendAt != at || s.SendAt.Sub(time.Now()) < time.Hour {
		t.Fatalf("scheduled at %s (%v), want %s Paris time", s.LocalSendAt, s.SendAt, at)
	}
	// The clock wakes up 7 hours after the date (an outage).
	svc, err := app.NewSendService(e.deps)
	if err != nil {
		t.Fatal(err)
	}
	svc.Now = func() time.Time { return s.SendAt.Add(7 * time.Hour) }
	if err := svc.OnSchedule(context.Background(), "nl_late"); err != nil {
		t.Fatal(err)
	}
	late := e.sending("nl_late")
	if late.State != newsletters.StatePaused || late.PausedReason != newsletters.PausedLate || late.Frozen || late.Progress.Total != 0 {
		t.Fatalf("late: %+v", late)
	}
	e.drain(e.sender(), 1)
	if e.mailCalls.Load() != 0 {
		t.Fatal("a late send went out without confirmation")
	}
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_late/resume", ""); code != 200 {
		t.Fatalf("confirm: %d %s", code, body)
	}
	e.drain(e.sender(), 1)
	if s := e.sending("nl_late"); s.State != newsletters.StateSent || s.Progress.Sent != 10 {
		t.Fatalf("confirmed: %+v", s)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return z
}

// failingTransport refuses every mail.
type failingTransport struct{}

func (failingTransport) Send(ctx context.Context, m newsletters.Mail) error {
	return fmt.Errorf("554 Message rejected")
}

// Errors past the threshold pause the sending by themselves; the counters say how many.
func TestNewsletterPausesItselfWhenErrorsPassTheThreshold(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 120)
	e.draft("nl_errors")
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_errors/schedule", `{"now":true}`); code != 200 {
		t.Fatalf("schedule: %d %s", code, body)
	}
	sender := e.sender()
	sender.Transport = failingTransport{}
	e.drain(sender, 1)
	s := e.sending("nl_errors")
	if s.State != newsletters.StatePaused || s.PausedReason != newsletters.PausedErrors || s.Progress.Errors != 50 || s.Progress.Remaining != 70 {
		t.Fatalf("after a batch of errors: %s %s %+v", s.State, s.PausedReason, s.Progress)
	}
	d, err := e.st.Newsletters().Delivery(context.Background(), "nl_errors", "m_r00000")
	if err != nil || d.Status != newsletters.DeliveryFailed || !strings.Contains(d.Error, "554") {
		t.Fatalf("a failed record: %+v %v", d, err)
	}
}

// Bad input is refused with problem+json and nothing written: a bad or past date, both
// a date and now, an empty audience, a newsletter not in draft, an unknown newsletter,
// bad settings; members reach none of these routes.
func TestNewsletterScheduleRefusesBadInput(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 3)
	e.draft("nl_bad")
	zone := mustZone(t, "Europe/Paris")
	past := time.Now().In(zone).Add(-2 * time.Hour).Format("2006-01-02T15:04")
	far := time.Now().In(zone).AddDate(2, 0, 0).Format("2006-01-02T15:04")
	for _, c := range []struct{ body, code string }{
		{`{"sendAt":"2026-13-01T09:00"}`, "invalid_send_at"},
		{`{"sendAt":"tomorrow"}`, "invalid_send_at"},
		{`{}`, "invalid_send_at"},
		{`{"sendAt":"` + past + `"}`, "send_at_past"},
		{`{"sendAt":"` + far + `"}`, "send_at_too_far"},
		{`{"sendAt":"` + far + `","now":true}`, "invalid_send_at"},
	} {
		code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_bad/schedule", c.body)
		if code != 400 || problemCode(body) != c.code {
			t.Fatalf("%s: %d %s, want 400 %s", c.body, code, body, c.code)
		}
	}
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_none/schedule", `{"now":true}`); code != 404 {
		t.Fatalf("unknown newsletter: %d %s", code, body)
	}
	for _, r := range e.members {
		e.unsubscribe(r.MemberID)
	}
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_bad/schedule", `{"now":true}`); code != 400 || problemCode(body) != "audience_empty" {
		t.Fatalf("empty audience: %d %s", code, body)
	}
	if s := e.sending("nl_bad"); s.State != newsletters.StateDraft || s.SendAt != nil {
		t.Fatalf("refusals wrote something: %+v", s)
	}
	due, err := e.st.Schedules().DueSchedules(context.Background(), time.Now().AddDate(3, 0, 0))
	if err != nil || len(due) != 0 {
		t.Fatalf("refusals left schedules: %v %v", due, err)
	}
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_bad/pause", ""); code != 409 || problemCode(body) != "newsletter_state" {
		t.Fatalf("pause a draft: %d %s", code, body)
	}
	for _, bad := range []string{`{"timeZone":"Mars/Olympus","ratePerSecond":10,"lateAfterHours":6,"errorPercent":5}`,
		`{"timeZone":"UTC","ratePerSecond":0,"lateAfterHours":6,"errorPercent":5}`,
		`{"timeZone":"UTC","ratePerSecond":10,"lateAfterHours":500,"errorPercent":5}`,
		`{"timeZone":"UTC","ratePerSecond":10,"lateAfterHours":6,"errorPercent":0}`} {
		if code, body := e.call(e.marketer, "PUT", "/api/newsletter-sending-settings", bad); code != 400 {
			t.Fatalf("settings %s: %d %s", bad, code, body)
		}
	}
	for _, rt := range []string{"GET /api/newsletters/nl_bad/sending", "POST /api/newsletters/nl_bad/schedule", "POST /api/newsletters/nl_bad/pause",
		"POST /api/newsletters/nl_bad/cancel", "GET /api/newsletter-sending-settings"} {
		method, path, _ := strings.Cut(rt, " ")
		if code, _ := e.call(e.member, method, path, `{"now":true}`); code != 403 {
			t.Fatalf("a member: %s answered %d", rt, code)
		}
	}
}

// Scheduled twice at once, a draft is scheduled once (the other request is told it is
// no longer a draft); unscheduled, it is a draft again and its schedule is gone.
func TestNewsletterScheduledOnceUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, 3)
	e.draft("nl_race")
	cookie := cookieFor(t, e.st, e.marketer)
	e.cookies[e.marketer] = cookie
	at := time.Now().In(mustZone(t, "Europe/Paris")).Add(48 * time.Hour).Format("2006-01-02T15:04")
	var ok, conflict atomic.Int64
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			r := httptest.NewRequest("POST", "/api/newsletters/nl_race/schedule", strings.NewReader(`{"sendAt":"`+at+`"}`))
			r.Header.Set("Content-Type", "application/json")
			r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: cookie})
			w := httptest.NewRecorder()
			e.h.ServeHTTP(w, r)
			switch w.Code {
			case 200:
				ok.Add(1)
			case 409:
				conflict.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || conflict.Load() != 5 {
		t.Fatalf("%d scheduled, %d refused; want 1 and 5", ok.Load(), conflict.Load())
	}
	if code, body := e.call(e.marketer, "POST", "/api/newsletters/nl_race/unschedule", ""); code != 200 {
		t.Fatalf("unschedule: %d %s", code, body)
	}
	if s := e.sending("nl_race"); s.State != newsletters.StateDraft || s.SendAt != nil || len(s.Moves) != 1 || s.Moves[0] != newsletters.ActSchedule {
		t.Fatalf("unscheduled: %+v", s)
	}
	due, err := e.st.Schedules().DueSchedules(context.Background(), time.Now().AddDate(1, 0, 0))
	if err != nil || len(due) != 0 {
		t.Fatalf("the schedule stayed: %v %v", due, err)
	}
}

// NEWSLETTER_SEND_VISIBILITY (the local runtime's only): unset or 6m is the timing of
// AWS; a shorter one keeps its proportions; anything else is refused, naming the setting.
func TestNewsletterLocalSendTiming(t *testing.T) {
	for _, v := range []string{"", "6m"} {
		if got, err := app.LocalSendTiming(v); err != nil || got != app.DefaultSendTiming {
			t.Errorf("%q: %+v %v, want the defaults", v, got, err)
		}
	}
	if app.DefaultSendTiming != (app.SendTiming{Visibility: app.SendVisibility, Timeout: app.SendTimeout, ClaimLease: newsletters.ClaimLease}) {
		t.Errorf("defaults: %+v", app.DefaultSendTiming)
	}
	want := app.SendTiming{Visibility: 24 * time.Second, Timeout: 20 * time.Second, ClaimLease: 8 * time.Second}
	if got, err := app.LocalSendTiming("24s"); err != nil || got != want {
		t.Errorf("24s: %+v %v, want %+v", got, err, want)
	}
	for _, v := range []string{"24", "abc", "9s", "-30s", "7m", "1h"} {
		if _, err := app.LocalSendTiming(v); err == nil || !strings.Contains(err.Error(), app.EnvNewsletterSendVisibility) {
			t.Errorf("%q: %v, want a refusal naming %s", v, err, app.EnvNewsletterSendVisibility)
		}
	}
}
