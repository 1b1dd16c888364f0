// Command metrics keeps the community counters from domain events.
// Its events, settings and grants are its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.MetricsFunction())
	lambda.Start(app.Consumer(env.Function.Consumer, env.Config, env.Store(), nil, nil))
}
