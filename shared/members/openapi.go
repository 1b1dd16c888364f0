package members

// The values of string members the API document states as enums (httpx.FieldEnums), so
// the web's generated types are unions of them.

// OpenAPIEnums: the access mode, and how people register in hybrid mode.
func (Settings) OpenAPIEnums() map[string][]string {
	return map[string][]string{"accessMode": {AccessOpen, AccessInvite, AccessHybrid}, "hybridRegistration": {AccessOpen, AccessInvite}}
}

// OpenAPIEnums: which account this browser is signed in with, against the link's.
func (LinkInfo) OpenAPIEnums() map[string][]string {
	return map[string][]string{"session": {SessionNone, SessionSame, SessionOther}}
}
