// Command migrate runs the data migrations (store.Migrate) when a deploy creates or
// updates its CloudFormation custom resource (docs/operations.md, "Data migrations").
package main

import (
	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.MigrateFunction())
	lambda.Start(cfn.LambdaWrap(app.MigrationsResource(env.Store())))
}
