// Command cdk is the CDK app of Tribune (cdk.json runs it): `make synth`, `make deploy`.
package main

import (
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	NewTribuneStack(app, "Tribune", Settings{
		AssetDir:        ".build",
		WebDir:          "web/dist",
		MailFrom:        contextString(app, "mailFrom", "no-reply@example.com"),
		PublicURL:       contextString(app, "publicUrl", ""),
		AdminEmails:     contextString(app, "adminEmails", ""),
		SocialProviders: socialProviders(contextString(app, "socialProviders", "")),
	}, &awscdk.StackProps{Env: environment()})
	app.Synth(nil)
}

// contextString reads a -c key=value setting, or def.
func contextString(app awscdk.App, key, def string) string {
	if v, ok := app.Node().TryGetContext(jsii.String(key)).(string); ok && v != "" {
		return v
	}
	return def
}

// environment pins the stack to the CLI's account and region when it knows them;
// offline (`make synth` without credentials) the stack stays environment-agnostic.
func environment() *awscdk.Environment {
	account, region := os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION")
	if account == "" || region == "" {
		return nil
	}
	return &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}
}

// socialProviders reads -c socialProviders=google=CLIENT_ID,github=CLIENT_ID,
// corp=CLIENT_ID|https://issuer|Corp SSO (a generic OIDC provider).
func socialProviders(spec string) []SocialProvider {
	var out []SocialProvider
	for _, item := range strings.Split(spec, ",") {
		id, rest, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || id == "" {
			continue
		}
		parts := strings.SplitN(rest, "|", 3)
		p := SocialProvider{ID: id, ClientID: parts[0]}
		if len(parts) == 3 {
			p.Issuer, p.Name = parts[1], parts[2]
		}
		out = append(out, p)
	}
	return out
}
