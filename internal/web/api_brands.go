package web

// Brands in Zendesk's shape (/api/v2/brands). Staff read brands (a
// restricted brand's record is not restricted data: only its tickets,
// users and organizations are); admins write them, and only an admin
// cleared for a restricted brand may change or delete it (separation of
// duties: outsiders get 404). Partition rules: internal/brand,
// docs/adr/0019-restricted-partitions.md.

import (
	"net/http"
	"reflect"
	"strconv"

	"github.com/frontline/frontline/internal/brand"
	"github.com/frontline/frontline/internal/errs"
)

func (s *Server) brandView(r *http.Request, b brand.Brand) brand.Brand {
	b.URL = s.baseURL(r) + "/api/v2/brands/" + strconv.FormatInt(b.ID, 10) + ".json"
	switch {
	case b.HostMapping != nil:
		b.BrandURL = "https://" + *b.HostMapping
	case b.Path != "":
		b.BrandURL = s.baseURL(r) + b.Path
	default:
		b.BrandURL = s.baseURL(r) + "/hc/" + b.Subdomain
	}
	return b
}

func (s *Server) registerBrandAPI() {
	s.handle("GET /api/v2/brands", Staff, s.apiListBrands)
	s.handle("GET /api/v2/brands/{id}", Staff, s.apiShowBrand)
	s.handle("POST /api/v2/brands", Admin, s.apiCreateBrand)
	s.handle("PUT /api/v2/brands/{id}", Admin, s.apiUpdateBrand)
	s.handle("DELETE /api/v2/brands/{id}", Admin, s.apiDeleteBrand)
}

func (s *Server) apiListBrands(w http.ResponseWriter, r *http.Request) error {
	p, err := parsePage(r)
	if err != nil {
		return err
	}
	all, err := s.Brands.List(r.Context())
	if err != nil {
		return err
	}
	var page []brand.Brand
	if p.cursor {
		for _, b := range all {
			if b.ID > p.afterID && len(page) <= p.size {
				page = append(page, s.brandView(r, b))
			}
		}
	} else {
		lo := min((p.page-1)*p.perPage, len(all))
		hi := min(lo+p.perPage, len(all))
		for _, b := range all[lo:hi] {
			page = append(page, s.brandView(r, b))
		}
	}
	if page == nil {
		page = []brand.Brand{}
	}
	body, err := listBody(s, r, "brands", p, page, func(b brand.Brand) int64 { return b.ID }, func() (int, error) { return len(all), nil })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (s *Server) apiShowBrand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "brand")
	if err != nil {
		return err
	}
	b, err := s.Brands.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "brand", s.brandView(r, *b))
}

// checkBrandAdmin refuses an admin outside a restricted brand (404), and
// making a brand restricted to a partition the admin is not cleared for
// (they would lock themselves out of what they create).
func (s *Server) checkBrandAdmin(r *http.Request, id int64) error {
	sc, err := s.partitionScope(r)
	if err != nil {
		return err
	}
	if !sc.Sees(id) {
		return errs.NotFound("brand")
	}
	return nil
}

func (s *Server) apiCreateBrand(w http.ResponseWriter, r *http.Request) error {
	var in brand.Input
	if err := decodeBody(r, "brand", &in); err != nil {
		return err
	}
	b, err := s.Brands.Create(r.Context(), actor(r), in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusCreated, "brand", s.brandView(r, *b))
}

func (s *Server) apiUpdateBrand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "brand")
	if err != nil {
		return err
	}
	if err := s.checkBrandAdmin(r, id); err != nil {
		return err
	}
	var in brand.Input
	if err := decodeBody(r, "brand", &in); err != nil {
		return err
	}
	b, err := s.Brands.Update(r.Context(), actor(r), id, in)
	if err != nil {
		return err
	}
	return writeRecord(w, http.StatusOK, "brand", s.brandView(r, *b))
}

func (s *Server) apiDeleteBrand(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "brand")
	if err != nil {
		return err
	}
	if err := s.checkBrandAdmin(r, id); err != nil {
		return err
	}
	if err := s.Brands.Delete(r.Context(), actor(r), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func brandAPIDocs() map[string]apiDoc {
	return map[string]apiDoc{
		"GET /api/v2/brands":         {summary: "List brands (restricted: true marks a restricted partition)", tag: "Brands", result: "brands", list: true},
		"GET /api/v2/brands/{id}":    {summary: "Show a brand", tag: "Brands", result: "brand"},
		"POST /api/v2/brands":        {summary: "Create a brand", tag: "Brands", body: "brand", result: "brand"},
		"PUT /api/v2/brands/{id}":    {summary: "Update a brand (restricted brands: their cleared admins only)", tag: "Brands", body: "brand", result: "brand"},
		"DELETE /api/v2/brands/{id}": {summary: "Delete a brand nothing belongs to (restricted brands: their cleared admins only)", tag: "Brands"},
	}
}

func brandEnvelopes() map[string]envelope {
	return map[string]envelope{"brand": {reflect.TypeOf(brand.Brand{}), reflect.TypeOf(brand.Input{})}}
}
