// Command knowledge serves the knowledge base (articles, categories, versions,
// followers, feedback), the documents of spaces and members' bookmarks.
// What it serves, needs and may reach is its entry in the catalogue (app.Catalogue).
package main

import (
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
	"tribune/shared/lambdax"
)

func main() {
	env := app.Boot(app.KnowledgeFunction())
	handler, err := app.HTTPHandler(env.Function, app.Deps{Config: env.Config, Store: env.Store(), Files: env.Files()})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(lambdax.HTTP(handler))
}
