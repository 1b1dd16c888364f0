package app

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/cfn"

	"tribune/shared/store"
)

// Migrate runs the data migrations not done yet (store.Migrate) and logs what they
// changed. The local runtime calls it once at start, before serving; in AWS the
// migrate function calls it from a CloudFormation custom resource on deploy.
func Migrate(ctx context.Context, st *store.Store) error {
	results, err := st.Migrate(ctx, time.Now())
	for _, r := range results {
		if r.Ran {
			slog.InfoContext(ctx, "data migration done", "migration", r.Name, "changed", r.Changed)
		}
	}
	if err != nil {
		return fmt.Errorf("app.Migrate: %w", err)
	}
	return nil
}

// MigrationsResource is the handler of the custom resource that runs the migrations
// when a deploy creates or updates it (its properties name the migrations, so a
// release that adds one updates it); deleting the stack changes no data.
func MigrationsResource(st *store.Store) cfn.CustomResourceFunction {
	return func(ctx context.Context, event cfn.Event) (string, map[string]interface{}, error) {
		id := "TribuneDataMigrations"
		if event.RequestType == cfn.RequestDelete {
			return event.PhysicalResourceID, nil, nil
		}
		results, err := st.Migrate(ctx, time.Now())
		var ran []string
		for _, r := range results {
			if r.Ran {
				ran = append(ran, fmt.Sprintf("%s (%d changed)", r.Name, r.Changed))
				slog.InfoContext(ctx, "data migration done", "migration", r.Name, "changed", r.Changed)
			}
		}
		if err != nil {
			return id, nil, fmt.Errorf("app.MigrationsResource: %w", err)
		}
		return id, map[string]interface{}{"Ran": strings.Join(ran, ", ")}, nil
	}
}
