// Command registration serves sign-up, sign-in, sessions and the member profile.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"tribune/shared/app"
	"tribune/shared/config"
	"tribune/shared/lambdax"
	"tribune/shared/mail"
	"tribune/shared/store"
)

func main() {
	lambdax.Logger("registration")
	cfg, err := config.FromEnv()
	if err == nil {
		err = cfg.Require("TABLE_NAME", "PUBLIC_URL", "MAIL_FROM")
	}
	if err != nil {
		log.Fatal(err)
	}
	awsCfg, err := store.LoadAWSConfig(context.Background(), cfg.DynamoDBEndpoint)
	if err != nil {
		log.Fatal(err)
	}
	st := store.New(store.NewDynamoDB(awsCfg, cfg.DynamoDBEndpoint), cfg.TableName)
	sender := mail.SES{Client: sesv2.NewFromConfig(awsCfg), From: cfg.MailFrom, ConfigurationSet: cfg.MailConfigurationSet}
	handler, err := app.Handler(cfg, app.RegistrationRoutes(cfg, st, sender))
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
