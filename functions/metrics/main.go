// Command metrics keeps the community counters from domain events.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/bus"
)

func main() {
	env := app.Boot("metrics", "TABLE_NAME")
	lambda.Start(app.Consumer(bus.ConsumerMetrics, env.Config, env.Store(), nil, nil))
}
