// Command audience keeps the newsletters' audience from events: SES's bounces and
// complaints put addresses on the suppression list, new members get the lists'
// defaults, members' acts mark them active. Its events, settings and grants are its
// entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.AudienceFunction())
	lambda.Start(app.Consumer(env.Function.Consumer, env.Config, env.Store(), nil, nil))
}
