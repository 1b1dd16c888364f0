package posts

// The values of string members the API document states as enums (httpx.FieldEnums), so
// the web's generated types are unions of them.

// OpenAPIEnums: a post's kind.
func (Post) OpenAPIEnums() map[string][]string { return map[string][]string{"kind": Kinds} }

// OpenAPIEnums: a post's kind.
func (Summary) OpenAPIEnums() map[string][]string { return map[string][]string{"kind": Kinds} }

// OpenAPIEnums: the kind of the post to create.
func (NewPost) OpenAPIEnums() map[string][]string { return map[string][]string{"kind": Kinds} }
