package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/store"
)

// scanItems returns every item of the table whose PK starts with prefix (tests only:
// a Scan reads the whole table).
func (c *community) scanItems(prefix string) []map[string]types.AttributeValue {
	c.t.Helper()
	var out []map[string]types.AttributeValue
	in := &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name)}
	for {
		page, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, item := range page.Items {
			if pk, ok := item["PK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, prefix) {
				out = append(out, item)
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// events returns the payloads of every event of a detail-type the outbox ever held,
// decoded, whose payload has every field of match.
func (c *community) events(detailType string, match map[string]string) []map[string]any {
	c.t.Helper()
	var out []map[string]any
	for _, item := range c.scanItems("OUTBOX#") {
		if dt, _ := item["DetailType"].(*types.AttributeValueMemberS); dt == nil || dt.Value != detailType {
			continue
		}
		var payload map[string]any
		if err := json.Unmarshal([]byte(item["Detail"].(*types.AttributeValueMemberS).Value), &payload); err != nil {
			c.t.Fatal(err)
		}
		ok := true
		for k, v := range match {
			ok = ok && payload[k] == v
		}
		if ok {
			out = append(out, payload)
		}
	}
	return out
}

// countEvents is len(events(...)).
func (c *community) countEvents(detailType string, match map[string]string) int {
	c.t.Helper()
	return len(c.events(detailType, match))
}

// notificationsOf returns a member's whole inbox once the event path settled.
func (c *community) notificationsOf(memberID string) []notifications.Notification {
	c.t.Helper()
	c.settledItems()
	var out []notifications.Notification
	for _, item := range c.scanItems("INBOX#" + memberID) {
		if ty, _ := item["Type"].(*types.AttributeValueMemberS); ty == nil || ty.Value != "Notification" {
			continue
		}
		var n notifications.Notification
		if kind, ok := item["Kind"].(*types.AttributeValueMemberS); ok {
			n.Kind = kind.Value
		}
		out = append(out, n)
	}
	return out
}

// countKind counts a member's notifications of a kind (the event path settled).
func (c *community) countKind(memberID, kind string) int {
	c.t.Helper()
	n := 0
	for _, x := range c.notificationsOf(memberID) {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

// auditEntries counts the moderation log's entries of an action about a target.
func (c *community) auditEntries(action, targetID string) int {
	c.t.Helper()
	n := 0
	for _, item := range c.scanItems("AUDIT") {
		a, _ := item["Action"].(*types.AttributeValueMemberS)
		id, _ := item["TargetID"].(*types.AttributeValueMemberS)
		if a != nil && a.Value == action && (targetID == "" || (id != nil && id.Value == targetID)) {
			n++
		}
	}
	return n
}

// concurrently runs f n times at once and waits for all.
func concurrently(t *testing.T, n int, f func(i int)) {
	t.Helper()
	done := make(chan struct{}, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			f(i)
		}()
	}
	close(start)
	for range n {
		<-done
	}
}

// counted is a daily counter summed over yesterday and today: a test that crosses
// midnight counts on both days (each test has its own table, so yesterday holds nothing
// else).
func counted(st *store.Store, name string) int64 {
	now := time.Now()
	var n int64
	for _, day := range []string{metrics.Day(now.Add(-24 * time.Hour)), metrics.Day(now)} {
		v, _ := st.Counter(context.Background(), name, day)
		n += v
	}
	return n
}
