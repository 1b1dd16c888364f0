// Command awards pays points, badges, ranks and automatic challenges from domain events.
// Its events, settings and grants are its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.AwardsFunction())
	lambda.Start(app.Consumer(env.Function.Consumer, env.Config, env.Store(), nil, nil))
}
