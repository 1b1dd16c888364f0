// Command feed writes new posts into the home streams of their space's members.
// It also finishes account deletions, avatar files included (hence the files bucket).
// Its events, settings and grants are its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.FeedFunction())
	lambda.Start(app.Consumer(env.Function.Consumer, env.Config, env.Store(), nil, env.Files()))
}
