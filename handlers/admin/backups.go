package admin

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"sharepanel/models"
	"sharepanel/wire"
)

// exportBackup is GET /api/backups/USERNAME: the account's data as one JSON document (the
// response). It holds the password hash: the export is recorded in the audit log.
func (s *server) exportBackup(c echo.Context) error {
	username := strings.ToLower(c.Param("username"))
	setAudit(c, "backup_export", userTarget(username), nil)
	b, err := s.Store.ExportAccount(c.Request().Context(), username)
	if err != nil {
		return err
	}
	return ok(c, b)
}

// restoreBackup is POST /api/backups: {"backup": <document>, "username"?, "email"?}. The document
// may also be the body itself, or the whole answer of the export ({"response": <document>, …}), so
// that a saved export restores with curl -d @file. username and email may also be query parameters.
func (s *server) restoreBackup(c echo.Context) error {
	setAudit(c, "backup_restore", "", nil)
	f, err := readFields(c)
	if err != nil {
		return err
	}
	// The document: restoreBody's backup, savedExport's response, or the body itself.
	raw, found := f["backup"]
	if !found {
		raw, found = f["response"]
	}
	if !found && f.has("format") {
		raw, _ = json.Marshal(f)
		found = true
	}
	if !found {
		return wire.Errorf(wire.EINVALID, "backup is required")
	}
	var doc models.Backup
	if err := json.Unmarshal(raw, &doc); err != nil {
		return wire.Errorf(wire.EINVALID, "backup is not a valid backup document: %s", jsonProblem(err))
	}
	var rename restoreTarget
	if err := f.bind(&rename); err != nil {
		return err
	}
	opts := models.RestoreOptions{Username: c.QueryParam("username"), Email: c.QueryParam("email")}
	if rename.Username != nil {
		opts.Username = *rename.Username
	}
	if rename.Email != nil {
		opts.Email = *rename.Email
	}
	target := opts.Username
	if target == "" {
		target = doc.Account.Username
	}
	setAudit(c, "backup_restore", userTarget(target), map[string]any{"from_username": doc.Account.Username})
	res, err := s.Store.RestoreAccount(c.Request().Context(), &doc, opts)
	if err != nil {
		return err
	}
	return ok(c, restoreAnswer{Message: "Backup restored into user " + res.Username, Username: res.Username,
		UserID: res.UserID, Skipped: res.Skipped})
}

// jsonProblem says what is wrong with a document without echoing its content.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return "field " + te.Field + " has the wrong type"
	}
	return "malformed document"
}
