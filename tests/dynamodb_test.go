package tests

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/store"
)

// dynamoEndpoint is the endpoint of the DynamoDB Local the runtime started, from its log.
func (rt *runtime) dynamoEndpoint(t *testing.T) string {
	t.Helper()
	for _, line := range strings.Split(rt.Log.String(), "\n") {
		var entry struct{ Msg, Endpoint string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "DynamoDB Local started" && entry.Endpoint != "" {
			return entry.Endpoint
		}
	}
	t.Fatalf("the runtime did not log its DynamoDB Local; its log:\n%s", rt.Log.String())
	return ""
}

// dynamoClient signs with keyID (DynamoDB Local checks no secret) for endpoint.
func dynamoClient(t *testing.T, endpoint, keyID string) *dynamodb.Client {
	t.Helper()
	cfg, err := store.LoadAWSConfig(context.Background(), endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Credentials = credentials.StaticCredentialsProvider{Value: aws.Credentials{AccessKeyID: keyID, SecretAccessKey: "local"}}
	cfg.RetryMaxAttempts = 1
	return store.NewDynamoDB(cfg, endpoint)
}

// The DynamoDB Local that the runtime starts is not open to others: from the machine's
// non-loopback addresses its port takes no connection at all, and through 127.0.0.1 a
// request signed with any key but the data directory's own (the well-known local/local,
// a guess) can neither read the admin's member item nor write anything.
func TestDynamoDBLocalIsNotOpenToOthers(t *testing.T) {
	t.Parallel()
	rt := startRuntime(t, "", "ADMIN_EMAILS=ada@example.com")
	ada := devSignIn(t, rt, "ada@example.com")
	var me struct{ ID string }
	call(t, ada, "GET", rt.URL+"/api/me", "", &me)
	endpoint := rt.dynamoEndpoint(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(endpoint, "http://"))
	ctx := context.Background()
	member := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "MEMBER#" + me.ID}, "SK": &types.AttributeValueMemberS{Value: "PROFILE"}}
	intruder := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "INTRUDER"}, "SK": &types.AttributeValueMemberS{Value: "X"}}

	// Who may: the runtime, with the key in its data directory.
	keyFile := filepath.Join(rt.DataDir, "dynamodb", ".tribune-access-key-id")
	key, err := os.ReadFile(keyFile)
	if info, serr := os.Stat(keyFile); err != nil || serr != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the data directory's DynamoDB key: %v (want a file 0600)", err)
		key = []byte("local") // what the runtime signed with before
	}
	own := dynamoClient(t, endpoint, strings.TrimSpace(string(key)))
	if out, err := own.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tribune"), Key: member}); err != nil || out.Item == nil {
		t.Fatalf("with the runtime's key, the admin's member item: %v %v", out, err)
	}

	// From the network: nothing answers, whatever the key.
	others := 0
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
				continue
			}
			others++
			remote := "http://" + net.JoinHostPort(ipn.IP.String(), port)
			for _, k := range []string{"local", strings.TrimSpace(string(key))} {
				db := dynamoClient(t, remote, k)
				if out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tribune"), Key: member}); err == nil {
					t.Errorf("from %s, signed with %.7s…, DynamoDB Local answered a read (item found: %v)", remote, k, out.Item != nil)
				}
				if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tribune"), Item: intruder}); err == nil {
					t.Errorf("from %s, signed with %.7s…, DynamoDB Local took a write", remote, k)
				}
			}
		}
	}
	t.Logf("tried %d non-loopback addresses", others)

	// On this machine, with another key: a database of its own, empty.
	for _, k := range []string{"local", "TRIBUNEAAAAAAAAAAAAAAAAAAAAAAAAAA", "AKIAIOSFODNN7EXAMPLE"} {
		db := dynamoClient(t, endpoint, k)
		if out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tribune"), Key: member}); err == nil {
			t.Errorf("through 127.0.0.1 with the key %q, a read of the member item succeeded (found: %v)", k, out.Item != nil)
		}
		if out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("tribune")}); err == nil {
			t.Errorf("through 127.0.0.1 with the key %q, a scan found %d items", k, out.Count)
		}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("tribune"), Item: intruder}); err == nil {
			t.Errorf("through 127.0.0.1 with the key %q, a write succeeded", k)
		}
		if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("tribune"), Key: member,
			UpdateExpression: aws.String("SET #n = :n"), ExpressionAttributeNames: map[string]string{"#n": "intruded"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberS{Value: "yes"}}}); err == nil {
			t.Errorf("through 127.0.0.1 with the key %q, an update of the member item succeeded", k)
		}
	}
	if out, err := own.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tribune"), Key: intruder, ConsistentRead: aws.Bool(true)}); err != nil || out.Item != nil {
		t.Errorf("an outsider's item is in the runtime's table: %v %v", out.Item, err)
	}
	if out, err := own.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("tribune"), Key: member, ConsistentRead: aws.Bool(true)}); err != nil || out.Item["intruded"] != nil {
		t.Errorf("an outsider changed the member item: %v %v", out.Item["intruded"], err)
	}
	// The runtime still works on its own data.
	if status, body := call(t, ada, "GET", rt.URL+"/api/me", "", nil); status != 200 {
		t.Fatalf("the runtime after the attempts: %d %s", status, body)
	}
}
