// Package config reads a function's settings from its environment, once, at start.
package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"tribune/shared/social"
	"tribune/shared/text"
)

// Config holds every setting; a function reads the ones it needs.
type Config struct {
	TableName string
	// DynamoDBEndpoint points the client at DynamoDB Local; empty in AWS.
	DynamoDBEndpoint string
	EventBusName     string
	// PublicURL is where members reach the web app, e.g. https://community.example.com.
	PublicURL string
	MailFrom  string
	// MailConfigurationSet is the SES v2 configuration set (bounces feed suppression).
	MailConfigurationSet string
	// CookieSecure is false only for plain-http local runs.
	CookieSecure bool
	// TrustedProxies is how many proxies append to X-Forwarded-For (CloudFront: 1).
	TrustedProxies int
	// AdminEmails become admins when they register: the first admin of a deployment.
	AdminEmails []string
	// SocialProviders are the enabled sign-in providers (read by the caller, which
	// knows where secrets live: social.FromEnv).
	SocialProviders []social.Provider
	// AvatarBucket holds avatars; S3Endpoint points at a local S3 when set.
	AvatarBucket string
	S3Endpoint   string
	LogLevel     string
}

// FromEnv reads the configuration from environment variables.
func FromEnv() (Config, error) {
	c := Config{
		TableName:            os.Getenv("TABLE_NAME"),
		DynamoDBEndpoint:     os.Getenv("DYNAMODB_ENDPOINT"),
		EventBusName:         os.Getenv("EVENT_BUS_NAME"),
		PublicURL:            strings.TrimRight(os.Getenv("PUBLIC_URL"), "/"),
		MailFrom:             os.Getenv("MAIL_FROM"),
		MailConfigurationSet: os.Getenv("MAIL_CONFIGURATION_SET"),
		CookieSecure:         os.Getenv("COOKIE_INSECURE") != "true",
		LogLevel:             os.Getenv("LOG_LEVEL"),
		AvatarBucket:         os.Getenv("AVATAR_BUCKET"),
		S3Endpoint:           os.Getenv("S3_ENDPOINT"),
	}
	for _, a := range strings.Split(os.Getenv("ADMIN_EMAILS"), ",") {
		if strings.TrimSpace(a) == "" {
			continue
		}
		// The same spelling as every address a member signs up with (text.NormalizeEmail).
		email, ok := text.NormalizeEmail(a)
		if !ok {
			return c, fmt.Errorf("config: ADMIN_EMAILS holds %q, which is not an email address", strings.TrimSpace(a))
		}
		c.AdminEmails = append(c.AdminEmails, email)
	}
	if v := os.Getenv("TRUSTED_PROXIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return c, fmt.Errorf("config: TRUSTED_PROXIES %q is not a count", v)
		}
		c.TrustedProxies = n
	}
	return c, nil
}

// Require fails when any named setting is empty, naming every missing one.
func (c Config) Require(names ...string) error {
	values := map[string]string{
		"TABLE_NAME": c.TableName, "EVENT_BUS_NAME": c.EventBusName, "PUBLIC_URL": c.PublicURL,
		"MAIL_FROM": c.MailFrom, "AVATAR_BUCKET": c.AvatarBucket,
	}
	var missing []string
	for _, n := range names {
		if values[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("config: missing %s", strings.Join(missing, ", "))
	}
	return nil
}
