// Command feed writes new posts into the home streams of their space's members.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/bus"
)

func main() {
	env := app.Boot("feed", "TABLE_NAME")
	lambda.Start(app.Consumer(bus.ConsumerFeed, env.Config, env.Store(), nil))
}
