package app

import (
	"context"
	"log"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"tribune/shared/blob"
	"tribune/shared/config"
	"tribune/shared/lambdax"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/secret"
	"tribune/shared/social"
	"tribune/shared/store"
)

// Env is what a Lambda function starts from: its catalogue entry, its settings and the
// AWS SDK config.
type Env struct {
	Function     Function
	Config       config.Config
	AWS          aws.Config
	cursorSecret *secret.Value
}

// Boot starts the function of a catalogue entry (app.Boot(app.PostingFunction())): it
// installs the JSON logger, reads the settings (all the function's Needs must be set)
// and loads the SDK config; a function that cannot start exits with the reason.
func Boot(fn Function) Env {
	function := fn.Name
	lambdax.Logger(function)
	cfg, err := config.FromEnv()
	if err == nil {
		err = cfg.Require(fn.Needs...)
	}
	if err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	awsCfg, err := store.LoadAWSConfig(context.Background(), cfg.DynamoDBEndpoint)
	if err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	// Secrets (sign-in providers' client secrets, the cursor key) live in Secrets
	// Manager; each is read when first needed, so a cold start waits for none.
	secrets := secretsmanager.NewFromConfig(awsCfg)
	lookup := func(arn string) (string, error) {
		out, err := secrets.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.SecretString), nil
	}
	if cfg.SocialProviders, err = social.FromEnv(lookup); err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	env := Env{Function: fn, Config: cfg, AWS: awsCfg}
	if arn := os.Getenv("CURSOR_SECRET_ARN"); arn != "" {
		env.cursorSecret = secret.Lazy(func() (string, error) { return lookup(arn) })
	}
	return env
}

// Store is the table of the function.
func (e Env) Store() *store.Store {
	st := store.New(store.NewDynamoDB(e.AWS, e.Config.DynamoDBEndpoint), e.Config.TableName)
	st.CursorSecret = e.cursorSecret
	return st
}

// Files is the files bucket: avatars/ and images/ (post images).
func (e Env) Files() members.Files {
	return blob.New(e.AWS, e.Config.AvatarBucket, e.Config.S3Endpoint)
}

// Mail sends through SES v2 with the deployment's configuration set.
func (e Env) Mail() mail.Sender {
	return mail.SES{Client: sesv2.NewFromConfig(e.AWS), From: e.Config.MailFrom, ConfigurationSet: e.Config.MailConfigurationSet}
}
