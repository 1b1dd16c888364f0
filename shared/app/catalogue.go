package app

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"tribune/shared/bus"
	"tribune/shared/httpx"
	"tribune/shared/queue"
	"tribune/shared/schedule"
	"tribune/shared/store"
)

// Catalogue is the catalogue of Tribune's functions: the local runtime and the CDK stack
// iterate it, and each Lambda main boots its own entry (app.Boot(app.PostingFunction())),
// so a new function (or a new route, consumer, setting or grant of one) is written here
// once. The order is the stack's (alarms, dashboard, dead-letter queues).
//
// A function is started by one of: Routes (HTTP, behind API Gateway; locally on the one
// mux), Consumer (a consumer of the routing table: its handlers are Handlers[Consumer],
// its EventBridge rules bus.RoutesOf(Consumer)), Stream (the table's stream), Every
// (a schedule) or Deploy (a CloudFormation custom resource; locally once at start).
//
// Each entry is a Go function of its own rather than an element of one variable: a
// Lambda binary then links its own entry's code only (the linker drops the others'),
// and the routes, which reach the API description and through it the catalogue, make
// no initialization cycle.
func Catalogue() []Function {
	return []Function{RegistrationFunction(), InvitationsFunction(), PostingFunction(), TicketingFunction(),
		TicketSweepFunction(), MigrateFunction(), PublisherFunction(), NotificationsFunction(), MetricsFunction(), FeedFunction(),
		RewardsFunction(), AwardsFunction(), ClockFunction(), NewslettersFunction(),
		NewsletterSendFunction(), AudienceFunction(), KpisFunction(), KpiHealthFunction(), SearchFunction(), SearchIndexFunction(),
		KnowledgeFunction()}
}

// SearchFunction: search results, composer suggestions and search analytics (HTTP,
// issue 15). It reads the index the indexer publishes to S3 (search/index/: the newest
// version loaded into /tmp, checked at most every SearchRefresh) and the table only for
// the reader's access and the re-check of every hit (docs/search.md).
func SearchFunction() Function {
	return Function{Name: "search", Description: "Search: results with filters and facets, composer suggestions, search analytics (HTTP)",
		Routes: SearchRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvAvatarBucket},
		Uses:   []string{EnvTrustedProxies},
		// A cold start downloads and opens the index (docs/search.md, "Limits").
		Timeout: 30 * time.Second, MemoryMB: 1024, TmpMB: 2048,
		Grants: []Grant{TableData, FilesUnder(SearchPrefix+"*", Read, List)}}
}

// SearchIndexFunction is the search indexer (issue 15): the routing table's rules send
// the events it registered (consumers.go) to its queue; it takes them in large batches,
// one invocation at a time, re-reads each entity they name from the table, applies the
// batch to the index it keeps in /tmp and publishes a new version to S3 before the
// batch is acknowledged (docs/search.md). Locally the bus calls the same handlers, and
// the index lives under the data folder.
func SearchIndexFunction() Function {
	return Function{Name: "searchindex", Description: "Search indexer: events to the search index, published to S3 (SQS, one at a time)",
		Consumer: ConsumerSearch,
		Buffer: &ConsumerQueue{BatchSize: 1000, Window: 10 * time.Second, Visibility: 6 * SearchIndexTimeout, MaxReceives: 20,
			ReservedConcurrency: 1},
		Timeout: SearchIndexTimeout, MemoryMB: 1024, TmpMB: 2048,
		Needs:  []string{EnvTableName, EnvAvatarBucket},
		Grants: []Grant{TableData, FilesUnder(SearchPrefix+"*", Put, Read, Delete, List)}}
}

// SearchIndexTimeout bounds one batch of the indexer: re-reading up to 1,000 entities,
// applying them and uploading the index.
const SearchIndexTimeout = 5 * time.Minute

// KnowledgeFunction: the knowledge base (articles, categories, versions, followers,
// "was this helpful?"), the documents of spaces and members' bookmarks (HTTP, issue
// 16; docs/knowledge.md). Documents live in the files bucket under documents/ only:
// put and read, and deleted with their document.
func KnowledgeFunction() Function {
	return Function{Name: "knowledge", Description: "Knowledge base articles, space documents and bookmarks (HTTP)",
		Routes: KnowledgeRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvAvatarBucket},
		Uses:   []string{EnvTrustedProxies, EnvCursorSecretARN},
		Grants: []Grant{TableData, CursorKey, FilesUnder(DocumentsPrefix+"*", Put, Read, Delete)}}
}

// RegistrationFunction: sign-up, sign-in, sessions, profiles (HTTP).
func RegistrationFunction() Function {
	return Function{Name: "registration", Description: "Sign-up, sign-in, sessions, member profile (HTTP)",
		Routes: RegistrationRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvMailFrom, EnvAvatarBucket},
		Uses:   []string{EnvMailConfigurationSet, EnvTrustedProxies, EnvAdminEmails, EnvCursorSecretARN},
		Grants: []Grant{TableData, FilesUnder("avatars/*", Put, Read, Delete), CursorKey, SendMail, SignInSecrets}}
}

// InvitationsFunction: invitations and invitation links (HTTP).
func InvitationsFunction() Function {
	return Function{Name: "invitations", Description: "Staff and member invitations, invitation links (HTTP)",
		Routes: InvitationsRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL},
		Uses:   []string{EnvTrustedProxies},
		Grants: []Grant{TableData}}
}

// PostingFunction: spaces, posts, streams, moderation, the rules, the inbox (HTTP).
func PostingFunction() Function {
	return Function{Name: "posting", Description: "Spaces, posts and activity streams (HTTP)",
		Routes: PostingRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvAvatarBucket},
		Uses:   []string{EnvTrustedProxies, EnvCursorSecretARN},
		// Post images share the files bucket, under their own prefix.
		Grants: []Grant{TableData, FilesUnder("images/*", Put, Read), CursorKey}}
}

// TicketingFunction: tickets and the support report (HTTP).
func TicketingFunction() Function {
	return Function{Name: "ticketing", Description: "Customer support tickets and the support report (HTTP)",
		Routes: TicketingRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvAvatarBucket},
		Uses:   []string{EnvTrustedProxies, EnvCursorSecretARN},
		// Ticket attachments share the files bucket, under their own prefix.
		Grants: []Grant{TableData, CursorKey, FilesUnder("attachments/*", Put, Read)}}
}

// TicketSweepFunction is the ticket sweeper: auto-close and missed targets, every 5
// minutes; it also deletes image uploads no text showed within a day (their files,
// under images/). A failed run needs no dead-letter queue: the next run does the same
// work (it is idempotent).
func TicketSweepFunction() Function {
	return Function{Name: "ticketsweep", Description: "Scheduled: closes solved tickets after the delay, flags missed targets (ticket.sla_breached), deletes unused image uploads",
		Every: 5 * time.Minute, Job: func(d Deps) func(context.Context) error { return TicketSweep(d.Store, d.Files) },
		Needs:  []string{EnvTableName, EnvAvatarBucket},
		Grants: []Grant{TableData, FilesUnder("images/*", Delete)}}
}

// MigrateFunction runs the data migrations (store.Migrate) on deploy, before the release
// is used for long: a custom resource whose properties name every migration, so a
// release that adds one updates it (docs/operations.md).
func MigrateFunction() Function {
	return Function{Name: "migrate", Description: "On deploy: brings data written by older releases up to today's rules (store.Migrate)",
		Deploy: &DeployHook{Resource: "DataMigrations",
			Properties: func() map[string]string {
				return map[string]string{"Migrations": strings.Join(store.MigrationNames(), ",")}
			},
			Run: func(ctx context.Context, d Deps) error { return Migrate(ctx, d.Store) }},
		Timeout: 5 * time.Minute,
		Needs:   []string{EnvTableName},
		Grants:  []Grant{TableData}}
}

// PublisherFunction puts the outbox items of the table's stream on the bus.
func PublisherFunction() Function {
	return Function{Name: "publisher", Description: "Outbox publisher: table stream to EventBridge",
		Stream: true,
		Needs:  []string{EnvEventBusName},
		Grants: []Grant{PutEvents}}
}

// NotificationsFunction is the notifications consumer.
func NotificationsFunction() Function {
	return Function{Name: "notifications", Description: "Emails that domain events call for",
		Consumer: bus.ConsumerNotifications,
		Needs:    []string{EnvTableName, EnvPublicURL, EnvMailFrom},
		Uses:     []string{EnvMailConfigurationSet},
		Grants:   []Grant{TableData, SendMail}}
}

// MetricsFunction is the metrics consumer.
func MetricsFunction() Function {
	return Function{Name: "metrics", Description: "Community counters from domain events",
		Consumer: bus.ConsumerMetrics,
		Needs:    []string{EnvTableName},
		Grants:   []Grant{TableData}}
}

// FeedFunction is the feed consumer. An account's erasure deletes its avatar files: it
// lists avatars/<member>/ and deletes what it finds, and reads no file.
func FeedFunction() Function {
	return Function{Name: "feed", Description: "Home streams and every copy derived from content: fan-out, edits, moves, leaving, account deletion",
		Consumer: bus.ConsumerFeed,
		Needs:    []string{EnvTableName, EnvAvatarBucket},
		Grants:   []Grant{TableData, FilesUnder("avatars/*", Delete, List)}}
}

// RewardsFunction: points, ranks, badges, the leaderboard, campaigns, the review queue,
// the catalogue and orders (HTTP).
func RewardsFunction() Function {
	return Function{Name: "rewards", Description: "Reward programme: points, leaderboard, campaigns, catalogue, orders (HTTP)",
		Routes: RewardsRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL, EnvAvatarBucket},
		Uses:   []string{EnvTrustedProxies, EnvCursorSecretARN},
		// Campaign images and proof screenshots share the files bucket, under their own prefix.
		Grants: []Grant{TableData, FilesUnder("rewards/*", Put, Read), CursorKey, Schedules}}
}

// AwardsFunction is the awards consumer: points, badges, ranks and automatic challenges
// from domain events.
func AwardsFunction() Function {
	return Function{Name: "awards", Description: "Points, badges, ranks and automatic challenges from domain events",
		Consumer: bus.ConsumerAwards,
		Needs:    []string{EnvTableName},
		Grants:   []Grant{TableData}}
}

// ClockFunction runs the jobs of one-time schedules: a campaign's start and end
// (EventBridge Scheduler invokes it, through the scheduler's role; the local runtime
// ticks the local scheduler every second and calls the same Runner).
func ClockFunction() Function {
	return Function{Name: "clock", Description: "One-time schedules: campaign start and end (EventBridge Scheduler target)",
		OneTime: Clock,
		Needs:   []string{EnvTableName},
		// A newsletter's send: the clock queues its start (newsletters_sending.go).
		Grants: []Grant{TableData, SendTo(NewsletterQueueName)}}
}

// NewslettersFunction: the newsletters' API (HTTP): writing, audience and consent,
// one-click unsubscribe, schedules, progress, results, archive, calendar.
func NewslettersFunction() Function {
	return Function{Name: "newsletters", Description: "Newsletters: writing, audience and consent, unsubscribe, schedules, results (HTTP)",
		Routes: NewslettersRoutes,
		Needs:  []string{EnvTableName, EnvPublicURL},
		Uses:   []string{EnvTrustedProxies, EnvCursorSecretARN, EnvMailFrom, EnvMailConfigurationSet},
		Grants: []Grant{TableData, CursorKey, Schedules, SendMail, SendTo(NewsletterQueueName)}}
}

// NewsletterSendFunction is the sending path of the newsletters: its queue brings the
// jobs (freeze the audience, queue the batches, send a batch); it sends each recipient
// once, throttled to the configured rate (docs/newsletters.md, "Scheduling, sending").
func NewsletterSendFunction() Function {
	return Function{Name: "newsletter-send", Description: "Newsletters: freezes the audience and sends each recipient once, throttled (SQS)",
		Queue: &QueueStart{Name: NewsletterQueueName, URLEnv: EnvNewsletterQueueURL, Handler: NewsletterSendHandler,
			BatchSize: 1, MaxConcurrency: 2, Visibility: SendVisibility, MaxReceives: SendMaxReceives},
		Timeout: SendTimeout,
		Needs:   []string{EnvTableName, EnvPublicURL, EnvMailFrom},
		Uses:    []string{EnvMailConfigurationSet},
		Grants:  []Grant{TableData, SendMail, SendTo(NewsletterQueueName)}}
}

// AudienceFunction is the newsletters' audience consumer (issue 13, n2): SES's
// configuration set events (bounces and complaints feed the suppression list; the mail
// events the results count), new members' list defaults, members' last activity.
func AudienceFunction() Function {
	return Function{Name: "audience", Description: "Newsletters' audience: SES mail events to the suppression list, list defaults, activity",
		Consumer: bus.ConsumerAudience,
		Needs:    []string{EnvTableName},
		Grants:   []Grant{TableData}}
}

// Function is one Lambda of the catalogue.
type Function struct {
	Name        string
	Description string

	// Routes are the HTTP routes it serves (nil: not an HTTP function).
	Routes func(Deps) []httpx.Route
	// Consumer names the routing table's consumer it runs.
	Consumer string
	// Stream: the table's stream (outbox inserts) drives it: the publisher.
	Stream bool
	// Every is the period of a scheduled Job.
	Every time.Duration
	Job   func(Deps) func(context.Context) error
	// Deploy is the work a deploy asks of it.
	Deploy *DeployHook
	// OneTime runs the jobs of one-time schedules (EventBridge Scheduler invokes it with
	// a schedule.Job; locally the runtime ticks the local scheduler): the clock.
	OneTime func(Deps) schedule.Runner
	// Queue: a queue of its own (SQS with a dead-letter queue; locally the durable queue
	// in the table, polled by the local runtime) feeds it batches of messages.
	Queue *QueueStart
	// Buffer, on a Consumer: in AWS its rules put the events on an SQS queue (with a
	// dead-letter queue) that invokes it with batches, instead of invoking it once per
	// event; locally the bus calls its handlers as any consumer's (the search indexer).
	Buffer *ConsumerQueue
	// MemoryMB and TmpMB are its memory and /tmp sizes (zero: 256 MB and Lambda's 512 MB).
	MemoryMB, TmpMB int

	// Timeout is its Lambda timeout (zero: DefaultTimeout).
	Timeout time.Duration
	// Needs are the settings it cannot start without (Boot checks them); Uses are the
	// settings it reads when they are set. The stack gives it both, and no other.
	Needs, Uses []string
	// Grants are what it may reach; the stack turns each into least-privilege IAM.
	Grants []Grant
}

// QueueStart is a function's queue: its name, the handler of its batches, and how the
// event source mapping (locally, the poller) reads it.
type QueueStart struct {
	// Name names the queue (its construct ids; the local queue's partition).
	Name string
	// URLEnv is the setting that gives the functions granted SendTo(Name) its URL.
	URLEnv  string
	Handler func(Deps) queue.Handler
	// BatchSize messages per invocation; MaxConcurrency invocations at once (2 at
	// least, SQS's floor); Visibility is the queue's visibility timeout (at least the
	// function's timeout); after MaxReceives a message goes to the dead-letter queue.
	BatchSize, MaxConcurrency int
	Visibility                time.Duration
	MaxReceives               int
}

// ConsumerQueue is how a consumer's SQS queue hands it events: BatchSize messages, or
// what Window gathered; Visibility is the queue's visibility timeout (at least six times
// the function's timeout, as AWS advises when the function may be throttled); after
// MaxReceives a message goes to the dead-letter queue; ReservedConcurrency caps the
// function's invocations at once (1: one writer of the index).
type ConsumerQueue struct {
	BatchSize           int
	Window, Visibility  time.Duration
	MaxReceives         int
	ReservedConcurrency int
}

// DefaultTimeout is a function's timeout unless it says otherwise.
const DefaultTimeout = 10 * time.Second

// DeployHook is a CloudFormation custom resource (Custom::Tribune<Resource>) whose
// Properties change when the work must run again; locally Run runs once at start.
type DeployHook struct {
	Resource   string
	Properties func() map[string]string
	Run        func(context.Context, Deps) error
}

// Settings (environment variables) a function may be given.
const (
	EnvTableName            = "TABLE_NAME"
	EnvEventBusName         = "EVENT_BUS_NAME"
	EnvPublicURL            = "PUBLIC_URL"
	EnvMailFrom             = "MAIL_FROM"
	EnvMailConfigurationSet = "MAIL_CONFIGURATION_SET"
	EnvTrustedProxies       = "TRUSTED_PROXIES"
	EnvAdminEmails          = "ADMIN_EMAILS"
	EnvAvatarBucket         = "AVATAR_BUCKET"
	EnvCursorSecretARN      = "CURSOR_SECRET_ARN"
)

// Resource is something a function may be granted.
type Resource string

const (
	// ResTable is the table's data (and its indexes).
	ResTable Resource = "table"
	// ResFiles is the files bucket (avatars, images, attachments), under a prefix.
	ResFiles Resource = "files"
	// ResMail is sending through the deployment's SES identity.
	ResMail Resource = "mail"
	// ResCursorKey is the secret that signs pagination cursors.
	ResCursorKey Resource = "cursor-key"
	// ResBus is putting events on the event bus.
	ResBus Resource = "bus"
	// ResSignInSecrets are the sign-in providers' client ids and secrets.
	ResSignInSecrets Resource = "sign-in-secrets"
	// ResSchedules is setting and cancelling one-time schedules (EventBridge Scheduler,
	// in the deployment's group, invoking the clock function through the scheduler's
	// role); the grant brings the SCHEDULE_* settings (rewards_campaigns.go).
	ResSchedules Resource = "schedules"
	// ResQueue is sending messages to a function's queue (Grant.Queue names it); the
	// grant brings the queue's URL setting (QueueStart.URLEnv).
	ResQueue Resource = "queue"
)

// FileAccess is what a function may do under a prefix of the files bucket.
type FileAccess string

const (
	Put    FileAccess = "put"
	Read   FileAccess = "read"
	Delete FileAccess = "delete"
	// List is listing keys under the prefix (the bucket's ListBucket, with a prefix condition).
	List FileAccess = "list"
)

// Grant is one resource a function may reach.
type Grant struct {
	Resource Resource
	// Prefix and Access are for ResFiles.
	Prefix string
	Access []FileAccess
	// Queue is for ResQueue: the name of the queue (QueueStart.Name).
	Queue string
}

// SendTo grants sending messages to the queue of that name.
func SendTo(queue string) Grant { return Grant{Resource: ResQueue, Queue: queue} }

// The grants without options.
var (
	TableData     = Grant{Resource: ResTable}
	SendMail      = Grant{Resource: ResMail}
	CursorKey     = Grant{Resource: ResCursorKey}
	PutEvents     = Grant{Resource: ResBus}
	SignInSecrets = Grant{Resource: ResSignInSecrets}
	Schedules     = Grant{Resource: ResSchedules}
)

// FilesUnder grants access under one prefix of the files bucket ("images/*").
func FilesUnder(prefix string, access ...FileAccess) Grant {
	return Grant{Resource: ResFiles, Prefix: prefix, Access: access}
}

// Has reports whether the function is granted the resource.
func (f Function) Has(r Resource) bool {
	for _, g := range f.Grants {
		if g.Resource == r {
			return true
		}
	}
	return false
}

// Env returns the settings the function is given: Needs, then Uses.
func (f Function) Env() []string {
	return append(append([]string(nil), f.Needs...), f.Uses...)
}

// FunctionNamed returns the catalogue's function of that name.
func FunctionNamed(name string) (Function, error) {
	for _, f := range Catalogue() {
		if f.Name == name {
			return f, nil
		}
	}
	return Function{}, fmt.Errorf("app: no function %q in the catalogue", name)
}

// HTTPHandler is an HTTP function's handler: its routes behind the policy guard.
func HTTPHandler(f Function, d Deps) (http.Handler, error) {
	if f.Routes == nil {
		return nil, fmt.Errorf("app: %s serves no routes", f.Name)
	}
	return Handler(d.Config, sessions(d.Store), f.Routes(d))
}
