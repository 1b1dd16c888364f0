// Command notifications sends the emails that domain events call for.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/bus"
)

func main() {
	env := app.Boot("notifications", "TABLE_NAME", "PUBLIC_URL", "MAIL_FROM")
	lambda.Start(app.Consumer(bus.ConsumerNotifications, env.Config, env.Store(), env.Mail(), nil))
}
