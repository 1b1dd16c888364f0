// Command notifications sends the emails that domain events call for.
// Its events, settings and grants are its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.NotificationsFunction())
	lambda.Start(app.Consumer(env.Function.Consumer, env.Config, env.Store(), env.Mail(), nil))
}
