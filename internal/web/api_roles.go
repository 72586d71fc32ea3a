package web

// Custom roles in Zendesk's shape (/api/v2/custom_roles): named permission
// sets an agent holds instead of the plain agent's permissions (assigned
// with custom_role_id on PUT /api/v2/users/{id}). Staff read them; admins
// write them.

import (
	"net/http"

	"github.com/frontline/frontline/internal/access"
)

func (s *Server) registerRolesAPI() {
	roles := recordAPI[access.RoleInput, access.Role, access.Role]{key: "custom_role", what: "custom role",
		get: s.Access.GetRole, create: s.Access.CreateRole, update: s.Access.UpdateRole, del: s.Access.DeleteRole,
		view: asStored[access.Role]}
	s.handle("GET /api/v2/custom_roles", Staff, func(w http.ResponseWriter, r *http.Request) error {
		rs, err := s.Access.ListRoles(r.Context())
		if err != nil {
			return err
		}
		return writeAll(w, "custom_roles", rs)
	})
	s.handle("GET /api/v2/custom_roles/{id}", Staff, roles.show)
	s.handle("POST /api/v2/custom_roles", Admin, roles.createOne)
	s.handle("PUT /api/v2/custom_roles/{id}", Admin, roles.updateOne)
	s.handle("DELETE /api/v2/custom_roles/{id}", Admin, roles.deleteOne)
}
