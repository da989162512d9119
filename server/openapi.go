package server

import (
	_ "embed"
	"net/http"
)

//go:embed openapi.json
var openapiDoc []byte

// openapi: GET /api/openapi.json — the API's OpenAPI 3.1 document
// (TestOpenAPIMatchesRoutes keeps it in step with the routes).
func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openapiDoc)
}
