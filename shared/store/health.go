package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/metrics"
)

// KPI health checks and the launch baseline (issue 14, round 2; docs/data-model.md,
// patterns 300-303): a report is KPIHEALTH / CHECK#<id>, its ids sort by time (the
// list is one query, newest first); the report itself is gzipped JSON (27 cards with up
// to 400 days of series each stay far below DynamoDB's 400 KB). The baseline is one
// item, KPI / BASELINE, replaced when frozen again.

const (
	pkKpiHealth     = "KPIHEALTH"
	healthPrefix    = "CHECK#"
	pkKpi           = "KPI"
	skKpiBaseline   = "BASELINE"
	typeHealthCheck = "HealthCheck"
	typeKpiBaseline = "KpiBaseline"
	// MaxHealthChecks bounds the list (one every month for 8 years).
	MaxHealthChecks = 100
)

type healthItem struct {
	PK, SK, Type string
	ID           string
	At           time.Time
	From, To     string
	Report       []byte // gzipped JSON of metrics.HealthReport
}

type baselineItem struct {
	PK, SK, Type string
	Baseline     []byte // JSON of metrics.Baseline
}

// Health is the KPI health checks and the baseline.
type Health struct{ *Store }

// Health is the health checks' store.
func (s *Store) Health() Health { return Health{s} }

// NewHealthID is a report id that sorts by time: the UTC time to the microsecond, then
// 8 random letters.
func NewHealthID(at time.Time) string {
	return at.UTC().Format("20060102T150405.000000Z") + "-" + strings.ToLower(rand.Text()[:8])
}

func gz(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func ungz(data []byte, out any) error {
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// ErrHealthCheckExists: a report of that id is stored already, or the periodic check of
// that day ran already.
var ErrHealthCheckExists = errs.New(errs.Conflict, "health_check_exists", "This health check exists already.")

type periodicItem struct{ PK, SK, Type, ID string }

// HealthRunWindow: a check of the same period (from..to) run again within it is not a
// new report (tester 14, finding 20: five concurrent runs made five reports and mailed
// every admin five times).
const HealthRunWindow = 10 * time.Minute

// HealthCheckRecent is SaveHealthCheck's refusal when a report of the same period was
// stored less than HealthRunWindow before: ID names it.
type HealthCheckRecent struct{ ID string }

func (e *HealthCheckRecent) Error() string {
	return "store: a health check of this period was run at most 10 minutes ago: " + e.ID
}

// healthRunItem is the period's last report (KPIHEALTH / RUN#<HealthReport.RunKey>: the
// period, the settings and the baseline's time): Until is when
// a new report of the period may be stored again (Unix seconds).
type healthRunItem struct {
	PK, SK, Type, ID string
	Until            int64
	// ExpiresAt lets DynamoDB's TTL remove the item a day after Until.
	ExpiresAt int64
}

// SaveHealthCheck stores a report (its id must be new: ErrHealthCheckExists), unless a
// report of the same period, settings and baseline was stored less than HealthRunWindow before
// (*HealthCheckRecent naming it, nothing written). A periodic
// check names its day: the day's marker (KPIHEALTH / PERIODIC#<day>) is written in the
// same transaction, so a job that runs twice stores one report.
func (h Health) SaveHealthCheck(ctx context.Context, rep metrics.HealthReport, periodicDay string) error {
	body, err := gz(rep)
	if err != nil {
		return fmt.Errorf("store.SaveHealthCheck: %w", err)
	}
	it := healthItem{PK: pkKpiHealth, SK: healthPrefix + rep.ID, Type: typeHealthCheck, ID: rep.ID, At: rep.At.UTC(), From: rep.From, To: rep.To, Report: body}
	t := h.txn().put("exists", it, itemAbsent)
	run, err := attributevalue.MarshalMap(healthRunItem{PK: pkKpiHealth, SK: "RUN#" + rep.RunKey(), Type: "HealthRun", ID: rep.ID,
		Until: rep.At.Add(HealthRunWindow).Unix(), ExpiresAt: rep.At.Add(HealthRunWindow + 24*time.Hour).Unix()})
	if err != nil {
		return fmt.Errorf("store.SaveHealthCheck: %w", err)
	}
	// One transaction: of concurrent runs of a period, exactly one stores its report.
	t.add("recent", types.TransactWriteItem{Put: &types.Put{TableName: aws.String(h.Table), Item: run,
		ConditionExpression:                 aws.String(itemAbsent + " OR #until <= :now"),
		ExpressionAttributeNames:            map[string]string{"#until": "Until"},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: fmt.Sprint(rep.At.Unix())}},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}})
	if periodicDay != "" {
		t.put("exists", periodicItem{PK: pkKpiHealth, SK: "PERIODIC#" + periodicDay, Type: "HealthPeriodic", ID: rep.ID}, itemAbsent)
	}
	err = t.run(ctx)
	if failed(err, "exists") {
		return ErrHealthCheckExists
	}
	if failed(err, "recent") {
		var old healthRunItem
		if uerr := attributevalue.UnmarshalMap(failedItem(err, "recent"), &old); uerr == nil && old.ID != "" {
			return &HealthCheckRecent{ID: old.ID}
		}
	}
	if err != nil {
		return fmt.Errorf("store.SaveHealthCheck %s: %w", rep.ID, err)
	}
	return nil
}

// HealthCheck reads one report (errs.ErrNotFound when there is none of that id).
func (h Health) HealthCheck(ctx context.Context, id string) (metrics.HealthReport, error) {
	var it healthItem
	if err := h.get(ctx, "store.HealthCheck", pkKpiHealth, healthPrefix+id, time.Now(), &it); err != nil {
		return metrics.HealthReport{}, err
	}
	var rep metrics.HealthReport
	if err := ungz(it.Report, &rep); err != nil {
		return metrics.HealthReport{}, fmt.Errorf("store.HealthCheck %s: %w", id, err)
	}
	return rep, nil
}

// HealthChecks lists the reports, newest first (at most MaxHealthChecks), without their
// bodies.
func (h Health) HealthChecks(ctx context.Context) ([]metrics.HealthSummary, error) {
	in := queryPrefix(h.Table, pkKpiHealth, healthPrefix, "#ID", "#At", "#From", "#To")
	in.ExpressionAttributeNames = map[string]string{"#ID": "ID", "#At": "At", "#From": "From", "#To": "To"}
	in.ScanIndexForward = aws.Bool(false)
	in.Limit = aws.Int32(MaxHealthChecks)
	out, err := h.DB.Query(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("store.HealthChecks: %w", err)
	}
	list := []metrics.HealthSummary{}
	for _, av := range out.Items {
		var it healthItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, fmt.Errorf("store.HealthChecks: %w", err)
		}
		list = append(list, metrics.HealthSummary{ID: it.ID, At: it.At, From: it.From, To: it.To})
	}
	return list, nil
}

// LatestHealthCheck is the newest report (ok false when there is none).
func (h Health) LatestHealthCheck(ctx context.Context) (metrics.HealthReport, bool, error) {
	out, err := h.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(h.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(pkIs + " AND " + skBeginsWith(":p")), ScanIndexForward: aws.Bool(false), Limit: aws.Int32(1),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkKpiHealth},
			":p": &types.AttributeValueMemberS{Value: healthPrefix}}})
	if err != nil {
		return metrics.HealthReport{}, false, fmt.Errorf("store.LatestHealthCheck: %w", err)
	}
	if len(out.Items) == 0 {
		return metrics.HealthReport{}, false, nil
	}
	var it healthItem
	if err := attributevalue.UnmarshalMap(out.Items[0], &it); err != nil {
		return metrics.HealthReport{}, false, fmt.Errorf("store.LatestHealthCheck: %w", err)
	}
	var rep metrics.HealthReport
	if err := ungz(it.Report, &rep); err != nil {
		return metrics.HealthReport{}, false, fmt.Errorf("store.LatestHealthCheck: %w", err)
	}
	return rep, true, nil
}

// SaveBaseline freezes the launch baseline, replacing the previous one.
func (h Health) SaveBaseline(ctx context.Context, b metrics.Baseline) error {
	raw, err := json.Marshal(b)
	if err != nil {
		return fmt.Errorf("store.SaveBaseline: %w", err)
	}
	if err := h.txn().put("", baselineItem{PK: pkKpi, SK: skKpiBaseline, Type: typeKpiBaseline, Baseline: raw}, "").run(ctx); err != nil {
		return fmt.Errorf("store.SaveBaseline: %w", err)
	}
	return nil
}

// Baseline reads the launch baseline (ok false before one was frozen).
func (h Health) Baseline(ctx context.Context) (metrics.Baseline, bool, error) {
	var it baselineItem
	err := h.get(ctx, "store.Baseline", pkKpi, skKpiBaseline, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return metrics.Baseline{}, false, nil
	}
	if err != nil {
		return metrics.Baseline{}, false, err
	}
	var b metrics.Baseline
	if err := json.Unmarshal(it.Baseline, &b); err != nil {
		return metrics.Baseline{}, false, fmt.Errorf("store.Baseline: %w", err)
	}
	return b, true, nil
}
