package admin

import "github.com/labstack/echo/v4"

func (s *server) createInvoice(c echo.Context) error { return errPending }
func (s *server) updateInvoice(c echo.Context) error { return errPending }
func (s *server) adjustBalance(c echo.Context) error { return errPending }
