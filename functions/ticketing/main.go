// Command ticketing serves customer support tickets and the support report.
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot("ticketing", "TABLE_NAME", "PUBLIC_URL", "AVATAR_BUCKET")
	handler, err := app.TicketingHandler(app.Deps{Config: env.Config, Store: env.Store(), Files: env.Files()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
