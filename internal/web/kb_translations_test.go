package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/frontline/frontline/internal/people"
)

// Translations through the Zendesk Guide API and the locale paths: an
// agent translates; readers read the Help Center in a locale (API and
// pages); the Translation rule answers 422; drafts stay with agents.
func TestKBTranslationsAPIAndLocalePaths(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		f := newKBFixture(t, e.srv.KB, e.users[people.RoleAgent].ID, "zqtr")
		base := fmt.Sprintf("%s/articles/%d/translations", hcAPI, f.german)
		r, m := e.api("agent", "POST", base, `{"translation":{"locale":"fr","title":"Mise à niveau 17.0","body":"<p>Sauvegardez d'abord.</p><script>x</script>"}}`)
		if r.code != 201 {
			t.Fatalf("create: %d %s", r.code, r.body)
		}
		tr := m["translation"].(map[string]any)
		if tr["locale"] != "fr" || tr["source_type"] != "Article" || strings.Contains(tr["body"].(string), "script") ||
			!strings.HasSuffix(tr["url"].(string), fmt.Sprintf("/articles/%d/translations/fr.json", f.german)) {
			t.Errorf("the translation's shape: %v", tr)
		}
		if r, _ := e.api("agent", "POST", base, `{"translation":{"locale":"de-de","title":"x"}}`); r.code != 422 || !strings.Contains(r.body, "Translation rule") {
			t.Errorf("a translation into the source locale: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "POST", base, `{"translation":{"locale":"fr","title":"x"}}`); r.code != 422 {
			t.Errorf("a second French translation: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "POST", base, `{"translation":{"locale":"it","title":"x"}}`); r.code != 403 {
			t.Errorf("a customer translating: %d", r.code)
		}
		// Listing and one locale.
		if r, m := e.api("end-user", "GET", base, ""); r.code != 200 || len(m["translations"].([]any)) != 2 {
			t.Errorf("translations: %d %s", r.code, r.body)
		}
		if r, m := e.api("end-user", "GET", base+"/fr.json", ""); r.code != 200 || m["translation"].(map[string]any)["title"] != "Mise à niveau 17.0" {
			t.Errorf("the French translation: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", base+"/missing", ""); r.code != 200 || strings.Contains(fmt.Sprint(m["locales"]), "fr") || !strings.Contains(fmt.Sprint(m["locales"]), "en-us") {
			t.Errorf("missing locales: %d %s", r.code, r.body)
		}
		if r, m := e.api("end-user", "GET", hcAPI+"/locales", ""); r.code != 200 || m["default_locale"] != "en-us" || !strings.Contains(fmt.Sprint(m["locales"]), "fr") {
			t.Errorf("locales: %d %s", r.code, r.body)
		}
		// The locale paths.
		if r, m := e.api("end-user", "GET", fmt.Sprintf("%s/fr/articles/%d.json", hcAPI, f.german), ""); r.code != 200 ||
			m["article"].(map[string]any)["title"] != "Mise à niveau 17.0" || m["article"].(map[string]any)["locale"] != "fr" {
			t.Errorf("the article read in French: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "GET", fmt.Sprintf("%s/it/articles/%d", hcAPI, f.german), ""); r.code != 404 {
			t.Errorf("an article read in a locale it has no text in: %d", r.code)
		}
		if r, m := e.api("end-user", "GET", hcAPI+"/fr/articles", ""); r.code != 200 || !strings.Contains(r.body, "Mise à niveau 17.0") ||
			!strings.Contains(r.body, "Mise à niveau vers 17.0") || fmt.Sprint(m["count"]) != "2" {
			t.Errorf("the French articles: %d %s", r.code, r.body)
		}
		if r := e.do(nil, "GET", fmt.Sprintf("/hc/fr/articles/%d", f.german), nil); r.code != 200 || !strings.Contains(r.body, "Mise à niveau 17.0") {
			t.Errorf("the French page: %d", r.code)
		}
		// Updating and deleting; the source locale's translation is the article.
		if r, _ := e.api("agent", "PUT", base+"/fr", `{"translation":{"title":"Mise à niveau vers 17.1","draft":true}}`); r.code != 200 {
			t.Errorf("update: %d %s", r.code, r.body)
		}
		if r, _ := e.api("end-user", "GET", base+"/fr", ""); r.code != 404 {
			t.Errorf("a draft translation read by a customer: %d", r.code)
		}
		if r, _ := e.api("agent", "PUT", base+"/de-de", `{"translation":{"title":"Upgrade auf 17.1"}}`); r.code != 200 {
			t.Errorf("the source translation: %d %s", r.code, r.body)
		}
		if r, m := e.api("agent", "GET", fmt.Sprintf("%s/articles/%d", hcAPI, f.german), ""); r.code != 200 || m["article"].(map[string]any)["title"] != "Upgrade auf 17.1" {
			t.Errorf("the article after its source translation changed: %s", r.body)
		}
		if r, _ := e.api("agent", "DELETE", fmt.Sprintf("%s/translations/%v", hcAPI, tr["id"]), ""); r.code != 204 {
			t.Errorf("delete: %d %s", r.code, r.body)
		}
		if r, _ := e.api("agent", "GET", base+"/fr", ""); r.code != 404 {
			t.Errorf("after delete: %d", r.code)
		}
		// An internal article's translations do not exist for customers.
		if r, _ := e.api("end-user", "GET", fmt.Sprintf("%s/articles/%d/translations", hcAPI, f.internal), ""); r.code != 404 {
			t.Errorf("an internal article's translations for a customer: %d", r.code)
		}
	})
}
