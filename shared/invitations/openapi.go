package invitations

// The values of string members the API document states as enums (httpx.FieldEnums), so
// the web's generated types are unions of them.

// States are the values of Invitation.State.
var States = []string{"pending", "used", "expired", "revoked"}

// OpenAPIEnums: an invitation's kind.
func (Invitation) OpenAPIEnums() map[string][]string {
	return map[string][]string{"kind": {KindEmail, KindLink}}
}

// OpenAPIEnums: the state of the invitation a link names.
func (Public) OpenAPIEnums() map[string][]string { return map[string][]string{"state": States} }
