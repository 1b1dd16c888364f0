// Command ticketsweep is the scheduled job that auto-closes solved tickets and flags
// missed targets.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"tribune/shared/app"
)

func main() {
	env := app.Boot("ticketsweep", "TABLE_NAME")
	lambda.Start(app.TicketSweep(env.Store()))
}
