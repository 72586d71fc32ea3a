package web

import (
	"net/http"
)

func (s *Server) registerAdminBackups() {
	s.handle("GET /admin/backups", Admin, s.adminBackups)
}

// adminBackupsShown is how many backup records the page lists.
const adminBackupsShown = 30

// adminBackups shows the backup schedule, the last good backup and the
// latest records (scheduled, and those taken with frontline backup).
func (s *Server) adminBackups(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{"Title": "Backups", "Section": "backups", "Schedule": s.BackupSchedule}
	if s.Backups != nil {
		last, err := s.Backups.LastOK(r.Context())
		if err != nil {
			return err
		}
		list, err := s.Backups.List(r.Context(), adminBackupsShown)
		if err != nil {
			return err
		}
		data["Last"], data["Backups"] = last, list
		if s.BackupSchedule.Dir != "" && last != nil {
			data["Next"] = last.StartedAt.Add(s.BackupSchedule.Every)
		}
	}
	s.render(w, r, http.StatusOK, "admin_backups.html", data)
	return nil
}
