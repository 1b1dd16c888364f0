// Command kpihealth is the scheduled job that runs the periodic KPI health check when
// it is due and mails its report to every admin. Its schedule, settings and grants are
// its entry in the catalogue (app.Catalogue).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot(app.KpiHealthFunction())
	lambda.Start(env.Function.Job(app.Deps{Config: env.Config, Store: env.Store(), Mail: env.Mail()}))
}
