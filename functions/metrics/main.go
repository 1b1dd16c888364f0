// Command metrics keeps the community counters from domain events.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/config"
	"tribune/shared/lambdax"
	"tribune/shared/store"
)

func main() {
	lambdax.Logger("metrics")
	cfg, err := config.FromEnv()
	if err == nil {
		err = cfg.Require("TABLE_NAME")
	}
	if err != nil {
		log.Fatal(err)
	}
	awsCfg, err := store.LoadAWSConfig(context.Background(), cfg.DynamoDBEndpoint)
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(app.MetricsConsumer(store.New(store.NewDynamoDB(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName)))
}
