// Command rewards serves the reward programme: points, ranks, badges, the leaderboard,
// campaigns, the review queue, the catalogue and orders.
// What it serves, needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot(app.RewardsFunction())
	handler, err := app.HTTPHandler(env.Function, app.Deps{Config: env.Config, Store: env.Store(), Files: env.Files(), Schedules: env.Schedules()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
