// Command publisher moves outbox items from the table's stream onto the event bus.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/lambdax"
	"tribune/shared/store"
)

func main() {
	lambdax.Logger("publisher")
	cfg, err := config.FromEnv()
	if err == nil {
		err = cfg.Require("EVENT_BUS_NAME")
	}
	if err != nil {
		log.Fatal(err)
	}
	awsCfg, err := store.LoadAWSConfig(context.Background(), "")
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(app.Publisher(bus.EventBridge{Client: eventbridge.NewFromConfig(awsCfg), BusName: cfg.EventBusName}))
}
