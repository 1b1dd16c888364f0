// Command invitations serves staff and member invitations and invitation links.
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot("invitations", "TABLE_NAME", "PUBLIC_URL")
	handler, err := app.InvitationsHandler(app.Deps{Config: env.Config, Store: env.Store()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
