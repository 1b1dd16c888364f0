// Command feed writes new posts into the home streams of their space's members.
// It also finishes account deletions, avatar files included (hence the files bucket).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/bus"
)

func main() {
	env := app.Boot("feed", "TABLE_NAME", "AVATAR_BUCKET")
	lambda.Start(app.Consumer(bus.ConsumerFeed, env.Config, env.Store(), nil, env.Files()))
}
