package app

import (
	"context"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"tribune/shared/config"
	"tribune/shared/lambdax"
	"tribune/shared/mail"
	"tribune/shared/social"
	"tribune/shared/store"
)

// Env is what a Lambda function starts from: its settings and the AWS SDK config.
type Env struct {
	Config config.Config
	AWS    aws.Config
}

// Boot installs the JSON logger, reads the settings (all of required must be set) and
// loads the SDK config; a function that cannot start exits with the reason.
func Boot(function string, required ...string) Env {
	lambdax.Logger(function)
	cfg, err := config.FromEnv()
	if err == nil {
		err = cfg.Require(required...)
	}
	if err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	awsCfg, err := store.LoadAWSConfig(context.Background(), cfg.DynamoDBEndpoint)
	if err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	// Client secrets of sign-in providers live in Secrets Manager; read once at start.
	secrets := secretsmanager.NewFromConfig(awsCfg)
	cfg.SocialProviders, err = social.FromEnv(func(arn string) (string, error) {
		out, err := secrets.GetSecretValue(context.Background(), &secretsmanager.GetSecretValueInput{SecretId: aws.String(arn)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.SecretString), nil
	})
	if err != nil {
		log.Fatalf("%s: %v", function, err)
	}
	return Env{Config: cfg, AWS: awsCfg}
}

// Store is the table of the function.
func (e Env) Store() *store.Store {
	return store.New(store.NewDynamoDB(e.AWS, e.Config.DynamoDBEndpoint), e.Config.TableName)
}

// Mail sends through SES v2 with the deployment's configuration set.
func (e Env) Mail() mail.Sender {
	return mail.SES{Client: sesv2.NewFromConfig(e.AWS), From: e.Config.MailFrom, ConfigurationSet: e.Config.MailConfigurationSet}
}
