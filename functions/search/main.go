// Command search serves search: results with filters and facets, the composers'
// suggestions and the search analytics. It reads the newest index version the indexer
// published to S3 (loaded into /tmp, swapped when a newer one appears).
// What it serves, needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"log"
	"tribune/shared/search/bleveindex"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/blob"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot(app.SearchFunction())
	files := env.Files().(*blob.Store)
	handler, err := app.HTTPHandler(env.Function, app.Deps{Config: env.Config, Store: env.Store(), Files: files,
		Search: app.NewSnapshotSearch(bleveindex.Engine{}, files, app.SearchDir())})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
