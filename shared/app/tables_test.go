package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// snapshot is every item of the table, each as canonical JSON under "PK|SK".
func (c *community) snapshot() map[string]string {
	c.t.Helper()
	out := map[string]string{}
	in := &dynamodb.ScanInput{TableName: aws.String(c.tbl.Name), ConsistentRead: aws.Bool(true)}
	for {
		page, err := c.tbl.DB.Scan(context.Background(), in)
		if err != nil {
			c.t.Fatal(err)
		}
		for _, item := range page.Items {
			var v map[string]any
			if err := attributevalue.UnmarshalMap(item, &v); err != nil {
				c.t.Fatal(err)
			}
			b, _ := json.Marshal(v) // map keys come out sorted: the same item, the same text
			out[fmt.Sprint(v["PK"])+"|"+fmt.Sprint(v["SK"])] = string(b)
		}
		if len(page.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// settledSnapshot waits until the event path stopped writing (two scans 400 ms apart
// agree) and returns the table.
func (c *community) settledSnapshot() map[string]string {
	c.t.Helper()
	last := c.snapshot()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(400 * time.Millisecond)
		now := c.snapshot()
		if len(diffTables(last, now)) == 0 {
			return now
		}
		last = now
	}
	c.t.Fatal("the event path never settled")
	return nil
}

// diffTables describes every item added, removed or changed from before to after.
func diffTables(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		old, ok := before[k]
		switch {
		case !ok:
			out = append(out, "added "+v)
		case old != v:
			out = append(out, "changed "+k+": "+old+" -> "+v)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			out = append(out, "removed "+k)
		}
	}
	sort.Strings(out)
	return out
}

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

// signInToken asks for a sign-in link for addr (with an invitation code, maybe) and
// returns the token the email carries.
func (c *community) signInToken(addr, invitation string) string {
	c.t.Helper()
	body, _ := json.Marshal(map[string]string{"email": addr, "invitation": invitation, "locale": "en"})
	if status, raw := c.call(c.visitor(), "POST", "/api/auth/email/start", string(body), nil); status != http.StatusAccepted {
		c.t.Fatalf("sign-in link for %s: %d %s", addr, status, raw)
	}
	m := tokenInLink.FindStringSubmatch(c.mailTo(addr, "token="))
	if m == nil {
		c.t.Fatalf("no token in the link mailed to %s", addr)
	}
	return m[1]
}
