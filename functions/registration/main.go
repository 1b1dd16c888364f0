// Command registration serves sign-up, sign-in, sessions and the member profile.
// What it serves, needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot(app.RegistrationFunction())
	handler, err := app.HTTPHandler(env.Function, app.Deps{Config: env.Config, Store: env.Store(), Mail: env.Mail(), Files: env.Files()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
