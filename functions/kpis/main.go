// Command kpis serves the page-view beacon, the traffic report and the KPIs.
// What it serves, needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot(app.KpisFunction())
	handler, err := app.HTTPHandler(env.Function, app.Deps{Config: env.Config, Store: env.Store(), Mail: env.Mail()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
