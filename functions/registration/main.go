// Command registration serves sign-up, sign-in, sessions and the member profile.
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot("registration", "TABLE_NAME", "PUBLIC_URL", "MAIL_FROM", "AVATAR_BUCKET")
	handler, err := app.RegistrationHandler(app.Deps{Config: env.Config, Store: env.Store(), Mail: env.Mail(), Files: env.Files()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
