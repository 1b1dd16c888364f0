package app

import "tribune/shared/httpx"

// DocumentsPrefix is where the documents of spaces live in the files bucket (each
// version its own key); the knowledge function is granted this prefix only.
const DocumentsPrefix = "documents/"

// KnowledgeRoutes are the knowledge function's routes: articles and categories
// (knowledge.go), documents (documents.go) and bookmarks (bookmarks.go).
func KnowledgeRoutes(d Deps) []httpx.Route {
	routes := articleRoutes(d)
	routes = append(routes, documentRoutes(d)...)
	return append(routes, bookmarkRoutes(d)...)
}
