package admin

import (
	"github.com/labstack/echo/v4"

	"sharepanel/models"
)

var errPending = models.Errorf(models.EUNAVAILABLE, "not implemented yet")

func (s *server) sendNotification(c echo.Context) error { return errPending }
