// Command searchindex is the search indexer: its SQS queue brings the events its rules
// route there, in large batches, one invocation at a time; it re-reads what they name
// from the table, applies the batch to the index kept in /tmp (restored from the newest
// published version on a cold start) and publishes a new version to S3 before the batch
// is acknowledged. What it needs and may reach is its entry in the catalogue.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"tribune/shared/search/bleveindex"

	"tribune/shared/app"
	"tribune/shared/blob"
)

func main() {
	env := app.Boot(app.SearchIndexFunction())
	lambda.Start(app.SearchIndexHandler(bleveindex.Engine{}, env.Store(), env.Files().(*blob.Store)))
}
