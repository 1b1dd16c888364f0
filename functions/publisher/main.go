// Command publisher moves outbox items from the table's stream onto the event bus.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"tribune/shared/app"
	"tribune/shared/bus"
)

func main() {
	env := app.Boot(app.PublisherFunction())
	lambda.Start(app.Publisher(bus.EventBridge{Client: eventbridge.NewFromConfig(env.AWS), BusName: env.Config.EventBusName}))
}
