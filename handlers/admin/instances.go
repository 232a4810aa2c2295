package admin

import "github.com/labstack/echo/v4"

func (s *server) createInstance(c echo.Context) error { return errPending }
func (s *server) updateInstance(c echo.Context) error { return errPending }
func (s *server) deleteInstance(c echo.Context) error { return errPending }
