package spaces

// The values of string members the API document states as enums (httpx.FieldEnums), so
// the web's generated types are unions of them.

// OpenAPIEnums: a space's visibility and kind.
func (Space) OpenAPIEnums() map[string][]string {
	return map[string][]string{"visibility": {Public, Closed, Hidden}, "kind": Kinds}
}

// OpenAPIEnums: what the space offers the reader to join by.
func (SpaceView) OpenAPIEnums() map[string][]string {
	return map[string][]string{"joinOffer": {OfferJoin, OfferRequest, OfferAccept}}
}

// OpenAPIEnums: a membership's status.
func (Membership) OpenAPIEnums() map[string][]string {
	return map[string][]string{"status": {StatusActive, StatusPending, StatusInvited, StatusDeclined}}
}
